// The CPU reference interpreter: kernel values checked by hand, special values, rounding, and its errors.

import { describe, expect, it } from 'vitest';
import { IndexError, parseGraph, type TypedArray } from '../../ir/index.js';
import { runGraph } from '../../runtime/reference/interpreter.js';
import { erf } from '../../runtime/reference/math.js';
import { normalAt, uniformAt } from '../../runtime/rng.js';

/** Parses a graph and runs it; inputs given as plain arrays of the graph's input dtypes. */
function run(text: string, ...inputs: TypedArray[]): number[][] {
  return runGraph(parseGraph(text), inputs, { seed: 1 }).map((a) => Array.from(a as ArrayLike<number | bigint>, Number));
}
const f32 = (...v: number[]): Float32Array => Float32Array.from(v);

describe('scalar math', () => {
  it('erf matches known values to double precision (values from Python\'s math.erf)', () => {
    const known: [number, number][] = [
      [0, 0], [0.5, 0.5204998778130465], [1, 0.8427007929497149], [2, 0.9953222650189527],
      [-0.3, -0.3286267594591274], [3, 0.9999779095030014], [1e-10, 1.1283791670955126e-10], [7, 1],
    ];
    for (const [x, e] of known) expect(Math.abs(erf(x) - e), `erf(${x})`).toBeLessThanOrEqual(2e-16 * Math.max(Math.abs(e), 1e-300) * 8);
    expect(erf(NaN)).toBeNaN();
  });
});

describe('kernels', () => {
  it('unary ops including NaN handling of relu and sign', () => {
    const g = 'graph(%x: f64[4]) {\n  %0: f64[4] = relu(%x)\n  %1: f64[4] = sign(%x)\n  %2: f64[4] = rsqrt(%x)\n  return %0, %1, %2\n}';
    const [relu, sign, rsqrt] = run(g, Float64Array.of(-1, 0, 4, NaN));
    expect(relu).toEqual([0, 0, 4, NaN]);
    expect(sign).toEqual([-1, 0, 1, NaN]);
    expect(rsqrt).toEqual([NaN, Infinity, 0.5, NaN]);
  });

  it('maximum/minimum and max propagate NaN, as torch does', () => {
    const g = 'graph(%a: f32[3], %b: f32[3]) {\n  %0: f32[3] = maximum(%a, %b)\n  %1: f32[1] = max(%a) {axes=[0]}\n  %2: f32[3] = minimum(%a, %b)\n  return %0, %1, %2\n}';
    const [mx, red, mn] = run(g, f32(1, NaN, 3), f32(2, 0, -1));
    expect(mx).toEqual([2, NaN, 3]);
    expect(red).toEqual([NaN]);
    expect(mn).toEqual([1, NaN, -1]);
  });

  it('argmax takes the first maximum, and a NaN counts as the maximum', () => {
    const g = 'graph(%a: f32[2,3]) {\n  %0: i32[2,1] = argmax(%a) {axis=1}\n  return %0\n}';
    expect(run(g, f32(1, 5, 5, 0, NaN, 9))[0]).toEqual([1, 1]);
  });

  it('floor, ceil and round (half to even) keep NaN, Inf and the sign of zero; log1p and expm1 are exact near 0', () => {
    const g = 'graph(%x: f64[8]) {\n  %0: f64[8] = floor(%x)\n  %1: f64[8] = ceil(%x)\n  %2: f64[8] = round(%x)\n  return %0, %1, %2\n}';
    const [fl, ce, ro] = run(g, Float64Array.of(0.5, 1.5, -2.5, -0.4, 2.7, NaN, -Infinity, -0));
    expect(fl).toEqual([0, 1, -3, -1, 2, NaN, -Infinity, -0]);
    expect(ce).toEqual([1, 2, -2, -0, 3, NaN, -Infinity, -0]);
    expect(ro).toEqual([0, 2, -2, -0, 3, NaN, -Infinity, -0]);
    expect(Object.is(ro[3], -0) && Object.is(ce[3], -0)).toBe(true);
    const h = 'graph(%x: f64[4]) {\n  %0: f64[4] = log1p(%x)\n  %1: f64[4] = expm1(%x)\n  return %0, %1\n}';
    const [l1p, em1] = run(h, Float64Array.of(1e-12, -1, -2, Infinity));
    expect(l1p[0]).toBeCloseTo(1e-12 - 5e-25, 30);
    expect(l1p.slice(1)).toEqual([-Infinity, NaN, Infinity]);
    expect(em1[0]).toBeCloseTo(1e-12 + 5e-25, 30);
    expect(em1.slice(1)).toEqual([Math.expm1(-1), Math.expm1(-2), Infinity]);
  });

  it('prod multiplies (1 over nothing), min propagates NaN, argmin takes the first minimum or the first NaN', () => {
    const g = 'graph(%a: f32[2,3]) {\n  %0: f32[2,1] = prod(%a) {axes=[1]}\n  %1: f32[1,3] = min(%a) {axes=[0]}\n  %2: i32[2,1] = argmin(%a) {axis=1}\n  return %0, %1, %2\n}';
    const [p, m, am] = run(g, f32(2, -3, 0.5, 4, NaN, 1));
    expect(p).toEqual([-3, NaN]);
    expect(m).toEqual([2, NaN, 0.5]);
    expect(am).toEqual([1, 1]);
    expect(run('graph(%a: f32[2,0]) {\n  %0: f32[2,1] = prod(%a) {axes=[1]}\n  return %0\n}', f32())[0]).toEqual([1, 1]);
    expect(run('graph(%a: f32[4]) {\n  %0: i32[1] = argmin(%a) {axis=0}\n  return %0\n}', f32(3, 1, NaN, NaN))[0]).toEqual([2]);
  });

  it('cumsum adds in order along its axis, from the end when reversed', () => {
    const g = 'graph(%a: f32[2,3]) {\n  %0: f32[2,3] = cumsum(%a) {axis=1, reverse=false}\n  %1: f32[2,3] = cumsum(%a) {axis=0, reverse=true}\n  return %0, %1\n}';
    const [c, r] = run(g, f32(1, 2, 3, 4, 5, NaN));
    expect(c).toEqual([1, 3, 6, 4, 9, NaN]);
    expect(r).toEqual([5, 7, NaN, 4, 5, NaN]);
  });

  it('gather reads along its axis; scatter_add adds repeated indices up; indices out of range are IndexErrors', () => {
    const g = 'graph(%x: f32[2,3], %i: i64[2,2], %s: f32[2,2]) {\n  %0: f32[2,2] = gather(%x, %i) {axis=1}\n  %1: f32[2,3] = scatter_add(%x, %i, %s) {axis=1}\n  return %0, %1\n}';
    const [ga, sc] = run(g, f32(1, 2, 3, 4, 5, 6), BigInt64Array.of(2n, 2n, 0n, 1n), f32(10, 20, 30, 40));
    expect(ga).toEqual([3, 3, 4, 5]);
    expect(sc).toEqual([1, 2, 33, 34, 45, 6]);
    expect(() => run(g, f32(1, 2, 3, 4, 5, 6), BigInt64Array.of(0n, 3n, 0n, 1n), f32(1, 1, 1, 1))).toThrow(/gather: index 3 is out of range for axis 1 of size 3/);
    const s = 'graph(%x: f32[2,3], %i: i32[1,2], %s: f32[1,2]) {\n  %0: f32[2,3] = scatter_add(%x, %i, %s) {axis=0}\n  return %0\n}';
    expect(() => run(s, f32(1, 2, 3, 4, 5, 6), Int32Array.of(1, -1), f32(1, 1))).toThrow(IndexError);
  });

  it('casts truncate toward zero and round f32 results', () => {
    const g = 'graph(%a: f32[4]) {\n  %0: i32[4] = cast(%a) {to="i32"}\n  %1: i64[4] = cast(%a) {to="i64"}\n  return %0, %1\n}';
    const [i, l] = run(g, f32(-1.7, 1.7, 2.5, -0.2));
    expect(i).toEqual([-1, 1, 2, 0]);
    expect(l).toEqual([-1, 1, 2, 0]);
    const r = run('graph(%a: f32[1]) {\n  %0: f32[1] = div(%a, %a)\n  %1: f32[1] = full() {value=0.1}\n  return %1\n}', f32(1));
    expect(r[0]![0]).toBe(Math.fround(0.1));
  });

  it('comparisons and where', () => {
    const g = 'graph(%a: f32[3], %b: f32[3]) {\n  %0: f32[3] = cmp_le(%a, %b)\n  %1: f32[3] = where(%0, %a, %b)\n  return %0, %1\n}';
    expect(run(g, f32(1, 2, 3), f32(3, 2, 1))).toEqual([[1, 1, 0], [1, 2, 1]]);
  });

  it('sum over several axes; matmul with batch dims', () => {
    const s = run('graph(%a: f32[2,2,2]) {\n  %0: f32[1,2,1] = sum(%a) {axes=[0,2]}\n  return %0\n}', f32(1, 2, 3, 4, 5, 6, 7, 8));
    expect(s[0]).toEqual([14, 22]);
    const m = run('graph(%a: f32[2,1,2], %b: f32[2,2,1]) {\n  %0: f32[2,1,1] = matmul(%a, %b)\n  return %0\n}', f32(1, 2, 3, 4), f32(5, 6, 7, 8));
    expect(m[0]).toEqual([17, 53]);
    // A zero times an infinity is NaN, not skipped.
    const z = run('graph(%a: f32[1,1], %b: f32[1,1]) {\n  %0: f32[1,1] = matmul(%a, %b)\n  return %0\n}', f32(0), f32(Infinity));
    expect(z[0]).toEqual([NaN]);
  });

  it('movement: permute, expand, slice, pad, concat', () => {
    const g = [
      'graph(%a: f32[2,3]) {',
      '  %0: f32[3,2] = permute(%a) {perm=[1,0]}',
      '  %1: f32[1,3] = slice(%a) {starts=[1,0], ends=[2,3]}',
      '  %2: f32[2,3] = expand(%1) {shape=[2,3]}',
      '  %3: f32[2,4] = pad(%1) {pads=[[0,1],[1,0]]}',
      '  %4: f32[3,3] = concat(%a, %1) {axis=0}',
      '  return %0, %2, %3, %4',
      '}',
    ].join('\n');
    const [p, e, pd, c] = run(g, f32(1, 2, 3, 4, 5, 6));
    expect(p).toEqual([1, 4, 2, 5, 3, 6]);
    expect(e).toEqual([4, 5, 6, 4, 5, 6]);
    expect(pd).toEqual([0, 4, 5, 6, 0, 0, 0, 0]);
    expect(c).toEqual([1, 2, 3, 4, 5, 6, 4, 5, 6]);
  });

  it('take and one_hot, and their index errors', () => {
    const g = 'graph(%x: f32[3,2], %i: i64[2]) {\n  %0: f32[2,2] = take(%x, %i) {axis=0}\n  %1: f32[2,3] = one_hot(%i) {numClasses=3, dtype="f32"}\n  return %0, %1\n}';
    expect(run(g, f32(1, 2, 3, 4, 5, 6), BigInt64Array.of(2n, 0n))).toEqual([[5, 6, 1, 2], [0, 0, 1, 1, 0, 0]]);
    expect(() => run(g, f32(1, 2, 3, 4, 5, 6), BigInt64Array.of(3n, 0n))).toThrow(IndexError);
    expect(() => run(g, f32(1, 2, 3, 4, 5, 6), BigInt64Array.of(-1n, 0n))).toThrow('take: index -1 is out of range for axis 0 of size 3 (tensor [3, 2])');
  });

  it('rand is a pure function of (seed, key, index)', () => {
    const g = 'graph() {\n  %0: f32[1000] = rand() {key=4, dist="uniform"}\n  %1: f64[1000] = rand() {key=5, dist="normal"}\n  return %0, %1\n}';
    const [u, n] = run(g);
    expect(u![17]).toBe(Math.fround(uniformAt(1, 4, 17)));
    expect(n![3]).toBe(normalAt(1, 5, 3));
    expect(Math.min(...u!)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u!)).toBeLessThan(1);
    const mean = n!.reduce((a, b) => a + b) / n!.length;
    const sd = Math.sqrt(n!.reduce((a, b) => a + (b - mean) ** 2, 0) / n!.length);
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(Math.abs(sd - 1)).toBeLessThan(0.1);
    expect(run(g)).toEqual([u, n]);
  });
});

describe('runGraph', () => {
  const g = 'graph(%x: f32[2,2]) {\n  %0: f32[2,2] = neg(%x)\n  return %0, %x\n}';
  it('checks the number and size of inputs', () => {
    expect(() => run(g)).toThrow('graph takes 1 inputs, got 0');
    expect(() => run(g, f32(1, 2, 3))).toThrow('input %x expects f32[2, 2] (4 elements), got 3 elements');
  });
  it('converts inputs of another dtype and can return an input', () => {
    expect(run(g, Float64Array.of(1, 2, 3, 4))).toEqual([[-1, -2, -3, -4], [1, 2, 3, 4]]);
  });
});
