// Every jvp rule against central finite differences and against the vjp (f64, CPU reference), op by op.

import { describe, expect, it } from 'vitest';
import { isFloat, type TypedArray } from '../../ir/dtype.js';
import { GradError } from '../../ir/errors.js';
import { asNode, makeNode, type Graph } from '../../ir/node.js';
import { ALL_OPS } from '../../ir/op.js';
import { parseGraph } from '../../ir/parse.js';
import { printGraph } from '../../ir/print.js';
import { numelOf } from '../../ir/shape.js';
import { verifyGraph } from '../../ir/verify.js';
import { runGraph } from '../../runtime/reference/interpreter.js';
import { Generator } from '../../runtime/rng.js';
import { gradPass } from '../../compiler/passes/grad-pass.js';
import { jvpPass } from '../../compiler/passes/jvp.js';
import { dataFor, DIFF_CASES, dot, type OpCase } from '../helpers/diff-cases.js';
import { dedent } from '../helpers/ir.js';

/** Builds the case's graph, its jvp graph and its vjp graph, with random values, tangents and a cotangent. */
function setup(c: OpCase) {
  const gen = new Generator(4321);
  const inputs = c.inputs.map((d, i) => makeNode('input', [], { name: `x${i}` }, { shape: d.shape, dtype: d.dtype ?? 'f64' }));
  const out = c.build(inputs.map(asNode));
  const graph: Graph = verifyGraph({ inputs, outputs: [out] });
  const wrt = inputs.map((x, i) => (isFloat(x.dtype) ? i : -1)).filter((i) => i >= 0);
  const jvp = verifyGraph(jvpPass(graph, { wrt }), 'jvp pass');
  const values = c.inputs.map((d) => dataFor(d, gen));
  const tangents = wrt.map((i) => Float64Array.from(gen.uniform(numelOf(inputs[i]!.shape), -1, 1)));
  return { gen, graph, wrt, jvp, values, tangents, out };
}

const ctx = { seed: 7 };

/** d/de f(x + e t) at 0 by central differences, per output element. */
function directional(graph: Graph, values: TypedArray[], wrt: readonly number[], tangents: readonly Float64Array[], h: number): number[] {
  const at = (e: number): TypedArray[] => values.map((v, j) => {
    const k = wrt.indexOf(j);
    return k < 0 ? v : Float64Array.from(v as Float64Array, (x, i) => x + e * tangents[k]![i]!);
  });
  const plus = runGraph(graph, at(h), ctx)[0]!, minus = runGraph(graph, at(-h), ctx)[0]!;
  return Array.from({ length: plus.length }, (_, i) => (Number(plus[i]) - Number(minus[i])) / (2 * h));
}

function checkCase(c: OpCase): void {
  const { gen, graph, wrt, jvp, values, tangents, out } = setup(c);
  const [, tangent] = runGraph(jvp, [...values, ...tangents], ctx);
  const numeric = directional(graph, values, wrt, tangents, c.h ?? 1e-6);
  const rtol = c.rtol ?? 1e-5, atol = c.atol ?? 1e-7;
  expect(tangent!.length).toBe(numeric.length);
  numeric.forEach((want, e) => {
    const got = Number(tangent![e]);
    expect(Math.abs(got - want) <= atol + rtol * Math.abs(want), `${c.label}: tangent[${e}] = ${got}, finite differences give ${want}`).toBe(true);
  });
  // <u, J t> = <J^T u, t>: the jvp and the grad pass compute transposes of one Jacobian.
  if (!isFloat(out.dtype)) return;
  const u = Float64Array.from(gen.uniform(numelOf(out.shape), -1, 1));
  const grads = runGraph(gradPass(graph, { wrt, of: [0], seed: 'input' }), [...values, u], ctx).slice(1);
  const lhs = dot(u, tangent!);
  const rhs = grads.reduce((s, g, k) => s + dot(g, tangents[k]!), 0);
  expect(Math.abs(lhs - rhs), `${c.label}: <u, Jt> = ${lhs} but <J^T u, t> = ${rhs}`).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(lhs)));
}

describe('jvp rules against finite differences and the vjp (f64, CPU reference)', () => {
  for (const op of ALL_OPS) {
    const entry = DIFF_CASES[op];
    if ('skip' in entry) continue;
    for (const c of entry) it(`${op}: ${c.label}`, () => checkCase(c));
  }

  it('ties and kinks agree with the vjp, which shares them as PyTorch does', () => {
    const g = parseGraph(dedent(`
      graph(%a: f64[6], %b: f64[6]) {
        %0: f64[6] = maximum(%a, %b)
        %1: f64[6] = relu(%a)
        %2: f64[6] = abs(%b)
        %3: f64[1] = max(%a) {axes=[0]}
        %4: f64[3,2] = reshape(%a) {shape=[3,2]}
        %5: f64[3,1] = max_pool(%4) {kernel=[2], stride=[1], padding=[0]}
        return %0, %1, %2, %3, %5
      }`));
    const a = Float64Array.from([1, 0, 2, 2, -1, 0]), b = Float64Array.from([1, 3, 2, 0, 0, -2]);
    const ta = Float64Array.from([1, 2, 3, 4, 5, 6]), tb = Float64Array.from([10, 20, 30, 40, 50, 60]);
    const [, , , , , t0, t1, t2, t3, t5] = runGraph(jvpPass(g, { wrt: [0, 1] }), [a, b, ta, tb], ctx);
    expect([...t0!]).toEqual([5.5, 20, 16.5, 4, 50, 6]); // ties at 0 and 2 take the mean of both tangents
    expect([...t1!]).toEqual([1, 0, 3, 4, 0, 0]); // relu'(0) = 0
    expect([...t2!]).toEqual([10, 20, 30, 0, 0, -60]); // sign(0) = 0
    expect([...t3!]).toEqual([3.5]); // two maxima: the mean of their tangents
    expect([...t5!]).toEqual([1, 3, 6]); // the first maximum of each window in scan order (a tie in the middle row)
  });
});

describe('jvp pass', () => {
  it('tanh(x @ w): the forward is shared, the tangent follows it node by node', () => {
    const before = parseGraph(dedent(`
      graph(%x: f32[2,3], %w: f32[3,4]) {
        %0: f32[2,4] = matmul(%x, %w)
        %1: f32[2,4] = tanh(%0)
        return %1
      }`));
    expect(printGraph(verifyGraph(jvpPass(before, { wrt: [1] })))).toBe(dedent(`
      graph(%x: f32[2,3], %w: f32[3,4], %tangent.0: f32[3,4]) {
        %0: f32[2,4] = matmul(%x, %w)
        %1: f32[2,4] = tanh(%0)
        %2: f32[2,4] = matmul(%x, %tangent.0)
        %3: f32[2,4] = full() {value=1}
        %4: f32[2,4] = mul(%1, %1)
        %5: f32[2,4] = sub(%3, %4)
        %6: f32[2,4] = mul(%2, %5)
        return %1, %6
      }`));
  });

  it('outputs that do not depend on a tangent get zeros of their type (integers too, as torch.func.jvp)', () => {
    const g = parseGraph(dedent(`
      graph(%x: f64[3], %y: f64[3]) {
        %0: f64[3] = mul(%y, %y)
        %1: i32[1] = argmax(%x) {axis=0}
        %2: f64[3] = exp(%x)
        return %0, %1, %2
      }`));
    const j = verifyGraph(jvpPass(g, { wrt: [0], of: [0, 1] }));
    expect(j.outputs.length).toBe(5);
    const outs = runGraph(j, [Float64Array.from([1, 2, 3]), Float64Array.from([4, 5, 6]), Float64Array.from([1, 1, 1])], ctx);
    expect([...outs[3]!]).toEqual([0, 0, 0]);
    expect(outs[4]).toBeInstanceOf(Int32Array);
    expect([...outs[4]!]).toEqual([0]);
  });

  it('refuses integer inputs, and wrt/of indices out of range or repeated', () => {
    const g = parseGraph('graph(%x: f32[3], %i: i32[3]) {\n  return %x\n}');
    expect(() => jvpPass(g, { wrt: [1] })).toThrow(GradError);
    expect(() => jvpPass(g, { wrt: [1] })).toThrow('jvp pass: cannot push a tangent into input %i of type i32[3]; only floating-point inputs have tangents');
    expect(() => jvpPass(g, { wrt: [2] })).toThrow('jvp pass: wrt index 2 is out of range for a graph with 2 inputs');
    expect(() => jvpPass(g, { wrt: [0, 0] })).toThrow('jvp pass: wrt lists input 0 twice');
    expect(() => jvpPass(g, { wrt: [0], of: [1] })).toThrow('jvp pass: of index 1 is out of range for a graph with 1 outputs');
  });
});
