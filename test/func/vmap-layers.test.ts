// Every layer under vmap(functionalCall) equals a loop of the members' own forward, with shared and per-member input.

import { describe, expect, it } from 'vitest';
import { F, nn, Tensor } from '../../index.js';
import { expectEnsembleMatchesLoop, randomizeState, runEnsemble } from '../helpers/ensemble.js';

const M = 3;
const members = <T extends nn.Module>(make: () => T, randomize = false): T[] =>
  Array.from({ length: M }, () => {
    const m = make();
    return randomize ? (randomizeState(m) as T) : m;
  });

/** Runs the check with the input shared (in_dim null) and per member (in_dim 0 on [M, ...shape]). */
function bothWays(make: () => nn.Module, shape: number[], options: { randomize?: boolean; eval?: boolean; input?: (shape: number[]) => Tensor } = {}): void {
  const input = options.input ?? ((s: number[]) => Tensor.randn(s));
  const ms = members(make, options.randomize).map((m) => (options.eval ? m.eval() : m));
  // With no parameters or buffers and a shared input nothing is mapped, which vmap rejects (as torch does).
  if (Object.keys(ms[0]!.stateDict()).length > 0) {
    const shared = expectEnsembleMatchesLoop(ms, [input(shape)], [null]);
    expect(shared.shape[0]).toBe(M);
  }
  expectEnsembleMatchesLoop(ms, [input([M, ...shape])], [0]);
  // A member axis that is not the first one.
  const last = input([...shape, M]);
  expectEnsembleMatchesLoop(ms, [last], [-1]);
}

class Act extends nn.Module {
  constructor(readonly f: (x: Tensor) => Tensor) { super(); }
  lin = new nn.Linear(4, 5);
  forward(x: Tensor): Tensor { return this.f(this.lin.forward(x)); }
}

describe('layers under vmap(functionalCall)', () => {
  it('Linear, with and without bias', () => {
    bothWays(() => new nn.Linear(4, 3), [6, 4]);
    bothWays(() => new nn.Linear(4, 3, { bias: false }), [6, 4]);
    bothWays(() => new nn.Linear(4, 3), [4]);
  });

  it('Conv1d with stride, padding and groups', () => {
    bothWays(() => new nn.Conv1d(4, 6, 3, { stride: 2, padding: 1, groups: 2 }), [2, 4, 9]);
    bothWays(() => new nn.Conv1d(2, 3, 2), [1, 2, 5]);
  });

  it('Conv2d with stride, padding and groups (members fold into channel groups)', () => {
    bothWays(() => new nn.Conv2d(3, 4, 3, { padding: 1 }), [2, 3, 5, 5]);
    bothWays(() => new nn.Conv2d(4, 6, 3, { stride: 2, padding: 1, groups: 2 }), [1, 4, 6, 6]);
    bothWays(() => new nn.Conv2d(4, 4, [3, 2], { stride: [1, 2], padding: [0, 1], groups: 4 }), [2, 4, 5, 6]);
    bothWays(() => new nn.Conv2d(2, 2, 2, { bias: false, dilation: 2 }), [1, 2, 5, 5]);
    // An unbatched [C, H, W] input.
    bothWays(() => new nn.Conv2d(2, 3, 3), [2, 4, 4]);
  });

  it('MaxPool2d and AvgPool2d after a conv', () => {
    class ConvPool extends nn.Module {
      conv = new nn.Conv2d(2, 3, 3, { padding: 1 });
      mp = new nn.MaxPool2d(3, { stride: 2, padding: 1 });
      ap = new nn.AvgPool2d(3, { stride: 2, padding: 1 });
      ap2 = new nn.AvgPool2d(2, { stride: 3, padding: 1, countIncludePad: false });
      forward(x: Tensor): Tensor {
        const y = this.conv.forward(x);
        return this.mp.forward(y).add(this.ap.forward(y)).add(this.ap2.forward(y));
      }
    }
    bothWays(() => new ConvPool(), [2, 2, 6, 6]);
  });

  it('pools alone (no parameters at all, per-member input)', () => {
    const ms = members(() => new nn.MaxPool2d(2));
    expectEnsembleMatchesLoop(ms, [Tensor.randn([M, 1, 2, 4, 4])], [0]);
    expectEnsembleMatchesLoop(members(() => new nn.AvgPool2d([2, 1])), [Tensor.randn([2, M, 4, 4])], [1]);
  });

  it('LayerNorm with per-member affine parameters', () => {
    bothWays(() => new nn.LayerNorm(6), [3, 6], { randomize: true });
    bothWays(() => new nn.LayerNorm([2, 3]), [4, 2, 3], { randomize: true });
    bothWays(() => new nn.LayerNorm(5, { elementwiseAffine: false }), [2, 5]);
  });

  it('BatchNorm1d and BatchNorm2d in eval mode use each member\'s running stats', () => {
    bothWays(() => new nn.BatchNorm1d(4), [5, 4], { randomize: true, eval: true });
    bothWays(() => new nn.BatchNorm1d(3), [2, 3, 6], { randomize: true, eval: true });
    bothWays(() => new nn.BatchNorm2d(3), [2, 3, 4, 4], { randomize: true, eval: true });
  });

  it('BatchNorm2d in training mode normalises each member with its own batch statistics', () => {
    bothWays(() => new nn.BatchNorm2d(3), [4, 3, 2, 2], { randomize: true });
  });

  it('Embedding with shared and per-member indices', () => {
    const idx = (s: number[]): Tensor => Tensor.randint(0, 7, s);
    bothWays(() => new nn.Embedding(7, 3), [2, 5], { input: idx });
    bothWays(() => new nn.Embedding(7, 3), [4], { input: (s) => Tensor.randint(0, 7, s, { dtype: 'i32' }) });
  });

  it('Dropout: identity in eval mode; in training, one independent mask per member', () => {
    bothWays(() => new nn.Dropout(0.5), [3, 4], { eval: true });
    const ms = members(() => new nn.Dropout(0.5));
    const out = runEnsemble(ms, [Tensor.ones([M, 40])], [0], { randomness: 'different' });
    const rows = [0, 1, 2].map((i) => out.select(0, i).toArray());
    expect(rows[1]).not.toEqual(rows[0]);
    for (const r of rows) for (const v of r) expect([0, 2]).toContain(v);
    const same = runEnsemble(ms, [Tensor.ones([M, 40])], [0], { randomness: 'same' });
    for (let i = 1; i < M; i++) expect(same.select(0, i).toArray()).toEqual(same.select(0, 0).toArray());
  });

  it('Sequential, whose parameters are named 0.weight, 2.weight, ...', () => {
    bothWays(() => new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2), new nn.Tanh()), [5, 4]);
    bothWays(() => new nn.Sequential(new nn.Conv2d(2, 4, 3), new nn.Flatten(), new nn.Linear(16, 3)), [2, 2, 4, 4]);
  });

  it('ModuleList iterated in the parent forward', () => {
    class Stack extends nn.Module {
      layers = new nn.ModuleList([new nn.Linear(4, 4), new nn.Linear(4, 4), new nn.Linear(4, 2)]);
      forward(x: Tensor): Tensor {
        for (const l of this.layers) x = (l as nn.Linear).forward(x).sigmoid();
        return x;
      }
    }
    bothWays(() => new Stack(), [3, 4]);
  });

  it('activations and softmax / log_softmax', () => {
    const acts: [string, (x: Tensor) => Tensor][] = [
      ['relu', F.relu], ['gelu', (x) => F.gelu(x)], ['gelu tanh', (x) => F.gelu(x, { approximate: 'tanh' })],
      ['silu', F.silu], ['tanh', F.tanh], ['sigmoid', F.sigmoid],
      ['softmax', (x) => F.softmax(x, -1)], ['softmax dim 0', (x) => F.softmax(x, 0)], ['log_softmax', (x) => F.logSoftmax(x, 1)],
    ];
    for (const [, f] of acts) bothWays(() => new Act(f), [3, 4]);
    bothWays(() => new nn.Sequential(new nn.Linear(4, 5), new nn.GELU('tanh'), new nn.SiLU(), new nn.Softmax(-1)), [2, 4]);
    bothWays(() => new nn.Sequential(new nn.Linear(4, 5), new nn.GELU(), new nn.Sigmoid(), new nn.LogSoftmax(1)), [2, 4]);
  });

  it('the torch-reference models (MLP, PreNorm, SmallCNN) with random members', async () => {
    const { MLP, PreNorm, SmallCNN } = await import('../../examples/models.js');
    expectEnsembleMatchesLoop(members(() => new PreNorm(), true), [Tensor.randn([3, 32])], [null], 1e-4);
    expectEnsembleMatchesLoop(members(() => new SmallCNN()), [Tensor.randn([M, 2, 3, 8, 8])], [0], 1e-4);
    expectEnsembleMatchesLoop(members(() => new MLP()), [Tensor.randn([2, 784])], [null], 1e-4);
  });
});
