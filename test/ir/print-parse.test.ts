// printGraph -> parseGraph -> printGraph round-trips for a graph of every op, and the parser's errors.

import { describe, expect, it } from 'vitest';
import { ALL_OPS, ParseError, parseGraph, printGraph, topoSort, verifyGraph, type Graph, type Op } from '../../ir/index.js';
import { traceFunction } from '../../index.js';
import { OP_CASES, type OpCase } from '../helpers/op-cases.js';

function traceCase(c: OpCase): Graph {
  const specs = c.inputs.map((s, i) => ({ name: `x${i}`, shape: s.shape, dtype: s.dtype }));
  return traceFunction(c.label, specs, (ins) => c.run(ins)).graph;
}

describe('print -> parse -> print', () => {
  for (const op of ALL_OPS) {
    it(`round-trips every case of ${op}`, () => {
      const cases = OP_CASES[op];
      expect(cases.length, `no example case for op ${op} in test/helpers/op-cases.ts`).toBeGreaterThan(0);
      for (const c of cases) {
        const g = verifyGraph(traceCase(c));
        expect(topoSort(g).some((n) => n.op === op), `${c.label}: the graph does not use ${op}`).toBe(true);
        const text = printGraph(g);
        const back = verifyGraph(parseGraph(text));
        expect(printGraph(back), c.label).toBe(text);
        // The parsed graph keeps types and params, not just the text.
        const ops = (gr: Graph): Op[] => topoSort(gr).map((n) => n.op);
        expect(ops(back)).toEqual(ops(g));
        expect(topoSort(back).map((n) => n.shape)).toEqual(topoSort(g).map((n) => n.shape));
      }
    });
  }

  it('one graph with all ops at once round-trips', () => {
    const all = ALL_OPS.flatMap((op) => OP_CASES[op]);
    const specs = all.flatMap((c, k) => c.inputs.map((s, i) => ({ name: `c${k}.x${i}`, shape: s.shape, dtype: s.dtype })));
    const g = traceFunction('all ops', specs, (ins) => {
      let at = 0;
      return all.map((c) => c.run(ins.slice(at, (at += c.inputs.length))));
    }).graph;
    const text = printGraph(g);
    expect(new Set(topoSort(g).map((n) => n.op))).toEqual(new Set(ALL_OPS));
    expect(printGraph(parseGraph(text))).toBe(text);
  });

  it('round-trips special numbers, quoted input names and comments', () => {
    const text = [
      'graph(%"p.l1 weight": f32[2], %x: f32[2]) {  # a comment',
      '  %0: f32[2] = full() {value=inf}',
      '  %1: f32[2] = full() {value=-inf}',
      '  %2: f32[2] = full() {value=nan}',
      '  %3: f32[2] = full() {value=-0}',
      '  %4: f32[2] = full() {value=1.5e-7}',
      '  %5: f32[2] = add(%"p.l1 weight", %x)',
      '  return %0, %1, %2, %3, %4, %5',
      '}',
    ].join('\n');
    const g = parseGraph(text);
    expect(g.inputs[0]!.params.name).toBe('p.l1 weight');
    const values = g.outputs.slice(0, 5).map((n) => (n.op === 'full' ? n.params.value : undefined));
    expect(values).toEqual([Infinity, -Infinity, NaN, -0, 1.5e-7]);
    expect(printGraph(g)).toBe(text.replace('  # a comment', ''));
  });

  it('prints the same text whatever the node ids', () => {
    const c = OP_CASES.matmul[0]!;
    expect(printGraph(traceCase(c))).toBe(printGraph(traceCase(c)));
  });
});

describe('parse errors', () => {
  const bad: [string, string, RegExp][] = [
    ['unknown op', 'graph(%x: f32[2]) {\n  %0: f32[2] = frobnicate(%x)\n  return %0\n}', /line 2: unknown op 'frobnicate'/],
    ['unknown value', 'graph(%x: f32[2]) {\n  %0: f32[2] = neg(%y)\n  return %0\n}', /line 2: unknown value %y/],
    ['unknown dtype', 'graph(%x: f16[2]) {\n  return %x\n}', /unknown dtype 'f16'/],
    ['duplicate input', 'graph(%x: f32[2], %x: f32[3]) {\n  return %x\n}', /duplicate input %x/],
    ['no return', 'graph(%x: f32[2]) {\n  %0: f32[2] = neg(%x)\n}', /no return line/],
    ['declared type differs', 'graph(%x: f32[2,3]) {\n  %0: f32[3,3] = neg(%x)\n  return %0\n}', /line 2: neg: declared type f32\[3, 3\] does not match inferred f32\[2, 3\]/],
    ['shape error', 'graph(%a: f32[2,3], %b: f32[4,5]) {\n  %0: f32[2,5] = matmul(%a, %b)\n  return %0\n}', /line 2: matmul: inner dims differ: \[2, 3\] @ \[4, 5\]/],
    ['empty', '   \n  ', /empty graph text/],
  ];
  for (const [what, text, msg] of bad) {
    it(what, () => {
      expect(() => parseGraph(text)).toThrow(ParseError);
      expect(() => parseGraph(text)).toThrow(msg);
    });
  }
});
