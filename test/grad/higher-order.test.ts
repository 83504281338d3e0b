// Second derivatives: the gradient graphs the rules emit are themselves differentiable (checked by finite differences).

import { describe, expect, it } from 'vitest';
import { F, Tensor } from '../../index.js';
import { grad } from '../../compiler/func/grad.js';
import { Generator } from '../../runtime/rng.js';

const gen = new Generator(5);
const randn = (shape: number[]): Tensor => Tensor.fromArray(gen.normal(shape.reduce((a, b) => a * b, 1)), shape, 'f64');

const CASES: [string, number[], (x: Tensor) => Tensor][] = [
  ['gelu + tanh + matmul', [3, 4], (x) => F.gelu(x).matmul(randnFixed([4, 2])).tanh().sum()],
  ['log_softmax + cross-entropy', [4, 5], (x) => F.crossEntropy(x, Tensor.tensor([0, 4, 2, 1], 'i64'))],
  ['layer_norm', [3, 6], (x) => F.layerNorm(x, [6]).pow(3).sum()],
  ['conv2d with stride and padding', [1, 2, 5, 5], (x) => F.conv2d(x, randnFixed([3, 2, 3, 3]), undefined, { stride: 2, padding: 1 }).sin().sum()],
  ['max and avg pooling', [1, 2, 4, 4], (x) => F.avgPool2d(F.maxPool2d(x.mul(x), 2), 2, { stride: 1 }).exp().sum()],
  ['sigmoid, silu, sqrt, recip', [5], (x) => x.sigmoid().add(x.silu()).add(x.mul(x).add(1).sqrt().reciprocal()).sum()],
];

const fixed = new Map<string, Tensor>();
function randnFixed(shape: number[]): Tensor {
  const key = shape.join('x');
  if (!fixed.has(key)) fixed.set(key, randn(shape));
  return fixed.get(key)!;
}

describe('grad of grad', () => {
  for (const [label, shape, f] of CASES) {
    it(`${label}: d/dx <r, grad f(x)> matches finite differences`, () => {
      const x = randn(shape);
      const r = randn(shape);
      const h = (t: Tensor): Tensor => grad(f)(t).mul(r).sum();
      const analytic = grad(h)(x).toArray();
      const base = x.toArray();
      const eps = 1e-6;
      base.forEach((v, i) => {
        const at = (d: number): number => {
          const data = Float64Array.from(base);
          data[i] = v + d;
          return h(Tensor.fromArray(data, shape, 'f64')).item();
        };
        const numeric = (at(eps) - at(-eps)) / (2 * eps);
        expect(Math.abs(analytic[i]! - numeric), `${label} element ${i}: ${analytic[i]} vs ${numeric}`).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(numeric));
      });
    });
  }
});
