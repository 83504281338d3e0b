// Per-member gradients of every layer, compiled to WGSL: the backward graphs run on Dawn like the forward ones.

import { describe, it } from 'vitest';
import { F, functionalCall, manualSeed, nn, stackModuleState, Tensor, vmap } from '../../index.js';
import { grad } from '../../compiler/func/grad.js';
import { expectCompiledMatches } from '../helpers/compiled.js';

type Dict = Record<string, Tensor>;

async function checkGrad(make: () => nn.Module, xShape: number[], options: { M?: number; intInput?: number } = {}): Promise<void> {
  manualSeed(11);
  const M = options.M ?? 2;
  const models = Array.from({ length: M }, () => make().eval());
  const { params, buffers } = stackModuleState(models);
  const base = models[0]!;
  const x = options.intInput ? Tensor.randint(0, options.intInput, [M, ...xShape]) : Tensor.randn([M, ...xShape]);
  // A loss that weighs every output element differently, so no gradient is trivially uniform.
  const loss = (p: Dict, b: Dict, xi: Tensor): Tensor => {
    const y = functionalCall<Tensor>(base, [p, b], [xi]);
    return y.mul(y).add(y.mul(Tensor.arange(y.numel()).reshape(y.shape).mul(0.01))).mean();
  };
  await expectCompiledMatches(vmap(grad(loss), [0, 0, 0]), [params, buffers, x], { rtol: 1e-3, atol: 1e-5 });
}

describe('gradients of layers on WebGPU', () => {
  it('Linear and an MLP with GELU and LayerNorm', async () => {
    await checkGrad(() => new nn.Linear(5, 4), [3, 5]);
    await checkGrad(() => new nn.Sequential(new nn.Linear(6, 8), new nn.LayerNorm(8), new nn.GELU(), new nn.Linear(8, 3), new nn.Tanh()), [4, 6]);
  });
  it('Conv2d with padding, stride and groups', async () => {
    await checkGrad(() => new nn.Conv2d(4, 6, 3, { padding: 1, stride: 2, groups: 2 }), [2, 4, 6, 6]);
  });
  it('Conv1d followed by pools', async () => {
    await checkGrad(() => new nn.Sequential(new nn.Conv1d(2, 3, 3, { padding: 1 }), new nn.MaxPool1d(2)), [2, 2, 8]);
    await checkGrad(() => new nn.Sequential(new nn.Conv2d(2, 3, 3), new nn.AvgPool2d(2, { padding: 1 })), [1, 2, 6, 6]);
  });
  it('Embedding followed by softmax', async () => {
    await checkGrad(() => new nn.Sequential(new nn.Embedding(7, 5), new nn.Softmax(-1)), [4], { intInput: 7 });
  });
  it('cross-entropy of a small classifier', async () => {
    manualSeed(3);
    const M = 3;
    const models = Array.from({ length: M }, () => new nn.Sequential(new nn.Linear(5, 8), new nn.ReLU(), new nn.Linear(8, 4)));
    const { params } = stackModuleState(models);
    const loss = (p: Dict, x: Tensor, y: Tensor): Tensor => F.crossEntropy(functionalCall(models[0]!, p, [x]), y);
    await expectCompiledMatches(vmap(grad(loss)), [params, Tensor.randn([M, 6, 5]), Tensor.randint(0, 4, [M, 6])], { rtol: 1e-3, atol: 1e-5 });
  });
});
