// Every layer, vmapped over an ensemble, compiled to C for the cpu target and run natively, against the CPU reference.

import { describe, it } from 'vitest';
import { functionalCall, manualSeed, nn, stackModuleState, Tensor, vmap } from '../../index.js';
import { expectCompiledMatches } from '../helpers/compiled.js';

type Dict = Record<string, Tensor>;

async function checkLayer(make: () => nn.Module, xShape: number[], options: { M?: number; perMember?: boolean; intInput?: number } = {}): Promise<void> {
  manualSeed(7);
  const M = options.M ?? 3;
  const models = Array.from({ length: M }, () => make().eval());
  const { params, buffers } = stackModuleState(models);
  const shape = options.perMember ? [M, ...xShape] : xShape;
  const x = options.intInput ? Tensor.randint(0, options.intInput, shape) : Tensor.randn(shape);
  await expectCompiledMatches(vmap((p: Dict, b: Dict, xi: Tensor) => functionalCall(models[0]!, [p, b], [xi]), [0, 0, options.perMember ? 0 : null]), [params, buffers, x], { target: 'cpu' });
}

describe('layers on the cpu target', () => {
  it('Linear, shared and per-member input', async () => {
    await checkLayer(() => new nn.Linear(6, 5), [4, 6]);
    await checkLayer(() => new nn.Linear(6, 5), [4, 6], { perMember: true });
  });
  it('Linear without bias on 3-d input', async () => {
    await checkLayer(() => new nn.Linear(6, 5, { bias: false }), [2, 3, 6]);
  });
  it('Conv1d with stride and padding', async () => {
    await checkLayer(() => new nn.Conv1d(3, 4, 3, { stride: 2, padding: 1 }), [2, 3, 9]);
  });
  it('Conv2d with groups, shared and per-member input', async () => {
    await checkLayer(() => new nn.Conv2d(4, 6, 3, { padding: 1, groups: 2 }), [2, 4, 5, 5]);
    await checkLayer(() => new nn.Conv2d(3, 4, 3, { stride: 2 }), [2, 3, 7, 7], { perMember: true });
  });
  it('MaxPool2d and AvgPool2d', async () => {
    await checkLayer(() => new nn.MaxPool2d(2), [2, 3, 6, 6], { perMember: true });
    await checkLayer(() => new nn.AvgPool2d(3, { stride: 2, padding: 1 }), [2, 3, 7, 7], { perMember: true });
    await checkLayer(() => new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }), [2, 3, 7, 7], { perMember: true });
  });
  it('LayerNorm', async () => {
    await checkLayer(() => new nn.LayerNorm(8), [5, 8], { perMember: true });
  });
  it('BatchNorm1d and BatchNorm2d in eval mode', async () => {
    const bn1 = (): nn.Module => {
      const m = new nn.BatchNorm1d(4);
      m.running_mean = new nn.Buffer(Tensor.randn([4]));
      m.running_var = new nn.Buffer(Tensor.rand([4], { low: 0.5, high: 2 }));
      return m;
    };
    await checkLayer(bn1, [6, 4]);
    await checkLayer(() => new nn.BatchNorm2d(3), [2, 3, 4, 4], { perMember: true });
  });
  it('Embedding', async () => {
    await checkLayer(() => new nn.Embedding(10, 4), [3, 5], { intInput: 10 });
  });
  it('Dropout in eval mode and Sequential of activations', async () => {
    await checkLayer(() => new nn.Sequential(new nn.Linear(4, 8), new nn.GELU(), new nn.Linear(8, 8), new nn.GELU('tanh'), new nn.Dropout(0.3), new nn.Linear(8, 8), new nn.SiLU(), new nn.Tanh(), new nn.Sigmoid(), new nn.ReLU()), [3, 4]);
  });
  it('softmax and log_softmax', async () => {
    await checkLayer(() => new nn.Sequential(new nn.Linear(4, 7), new nn.Softmax(-1)), [3, 4]);
    await checkLayer(() => new nn.Sequential(new nn.Linear(4, 7), new nn.LogSoftmax(1)), [3, 4], { perMember: true });
  });
  it('Linear wider than one accumulator block (columns split into blocks per task)', async () => {
    await checkLayer(() => new nn.Linear(20, 600), [64, 20], { M: 4 });
  });
  it('Linear with ragged tiles (rows, columns and k not multiples of the micro-tile)', async () => {
    await checkLayer(() => new nn.Linear(37, 23), [13, 37], { M: 2 });
    await checkLayer(() => new nn.Linear(37, 23), [13, 37], { M: 2, perMember: true });
  });
  it('ModuleList inside a custom module', async () => {
    class Stack extends nn.Module {
      layers = new nn.ModuleList([new nn.Linear(4, 4), new nn.Linear(4, 4)]);
      forward(x: Tensor): Tensor {
        for (const l of this.layers) x = (l.forward as (t: Tensor) => Tensor)(x).relu();
        return x.sum(-1).add(x.mean(-1)).add(x.amax(-1));
      }
    }
    await checkLayer(() => new Stack(), [3, 4]);
  });
});
