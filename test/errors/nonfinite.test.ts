// Bad-input table, NaN and Inf in weights: they propagate as IEEE 754 says on every target, and nothing throws (rows E30-E32).

import { describe, expect, it } from 'vitest';
import { compile, F, functionalCall, manualSeed, nn, stackModuleState, Tensor, vmap } from '../../index.js';
import type { CompileTarget } from '../../compiler/compile.js';
import { flatten } from '../../compiler/func/pytree.js';
import { runTargets } from './helpers.js';

type Dict = Record<string, Tensor>;

/** NaN, +Inf, -Inf or a finite value: what IEEE fixes exactly; finite values are compared with a tolerance. */
const kind = (v: number): string => (Number.isNaN(v) ? 'nan' : v === Infinity ? '+inf' : v === -Infinity ? '-inf' : 'finite');

function expectSameNonFinite(got: unknown, want: unknown): void {
  const g = flatten(got).leaves as Tensor[], w = flatten(want).leaves as Tensor[];
  expect(g.length).toBe(w.length);
  g.forEach((t, k) => {
    const a = t.toArray(), e = w[k]!.toArray();
    expect(a.map(kind), `output ${k} (NaN/Inf positions): got ${a.join(" ")}, expected ${e.join(" ")}`).toEqual(e.map(kind));
    a.forEach((v, i) => {
      if (kind(v) === 'finite') expect(Math.abs(v - e[i]!), `output ${k} element ${i}`).toBeLessThanOrEqual(1e-4 + 1e-4 * Math.abs(e[i]!));
    });
  });
}

/** Three Linear(4, 5) members with NaN and Inf planted in their weights, and the ops whose NaN rules differ (max, argmax, relu, softmax, pools). */
function poisoned(where: 'weight' | 'bias' | 'input') {
  manualSeed(5);
  const models = Array.from({ length: 3 }, () => new nn.Linear(4, 5).eval());
  const w1 = models[1]!.weight.data, b2 = models[2]!.bias!.data, w0 = models[0]!.weight.data;
  if (where === 'weight') { w1[0] = NaN; w0[7] = Infinity; w0[13] = -Infinity; }
  if (where === 'bias') { b2[1] = Infinity; b2[3] = NaN; models[0]!.bias!.data[2] = -Infinity; }
  const { params, buffers } = stackModuleState(models);
  const x = Tensor.randn([2, 4]);
  if (where === 'input') (x.data as Float32Array)[5] = NaN;
  const f = vmap((p: Dict, b: Dict, xi: Tensor) => {
    const y = functionalCall<Tensor>(models[0]!, [p, b], [xi]);
    const img = y.reshape([1, 2, 5]);
    return {
      y, relu: y.relu(), max: y.amax(-1), argmax: y.argmax(-1), softmax: F.softmax(y, -1), sum: y.sum(0),
      maxPool: F.maxPool1d(img, 2), avgPool: F.avgPool1d(img, 2), tanh: y.tanh(), sigmoid: y.sigmoid(), where: y.gt(0).mul(y), zeroTimes: y.mul(0), clamp: y.clamp(-1, 1), maximum: y.maximum(y.mul(-1)), minimum: y.minimum(0.5),
    };
  }, [0, 0, null]);
  return { f, params, buffers, x };
}

for (const target of runTargets()) {
  /** The compiled result has NaN and Inf exactly where the CPU reference has them, and running never throws. */
  async function propagates(where: 'weight' | 'bias' | 'input'): Promise<void> {
    const { f, params, buffers, x } = poisoned(where);
    const want = f(params, buffers, x);
    const c = await compile(f, { target: target as CompileTarget, example: [params, buffers, x] });
    try {
      expectSameNonFinite(await c.run(params, buffers, x), want);
      if (where !== 'input') {
        // The poison stays in its member: member 1 (weight) or 2 (bias) has NaN, and another member has none.
        expect(want.y.select(0, where === 'weight' ? 1 : 2).toArray().some(Number.isNaN)).toBe(true);
        expect(want.y.select(0, where === 'weight' ? 2 : 1).toArray().every(Number.isFinite)).toBe(true);
      }
    } finally {
      c.destroy();
    }
  }
  describe(`NaN and Inf on ${target}`, () => {
    it('E30 NaN and Inf in weights propagate as IEEE says, with no error', () => propagates('weight'));
    it('E31 NaN and Inf in biases propagate as IEEE says, with no error', () => propagates('bias'));
    it('E32 NaN in the input propagates as IEEE says, with no error', () => propagates('input'));
  });
}
