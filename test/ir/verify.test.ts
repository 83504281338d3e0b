// verifyGraph catches broken invariants: mistyped nodes, duplicate or stray inputs, shared rand keys.

import { describe, expect, it } from 'vitest';
import { asNode, makeNode, parseGraph, verifyGraph, VerifyError, type Graph, type Node } from '../../ir/index.js';

const input = (name: string, shape: number[]) => makeNode('input', [], { name }, { shape, dtype: 'f32' });

describe('verifyGraph', () => {
  it('accepts a well-formed graph and returns it', () => {
    const g = parseGraph('graph(%x: f32[2,3], %w: f32[3,4]) {\n  %0: f32[2,4] = matmul(%x, %w)\n  %1: f32[2,4] = relu(%0)\n  return %1\n}');
    expect(verifyGraph(g)).toBe(g);
  });

  it('catches a node whose declared type differs from what its op infers', () => {
    const x = input('x', [2, 3]);
    const good = makeNode('neg', [asNode(x)], {});
    // A pass that built a node by hand and got the shape wrong.
    const mistyped = { ...good, id: good.id + 100000, shape: [3, 2] } as unknown as Node;
    const g: Graph = { inputs: [x], outputs: [mistyped] };
    expect(() => verifyGraph(g, 'my-pass')).toThrow(VerifyError);
    expect(() => verifyGraph(g, 'my-pass')).toThrow('my-pass: neg node is typed f32[3, 2] but infers to f32[2, 3]');
    const wrongDtype = { ...good, id: good.id + 100001, dtype: 'f64' } as unknown as Node;
    expect(() => verifyGraph({ inputs: [x], outputs: [wrongDtype] })).toThrow('neg node is typed f64[2, 3] but infers to f32[2, 3]');
  });

  it('catches a node whose operands no longer fit its op', () => {
    const a = input('a', [2, 3]), b = input('b', [3, 4]);
    const mm = makeNode('matmul', [asNode(a), asNode(b)], {});
    const broken = { ...mm, id: mm.id + 100000, inputs: [asNode(b), asNode(a)] } as unknown as Node;
    expect(() => verifyGraph({ inputs: [a, b], outputs: [broken] })).toThrow(/matmul node: matmul: inner dims differ: \[3, 4\] @ \[2, 3\]/);
  });

  it('catches duplicate input names', () => {
    const a = input('x', [2]), b = input('x', [2]);
    const s = makeNode('add', [asNode(a), asNode(b)], {});
    expect(() => verifyGraph({ inputs: [a, b], outputs: [asNode(s)] })).toThrow(VerifyError);
    expect(() => verifyGraph({ inputs: [a, b], outputs: [asNode(s)] })).toThrow('two graph inputs are named x');
  });

  it('catches an input node that is used but is not a graph input', () => {
    const a = input('a', [2]), stray = input('stray', [2]);
    const s = makeNode('add', [asNode(a), asNode(stray)], {});
    expect(() => verifyGraph({ inputs: [a], outputs: [asNode(s)] })).toThrow('input %stray is used but is not a graph input');
  });

  it('catches a graph input that is not an input node, and a graph without outputs', () => {
    const a = input('a', [2]);
    const n = makeNode('neg', [asNode(a)], {});
    expect(() => verifyGraph({ inputs: [n as never], outputs: [asNode(n)] })).toThrow('graph input is a neg node');
    expect(() => verifyGraph({ inputs: [a], outputs: [] })).toThrow('graph has no outputs');
  });

  it('catches two rand nodes with one key (they would draw the same numbers)', () => {
    const g = parseGraph([
      'graph() {',
      '  %0: f32[2] = rand() {key=3, dist="uniform"}',
      '  %1: f32[2] = rand() {key=3, dist="uniform"}',
      '  %2: f32[2] = add(%0, %1)',
      '  return %2',
      '}',
    ].join('\n'));
    expect(() => verifyGraph(g)).toThrow('two rand nodes share key 3');
  });
});
