// Tracing: plain TypeScript control flow is unrolled into the graph, nodes know their module and line, graphs replay.

import { describe, expect, it } from 'vitest';
import { applyGraph, nn, Tensor, traceFunction, vmap } from '../../index.js';
import { printGraph, topoSort, verifyGraph, type Graph } from '../../ir/index.js';
import { expectClose } from '../helpers/assert.js';

const opsOf = (g: Graph): string[] => topoSort(g).filter((n) => n.op !== 'input').map((n) => n.op);
const spec = (name: string, shape: number[]) => ({ name, shape, dtype: 'f32' as const });

describe('control flow is unrolled', () => {
  it('a for loop over layers records each iteration', () => {
    class Deep extends nn.Module {
      layers = new nn.ModuleList([new nn.Linear(4, 4), new nn.Linear(4, 4), new nn.Linear(4, 4)]);
      forward(x: Tensor): Tensor {
        for (const l of this.layers) x = (l as nn.Linear).forward(x).relu();
        return x;
      }
    }
    const m = new Deep();
    const g = traceFunction('deep', [spec('x', [2, 4])], ([x]) => m.forward(x!)).graph;
    expect(opsOf(g).filter((o) => o === 'matmul')).toHaveLength(3);
    expect(opsOf(g).filter((o) => o === 'relu')).toHaveLength(3);
    // Parameters were closed over, so they are constants of the graph.
    expect(opsOf(g).filter((o) => o === 'constant')).toHaveLength(6);
  });

  it('branches on JS values (shapes, flags, counters) are taken at trace time', () => {
    const f = (x: Tensor, twice: boolean): Tensor => {
      let y = x;
      if (x.shape[0]! > 1) y = y.sum(0);
      for (let i = 0; i < (twice ? 2 : 1); i++) y = y.exp();
      return y;
    };
    const once = traceFunction('f', [spec('x', [3, 2])], ([x]) => f(x!, false)).graph;
    const two = traceFunction('f', [spec('x', [3, 2])], ([x]) => f(x!, true)).graph;
    const single = traceFunction('f', [spec('x', [1, 2])], ([x]) => f(x!, false)).graph;
    expect(opsOf(once)).toEqual(['sum', 'reshape', 'exp']);
    expect(opsOf(two)).toEqual(['sum', 'reshape', 'exp', 'exp']);
    expect(opsOf(single)).toEqual(['exp']);
  });

  it('a while loop over a JS counter unrolls into a chain', () => {
    const g = traceFunction('w', [spec('x', [2])], ([x]) => {
      let y = x!;
      let n = 0;
      while (n < 4) {
        y = y.mul(2);
        n++;
      }
      return y;
    }).graph;
    expect(opsOf(g).filter((o) => o === 'mul')).toHaveLength(4);
  });
});

describe('traceFunction and applyGraph', () => {
  it('traces a pytree result and replays it eagerly to the same values', () => {
    const w = Tensor.randn([3, 2]);
    const fn = (x: Tensor, y: Tensor): { a: Tensor; b: Tensor[] } => ({ a: x.matmul(w).tanh(), b: [y.softmax(-1), x.sum(1)] });
    const t = traceFunction('fn', [spec('x', [4, 3]), spec('y', [4, 5])], ([x, y]) => fn(x!, y!));
    verifyGraph(t.graph);
    expect(t.graph.inputs.map((i) => i.params.name)).toEqual(['x', 'y']);
    expect(t.outTree).toEqual({ kind: 'record', keys: ['a', 'b'], children: [{ kind: 'leaf' }, { kind: 'array', children: [{ kind: 'leaf' }, { kind: 'leaf' }] }] });
    const x = Tensor.randn([4, 3]), y = Tensor.randn([4, 5]);
    const [a, b0, b1] = applyGraph(t.graph, [x, y]);
    const direct = fn(x, y);
    expectClose(a!, direct.a);
    expectClose(b0!, direct.b[0]!);
    expectClose(b1!, direct.b[1]!);
  });

  it('records each node with its module path and the user line that made it', () => {
    class Net extends nn.Module {
      fc = new nn.Linear(2, 2);
      forward(x: Tensor): Tensor {
        return this.fc.forward(x).relu();
      }
    }
    const net = new Net();
    const g = traceFunction('net', [spec('x', [1, 2])], ([x]) => net.forward(x!)).graph;
    const text = printGraph(g, { locations: true });
    expect(text).toMatch(/matmul\(.*# fc \(Linear\) test\/trace\/trace\.test\.ts:\d+:\d+/);
    expect(text).toMatch(/relu\(.*# <root> \(Net\) test\/trace\/trace\.test\.ts:\d+:\d+/);
  });

  it('an inner trace that closes over an outer traced tensor gets it as a capture input', () => {
    const outer = traceFunction('outer', [spec('a', [2])], ([a]) => {
      const inner = traceFunction('inner', [spec('b', [2])], ([b]) => b!.add(a!));
      expect(inner.graph.inputs.map((i) => i.params.name)).toEqual(['b', 'capture.0']);
      expect(inner.captures).toEqual([a]);
      return applyGraph(inner.graph, [a!.mul(3), ...inner.captures])[0]!;
    });
    expect(opsOf(outer.graph)).toEqual(['full', 'mul', 'add']);
    expect(applyGraph(outer.graph, [Tensor.tensor([1, 2])])[0]!.toArray()).toEqual([4, 8]);
  });

  it('traces the same function twice to the same printed graph', () => {
    const f = (x: Tensor): Tensor => x.reshape(2, 3).transpose(0, 1).mean(1);
    const g1 = traceFunction('f', [spec('x', [6])], ([x]) => f(x!)).graph;
    const g2 = traceFunction('f', [spec('x', [6])], ([x]) => f(x!)).graph;
    expect(printGraph(g1)).toBe(printGraph(g2));
  });

  it('vmap traces once per call, so Python-style loops over members never appear', () => {
    let calls = 0;
    vmap((x: Tensor) => {
      calls++;
      return x.exp();
    })(Tensor.ones([7, 2]));
    expect(calls).toBe(1);
  });
});
