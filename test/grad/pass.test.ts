// The grad pass on printed IR: Before/Expected, zero gradients, the vjp split, and its errors.

import { describe, expect, it } from 'vitest';
import { GradError } from '../../ir/errors.js';
import { parseGraph } from '../../ir/parse.js';
import { printGraph } from '../../ir/print.js';
import { verifyGraph } from '../../ir/verify.js';
import { runGraph } from '../../runtime/reference/interpreter.js';
import { gradPass } from '../../compiler/passes/grad-pass.js';
import { splitVjp } from '../../compiler/passes/grad-split.js';

const BEFORE = `
graph(%x: f32[2,3], %w: f32[3,4]) {
  %0: f32[2,4] = matmul(%x, %w)
  %1: f32[2,4] = tanh(%0)
  %2: f32[1,1] = sum(%1) {axes=[0,1]}
  return %2
}`;

const EXPECTED = `graph(%x: f32[2,3], %w: f32[3,4], %cotangent.0: f32[1,1]) {
  %0: f32[2,4] = matmul(%x, %w)
  %1: f32[2,4] = tanh(%0)
  %2: f32[1,1] = sum(%1) {axes=[0,1]}
  %3: f32[3,2] = permute(%x) {perm=[1,0]}
  %4: f32[2,4] = expand(%cotangent.0) {shape=[2,4]}
  %5: f32[2,4] = full() {value=1}
  %6: f32[2,4] = mul(%1, %1)
  %7: f32[2,4] = sub(%5, %6)
  %8: f32[2,4] = mul(%4, %7)
  %9: f32[3,4] = matmul(%3, %8)
  return %2, %9
}`;

describe('grad pass', () => {
  it('d sum(tanh(x @ w)) / dw: the forward is shared, the backward reads its values', () => {
    const g = verifyGraph(gradPass(parseGraph(BEFORE), { wrt: [1], of: [0], seed: 'input' }), 'grad');
    expect(printGraph(g)).toBe(EXPECTED);
  });

  it("seed 'ones' needs no cotangent input; an input the output ignores gets zeros", () => {
    const graph = parseGraph(`
graph(%a: f64[3], %b: f64[3]) {
  %0: f64[3] = mul(%a, %a)
  return %0
}`);
    const g = verifyGraph(gradPass(graph, { wrt: [0, 1], of: [0], seed: 'ones' }));
    expect(g.inputs.map((i) => i.params.name)).toEqual(['a', 'b']);
    const [, da, db] = runGraph(g, [Float64Array.from([1, 2, 3]), Float64Array.from([4, 5, 6])], { seed: 0 });
    expect([...da!]).toEqual([2, 4, 6]);
    expect([...db!]).toEqual([0, 0, 0]);
  });

  it('integer paths carry no gradient: take differentiates the table, not the indices', () => {
    const graph = parseGraph(`
graph(%x: f64[3,2], %i: i32[4]) {
  %0: f64[4,2] = take(%x, %i) {axis=0}
  return %0
}`);
    const g = verifyGraph(gradPass(graph, { wrt: [0], of: [0], seed: 'ones' }));
    const [, dx] = runGraph(g, [new Float64Array(6), Int32Array.from([2, 0, 2, 2])], { seed: 0 });
    expect([...dx!]).toEqual([1, 1, 0, 0, 3, 3]);
  });

  it('rejects integer inputs and outputs, and bad indices', () => {
    const graph = parseGraph(`
graph(%x: f32[3], %i: i32[3]) {
  %0: i32[3] = cast(%x) {to="i32"}
  %1: i32[3] = add(%0, %i)
  return %1, %x
}`);
    expect(() => gradPass(graph, { wrt: [1], of: [1], seed: 'ones' })).toThrow(/only floating-point inputs/);
    expect(() => gradPass(graph, { wrt: [0], of: [0], seed: 'ones' })).toThrow(/only floating-point outputs/);
    expect(() => gradPass(graph, { wrt: [0, 0], of: [1], seed: 'ones' })).toThrow(GradError);
    expect(() => gradPass(graph, { wrt: [2], of: [1], seed: 'ones' })).toThrow(/out of range/);
  });

  it('splitVjp: the forward returns residuals, the backward reads only residuals and cotangents', () => {
    const graph = parseGraph(BEFORE);
    const vjpGraph = gradPass(graph, { wrt: [0, 1], of: [0], seed: 'input' });
    const split = splitVjp(vjpGraph, 2, 1);
    verifyGraph(split.forward, 'forward');
    verifyGraph(split.backward, 'backward');
    expect(split.backward.inputs.map((i) => i.params.name)).toEqual([
      ...Array.from({ length: split.numResiduals }, (_, k) => `residual.${k}`), 'cotangent.0',
    ]);
    expect(printGraph(split.backward)).not.toContain('tanh');
    const x = Float32Array.from([0.1, -0.2, 0.3, 0.4, 0.5, -0.6]);
    const w = Float32Array.from({ length: 12 }, (_, i) => (i - 6) / 10);
    const ct = Float32Array.from([1]);
    const whole = runGraph(vjpGraph, [x, w, ct], { seed: 0 });
    const fwd = runGraph(split.forward, [x, w], { seed: 0 });
    const back = runGraph(split.backward, [...fwd.slice(1), ct], { seed: 0 });
    expect([...fwd[0]!]).toEqual([...whole[0]!]);
    expect([...back[0]!]).toEqual([...whole[1]!]);
    expect([...back[1]!]).toEqual([...whole[2]!]);
  });
});
