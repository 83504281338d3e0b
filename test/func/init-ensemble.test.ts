// initEnsemble: member i equals a module built under its own seed; stacked params and buffers are ready to train.

import { describe, expect, it } from 'vitest';
import { functionalCall, nn, StateError, Tensor, vmap } from '../../index.js';
import { initEnsemble, memberSeeds } from '../../compiler/func/init-ensemble.js';
import { withInitSeed } from '../../compiler/nn/init.js';
import { defaultGenerator } from '../../runtime/rng.js';
import { expectClose } from '../helpers/assert.js';

class Small extends nn.Module {
  fc = new nn.Linear(4, 6);
  bn = new nn.BatchNorm1d(6);
  out = new nn.Linear(6, 2);
  forward(x: Tensor): Tensor {
    return this.out.forward(this.bn.forward(this.fc.forward(x)).relu());
  }
}

class Sized extends nn.Module {
  fc: nn.Linear;
  constructor(readonly width: number) {
    super();
    this.fc = new nn.Linear(3, width);
  }
  forward(x: Tensor): Tensor {
    return this.fc.forward(x);
  }
}

describe('initEnsemble', () => {
  it('member i equals withInitSeed(seed + i, () => new Model())', () => {
    const ens = initEnsemble(Small, 4, { seed: 100 });
    expect(ens.seeds).toEqual([100, 101, 102, 103]);
    for (let i = 0; i < 4; i++) {
      const ref = withInitSeed(100 + i, () => new Small());
      for (const [name, t] of ref.namedParameters()) {
        expect(ens.params[name]!.shape).toEqual([4, ...t.shape]);
        expect(ens.params[name]!.select(0, i).toArray()).toEqual(t.toArray());
      }
      for (const [name, t] of ref.namedBuffers()) {
        expect(ens.buffers[name]!.dtype).toBe(t.dtype);
        expect(ens.buffers[name]!.select(0, i).toArray()).toEqual(t.toArray());
      }
    }
    expect(Object.keys(ens.params)).toEqual(ens.model.namedParameters().map(([n]) => n));
  });

  it('members differ, and the default generator is not consumed', () => {
    const before = defaultGenerator.getState();
    const ens = initEnsemble(Small, 3);
    expect(defaultGenerator.getState()).toEqual(before);
    const w = ens.params['fc.weight']!;
    expect(w.select(0, 0).toArray()).not.toEqual(w.select(0, 1).toArray());
    expect(ens.seeds).toEqual([0, 1, 2]);
  });

  it('takes explicit seeds and constructor arguments', () => {
    const ens = initEnsemble(Sized, 2, { seeds: [7, 3], args: [5] });
    expect(ens.params['fc.weight']!.shape).toEqual([2, 5, 3]);
    expect(ens.params['fc.bias']!.select(0, 1).toArray()).toEqual(withInitSeed(3, () => new Sized(5)).fc.bias!.toArray());
  });

  it('plugs into vmap(functionalCall) like stacked module state', () => {
    const ens = initEnsemble(Small, 3, { seed: 5 });
    const x = Tensor.randn([8, 4]);
    const out = vmap((p: Record<string, Tensor>, b: Record<string, Tensor>) => functionalCall(ens.model.eval(), [p, b], [x]))(ens.params, ens.buffers);
    for (let i = 0; i < 3; i++) expectClose(out.select(0, i), withInitSeed(5 + i, () => new Small()).eval().forward(x), 1e-5, 1e-6);
  });

  it('rejects bad sizes and seed lists', () => {
    expect(() => initEnsemble(Small, 0)).toThrow(StateError);
    expect(() => initEnsemble(Small, 2.5)).toThrow(/positive integer/);
    expect(() => initEnsemble(Small, 3, { seeds: [1, 2] })).toThrow(/2 seeds for 3 members/);
    expect(memberSeeds(2, { seed: 2 ** 32 - 1 })).toEqual([2 ** 32 - 1, 0]);
  });
});
