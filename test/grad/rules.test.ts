// Every gradient rule against central finite differences in f64 on the CPU reference, op by op.

import { describe, expect, it } from 'vitest';
import { isFloat, type TypedArray } from '../../ir/dtype.js';
import { asNode, makeNode, type Graph, type LeafType, type Node } from '../../ir/node.js';
import { ALL_OPS, type Op } from '../../ir/op.js';
import type { OpParams } from '../../ir/params.js';
import { numelOf } from '../../ir/shape.js';
import { verifyGraph } from '../../ir/verify.js';
import { runGraph } from '../../runtime/reference/interpreter.js';
import { Generator } from '../../runtime/rng.js';
import { gradPass } from '../../compiler/passes/grad-pass.js';
import { isZeroGradOp } from '../../compiler/passes/grad-rules.js';
import { dataFor, DIFF_CASES as CASES, dot, type OpCase } from '../helpers/diff-cases.js';

const n = <O extends Op>(op: O, ins: readonly Node[], params: OpParams[O], leaf?: LeafType): Node => asNode(makeNode(op, ins, params, leaf));

/** Compares the vjp of a random cotangent with central differences of <cotangent, f(x)>. */
function checkCase(c: OpCase): void {
  const gen = new Generator(1234);
  const inputs = c.inputs.map((d, i) => makeNode('input', [], { name: `x${i}` }, { shape: d.shape, dtype: d.dtype ?? 'f64' }));
  const out = c.build(inputs.map(asNode));
  const graph: Graph = verifyGraph({ inputs, outputs: [out] });
  const wrt = inputs.map((x, i) => (isFloat(x.dtype) ? i : -1)).filter((i) => i >= 0);
  const vjp = verifyGraph(gradPass(graph, { wrt, of: [0], seed: 'input' }), 'grad pass');
  const values = c.inputs.map((d) => dataFor(d, gen));
  const ct = Float64Array.from(gen.uniform(numelOf(out.shape), -1, 1));
  const ctx = { seed: 7 };
  const results = runGraph(vjp, [...values, ct], ctx);
  const loss = (vals: TypedArray[]): number => dot(ct, runGraph(graph, vals, ctx)[0]!);
  const h = c.h ?? 1e-6, rtol = c.rtol ?? 1e-5, atol = c.atol ?? 1e-7;
  wrt.forEach((inputIndex, k) => {
    const analytic = results[1 + k]!;
    const base = values[inputIndex]!;
    expect(analytic.length).toBe(base.length);
    for (let e = 0; e < base.length; e++) {
      const plus = base.slice(), minus = base.slice();
      (plus as Float64Array)[e] = Number(base[e]) + h;
      (minus as Float64Array)[e] = Number(base[e]) - h;
      const withV = (v: TypedArray): TypedArray[] => values.map((x, j) => (j === inputIndex ? v : x));
      const numeric = (loss(withV(plus)) - loss(withV(minus))) / (2 * h);
      const got = Number(analytic[e]);
      const ok = Math.abs(got - numeric) <= atol + rtol * Math.abs(numeric);
      expect(ok, `${c.label}: d/dx${inputIndex}[${e}] = ${got}, finite differences give ${numeric}`).toBe(true);
    }
  });
}

describe('gradient rules against finite differences (f64, CPU reference)', () => {
  for (const op of ALL_OPS) {
    const entry = CASES[op];
    // Ops without cases are listed, with their reasons, by the last test of this block.
    if ('skip' in entry) continue;
    for (const c of entry) it(`${op}: ${c.label}`, () => checkCase(c));
  }

  it('skips only ops that cannot be tested, each with its reason', () => {
    const skipped = ALL_OPS.filter((op) => 'skip' in CASES[op]);
    expect(skipped).toEqual(['input']);
  });

  it('zero-gradient rules return zero cotangents for their float operands', () => {
    const a = makeNode('input', [], { name: 'a' }, { shape: [3], dtype: 'f64' });
    const b = makeNode('input', [], { name: 'b' }, { shape: [3], dtype: 'f64' });
    const values = [Float64Array.from([1, -2, 3]), Float64Array.from([1, 5, -3])];
    const zeroOps = ALL_OPS.filter(isZeroGradOp);
    expect(zeroOps).toEqual(['sign', 'floor', 'ceil', 'round', 'cmp_lt', 'cmp_le', 'cmp_gt', 'cmp_ge', 'cmp_eq', 'cmp_ne', 'argmax', 'argmin', 'one_hot']);
    for (const op of zeroOps) {
      if (op === 'argmax' || op === 'argmin' || op === 'one_hot') continue; // integer output / integer operand: covered by their cases
      const y = op === 'sign' || op === 'floor' || op === 'ceil' || op === 'round' ? n(op, [asNode(a)], {}) : n(op, [asNode(a), asNode(b)], {});
      const g = gradPass({ inputs: [a, b], outputs: [y] }, { wrt: [0, 1], of: [0], seed: 'ones' });
      const [, da, db] = runGraph(g, values, { seed: 0 });
      expect([...da!, ...db!], op).toEqual([0, 0, 0, 0, 0, 0]);
    }
  });
});
