// The seed example: five Foo members stacked, run with vmap(functionalCall), and checked member by member.

import { describe, expect, it } from 'vitest';
import { nn, Tensor, stackModuleState, functionalCall, vmap, traceFunction } from '../../index.js';
import { topoSort } from '../../ir/index.js';
import { expectClose } from '../helpers/assert.js';

class Foo extends nn.Module {
  l1 = new nn.Linear(3, 4);
  l2 = new nn.Linear(4, 3);
  forward(x: Tensor): Tensor {
    return this.l2.forward(this.l1.forward(x));
  }
}

type Dict = Record<string, Tensor>;

describe('the seed example', () => {
  const models = Array.from({ length: 5 }, () => new Foo());
  const { params, buffers } = stackModuleState(models);
  const f = (p: Dict, b: Dict, x: Tensor): Tensor => functionalCall(models[0]!, [p, b], [x]);
  const x = Tensor.randn([64, 3]);
  const out = vmap(f, [0, 0, null])(params, buffers, x);

  it('stacks the parameters under their names, in definition order', () => {
    expect(Object.keys(params)).toEqual(['l1.weight', 'l1.bias', 'l2.weight', 'l2.bias']);
    expect(Object.keys(buffers)).toEqual([]);
    expect(params['l1.weight']!.shape).toEqual([5, 4, 3]);
    expect(params['l2.bias']!.shape).toEqual([5, 3]);
  });

  it('gives [5, 64, 3], member i equal to model i on its own', () => {
    expect(out.shape).toEqual([5, 64, 3]);
    models.forEach((m, i) => expectClose(out.select(0, i), m.forward(x), 1e-6, 1e-6));
  });

  it('has members that really differ (default init draws fresh weights)', () => {
    expect(out.select(0, 0).toArray()).not.toEqual(out.select(0, 1).toArray());
  });

  for (const M of [1, 5, 32]) {
    it(`records one matmul per Linear and no per-member ops for M=${M}`, () => {
      const ms = Array.from({ length: M }, () => new Foo());
      const st = stackModuleState(ms);
      const names = Object.keys(st.params);
      const specs = [...names.map((n) => ({ name: n, shape: st.params[n]!.shape, dtype: 'f32' as const })), { name: 'x', shape: [64, 3], dtype: 'f32' as const }];
      const g = traceFunction('ensemble', specs, (ins) => {
        const p = Object.fromEntries(names.map((n, i) => [n, ins[i]!]));
        return vmap((pi: Dict, xi: Tensor) => functionalCall(ms[0]!, pi, [xi]), [0, null])(p, ins[names.length]!);
      }).graph;
      const nodes = topoSort(g).filter((n) => n.op !== 'input');
      expect(nodes.filter((n) => n.op === 'matmul')).toHaveLength(2);
      // The graph's size does not grow with the ensemble: no slice or concat per member.
      expect(nodes.filter((n) => n.op === 'slice' || n.op === 'concat')).toHaveLength(0);
      expect(nodes.length).toBe(12);
      expect(g.outputs[0]!.shape).toEqual([M, 64, 3]);
    });
  }
});
