// The ops of issue 13 with IR ops of their own, as ensembles every backend runs: forward, fused, vmapped and differentiated.

import type { Op } from '../../ir/op.js';
import { grad, manualSeed, Tensor, vmap } from '../../index.js';
import { Generator } from '../../runtime/rng.js';
import type { EnsembleCase } from './backend-cases.js';

/** The IR ops issue 13 added; every one must appear in the traced graph of some case below. */
export const NEW_OPS = ['floor', 'ceil', 'round', 'log1p', 'expm1', 'prod', 'min', 'argmin', 'cumsum', 'gather', 'scatter_add'] as const satisfies readonly Op[];

/** A case and the new ops its graph must contain (checked against the traced graph, so a case cannot silently lose its op). */
export interface CoverageCase {
  readonly ops: readonly (typeof NEW_OPS)[number][];
  readonly make: () => EnsembleCase;
}

const M = 3;

/** Values with exact halves, integers, signed zeros and values near 0: the edges of the rounding ops and log1p/expm1. */
function edgeValues(n: number, gen: Generator): Tensor {
  const fixed = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0, -0, 3, -4, 1e-6, -3e-7, 2.4999998, 0.49999997, -7.25, 10.75, NaN, Infinity, -Infinity];
  const rand = Array.from(gen.uniform(n - fixed.length), (u) => -6 + 12 * u);
  return Tensor.fromArray([...fixed, ...rand], [n]);
}

const rounding: CoverageCase = {
  ops: ['floor', 'ceil', 'round', 'log1p', 'expm1'],
  make: () => {
    const x = edgeValues(M * 32, new Generator(11)).reshape([M, 4, 8]);
    const fn = vmap((xi: Tensor) => [xi.floor(), xi.ceil(), xi.round(), xi.round(1), xi.round(-1), xi.abs().log1p(), xi.clamp(-10, 10).expm1(), xi.mul(3).round().add(xi.floor().mul(0.5)).sub(xi.ceil())]);
    return { name: 'floor, ceil, round (halves to even, decimals), log1p, expm1 near 0, fused', fn: fn as EnsembleCase['fn'], args: [x], rtol: 1e-5, atol: 1e-6 };
  },
};

const intRounding: CoverageCase = {
  ops: ['log1p'],
  make: () => {
    const x = Tensor.fromArray(Int32Array.from({ length: M * 6 }, (_, i) => (i * 7) % 11), [M, 6]);
    const fn = vmap((xi: Tensor) => [xi.floor(), xi.round(), xi.log1p(), xi.prod(), xi.cumsum(0)]);
    return { name: 'integer tensors: floor and round keep them, log1p promotes to f32, prod and cumsum accumulate in i64', fn: fn as EnsembleCase['fn'], args: [x], rtol: 1e-5, atol: 1e-6 };
  },
};

const reductions: CoverageCase = {
  ops: ['prod', 'min', 'argmin'],
  make: () => {
    const gen = new Generator(12);
    const x = Tensor.fromArray(Array.from(gen.uniform(M * 5 * 6), (u, i) => (i % 7 === 3 ? 0 : Math.round((0.4 + 1.2 * u) * 4) / 4 * (i % 2 ? -1 : 1))), [M, 5, 6]);
    const fn = vmap((xi: Tensor) => [xi.prod(1), xi.prod(0, true), xi.prod(), xi.min(1), xi.amin([0, 1]), xi.min(), xi.argmin(0), xi.argmin(1, true), xi.argmin(), xi.sub(xi.amin(1, true)).exp().sum(1)]);
    return { name: 'prod (rows with zeros), min and argmin (ties) along each axis, min fused into a row kernel', fn: fn as EnsembleCase['fn'], args: [x], rtol: 1e-5, atol: 1e-6 };
  },
};

const scans: CoverageCase = {
  ops: ['cumsum'],
  make: () => {
    manualSeed(13);
    const x = Tensor.randn([M, 6, 40]);
    const w = Tensor.randn([40]);
    const fn = vmap((xi: Tensor, wi: Tensor) => [xi.cumsum(1), xi.mul(wi).relu().cumsum(-1), xi.cumsum(0).softmax(-1), xi.cumsum(1).cumsum(0)], [0, null]);
    return { name: 'cumsum along the last and a middle axis, an elementwise chain fused into the scan, a scan feeding a softmax', fn: fn as EnsembleCase['fn'], args: [x, w], rtol: 1e-4, atol: 1e-5 };
  },
};

const gathers: CoverageCase = {
  ops: ['gather', 'scatter_add'],
  make: () => {
    manualSeed(14);
    const x = Tensor.randn([M, 4, 6]);
    const idx = Tensor.randint(0, 6, [M, 4, 9]);
    const shared = Tensor.randint(0, 4, [3, 6], { dtype: 'i32' });
    const src = Tensor.randn([M, 4, 9]);
    const fn = vmap((xi: Tensor, ii: Tensor, si: Tensor, s: Tensor) => [
      xi.gather(1, ii), xi.gather(0, s), xi.scatterAdd(1, ii, si), xi.scatterAdd(0, s, si), xi.gather(1, ii).mul(2).sum(-1),
    ], [0, 0, 0, null]);
    return { name: 'gather and scatter_add along both axes, per-member and shared indices, repeated indices', fn: fn as EnsembleCase['fn'], args: [x, idx, src, shared], rtol: 1e-5, atol: 1e-6 };
  },
};

const grads: CoverageCase = {
  ops: ['prod', 'min', 'cumsum', 'gather', 'scatter_add', 'expm1'],
  make: () => {
    manualSeed(15);
    const x = Tensor.randn([M, 5, 4]);
    x.data[3] = 0; // a zero in one prod row of member 0
    const idx = Tensor.randint(0, 4, [M, 5, 3]);
    const loss = (xi: Tensor, ii: Tensor): Tensor =>
      xi.prod(1).sum().add(xi.amin(0).sum()).add(xi.cumsum(1).mul(xi).sum()).add(xi.gather(1, ii).pow(2).sum()).add(xi.abs().log1p().sum()).add(xi.expm1().mean());
    const fn = vmap(grad(loss), [0, 0]);
    return { name: 'vmap(grad) through prod (with a zero), amin, cumsum (a reversed cumsum), gather (a scatter_add), log1p, expm1', fn: fn as EnsembleCase['fn'], args: [x, idx], rtol: 1e-4, atol: 1e-5 };
  },
};

/** Every coverage case; test/backends/op-coverage.test.ts runs them on each runnable target, test/cuda/ builds them for CUDA. */
export const OP_COVERAGE: readonly CoverageCase[] = [rounding, intRounding, reductions, scans, gathers, grads];
