// BatchNorm in training mode under vmap: per-member batch statistics, running stats written into the stacked buffers.

import { describe, expect, it } from 'vitest';
import { F, functionalCall, nn, stackModuleState, StateError, Tensor, vmap, VmapError } from '../../index.js';
import { grad, valueAndGrad } from '../../compiler/func/grad.js';
import { flatten, unflatten } from '../../compiler/func/pytree.js';
import { applyGraph, traceFunction } from '../../compiler/trace/trace-fn.js';
import { withInitSeed } from '../../compiler/nn/init.js';
import { Generator } from '../../runtime/rng.js';
import { expectClose } from '../helpers/assert.js';

type Dict = Record<string, Tensor>;

class Net extends nn.Module {
  fc = new nn.Linear(3, 4);
  bn = new nn.BatchNorm1d(4, { momentum: 0.2 });
  head = new nn.Linear(4, 2);
  forward(x: Tensor): Tensor {
    return this.head.forward(this.bn.forward(this.fc.forward(x)).tanh());
  }
}

class ConvNet extends nn.Module {
  conv = new nn.Conv2d(2, 3, 3, { padding: 1 });
  bn = new nn.BatchNorm2d(3);
  forward(x: Tensor): Tensor {
    return this.bn.forward(this.conv.forward(x)).relu().mean([1, 2, 3]);
  }
}

const M = 3;
const gen = new Generator(99);
const makeMembers = <T extends nn.Module>(make: () => T): T[] => Array.from({ length: M }, (_, i) => withInitSeed(10 + i, make));
const copyOf = <T extends nn.Module>(make: () => T, m: nn.Module): T => {
  const c = make();
  c.loadStateDict(m.stateDict());
  return c;
};
const buffersOf = (m: nn.Module): Dict => Object.fromEntries(m.namedBuffers());
const stackedRow = (t: Tensor, i: number): Tensor => t.select(0, i);

describe('BatchNorm training under vmap(functionalCall)', () => {
  it('updates the stacked running stats like a loop of eager torch-style updates, step after step', () => {
    const members = makeMembers(() => new Net());
    const loop = members.map((m) => copyOf(() => new Net(), m));
    const { params, buffers } = stackModuleState(members);
    const f = (p: Dict, b: Dict, x: Tensor): Tensor => functionalCall(members[0]!, [p, b], [x]);
    for (let step = 0; step < 3; step++) {
      const x = Tensor.randn([M, 6, 3], { generator: gen });
      const out = vmap(f)(params, buffers, x);
      loop.forEach((m, i) => {
        expectClose(stackedRow(out, i), m.forward(x.select(0, i)), 1e-5, 1e-6);
        for (const [name, t] of Object.entries(buffersOf(m))) expectClose(stackedRow(buffers[name]!, i), t, 1e-5, 1e-6);
      });
    }
    expect(buffers['bn.num_batches_tracked']!.toArray()).toEqual([3, 3, 3]);
    expect(buffers['bn.num_batches_tracked']!.dtype).toBe('i64');
  });

  it('BatchNorm2d with a conv, and chunkSize, give the same updates', () => {
    const members = makeMembers(() => new ConvNet());
    const loop = members.map((m) => copyOf(() => new ConvNet(), m));
    const { params, buffers } = stackModuleState(members);
    const x = Tensor.randn([M, 2, 2, 4, 4], { generator: gen });
    vmap((p: Dict, b: Dict, xi: Tensor) => functionalCall(members[0]!, [p, b], [xi]), 0, 0, { chunkSize: 2 })(params, buffers, x);
    loop.forEach((m, i) => {
      m.forward(x.select(0, i));
      for (const [name, t] of Object.entries(buffersOf(m))) expectClose(stackedRow(buffers[name]!, i), t, 1e-5, 1e-6);
    });
  });

  it('eval mode leaves the buffers alone', () => {
    const members = makeMembers(() => new Net()).map((m) => m.eval());
    const { params, buffers } = stackModuleState(members);
    const before = buffers['bn.running_mean'];
    vmap((p: Dict, b: Dict, x: Tensor) => functionalCall(members[0]!, [p, b], [x]))(params, buffers, Tensor.randn([M, 4, 3], { generator: gen }));
    expect(buffers['bn.running_mean']).toBe(before);
  });

  it('vmap(grad) with batch norm: per-member gradients like a loop, and the buffers are updated once', () => {
    const members = makeMembers(() => new Net());
    const loop = members.map((m) => copyOf(() => new Net(), m));
    const { params, buffers } = stackModuleState(members);
    const loss = (p: Dict, b: Dict, x: Tensor, y: Tensor): Tensor => F.crossEntropy(functionalCall(members[0]!, [p, b], [x]), y);
    const x = Tensor.randn([M, 5, 3], { generator: gen });
    const y = Tensor.randint(0, 2, [M, 5], { generator: gen });
    const grads = vmap(grad(loss))(params, buffers, x, y);
    loop.forEach((m, i) => {
      const p1 = Object.fromEntries(m.namedParameters()) as Dict;
      const b1 = buffersOf(m);
      const g1 = grad(loss)(p1, b1, x.select(0, i), y.select(0, i));
      for (const name of Object.keys(p1)) expectClose(stackedRow(grads[name]!, i), g1[name]!, 1e-5, 1e-6);
      for (const [name, t] of Object.entries(b1)) expectClose(stackedRow(buffers[name]!, i), t, 1e-5, 1e-6);
    });
  });

  it('grad of a loss that uses vmap inside writes the buffers passed to it', () => {
    const members = makeMembers(() => new Net());
    const { params, buffers } = stackModuleState(members);
    const x = Tensor.randn([M, 5, 3], { generator: gen });
    const total = (p: Dict, b: Dict): Tensor => vmap((pi: Dict, bi: Dict, xi: Tensor) => functionalCall(members[0]!, [pi, bi], [xi]))(p, b, x).pow(2).sum();
    const expected = { ...buffers };
    vmap((p: Dict, b: Dict, xi: Tensor) => functionalCall(members[0]!, [p, b], [xi]))(params, expected, x);
    const g = grad(total)(params, buffers);
    expect(Object.keys(g)).toEqual(Object.keys(params));
    for (const name of Object.keys(expected)) expectClose(buffers[name]!, expected[name]!, 1e-6, 1e-7);
    expect(buffers['bn.num_batches_tracked']!.toArray()).toEqual([1, 1, 1]);
  });

  it('writing per-member statistics into shared buffers (in_dim null) is an error naming them', () => {
    const members = makeMembers(() => new Net());
    const { params } = stackModuleState(members);
    const shared = buffersOf(members[0]!);
    const f = (p: Dict, b: Dict, x: Tensor): Tensor => functionalCall(members[0]!, [p, b], [x]);
    expect(() => vmap(f, [0, null, 0])(params, shared, Tensor.randn([M, 4, 3], { generator: gen }))).toThrow(VmapError);
    expect(() => vmap(f, [0, null, 0])(params, shared, Tensor.randn([M, 4, 3], { generator: gen }))).toThrow(/bn\.running_mean/);
  });

  it('a buffer updated inside a transform but not passed in is an error, and the module keeps its own', () => {
    const members = makeMembers(() => new Net());
    const { params } = stackModuleState(members);
    const own = members[0]!.bn.running_mean;
    const f = (p: Dict, x: Tensor): Tensor => functionalCall(members[0]!, p, [x]);
    expect(() => vmap(f)(params, Tensor.randn([M, 4, 3], { generator: gen }))).toThrow(StateError);
    expect(members[0]!.bn.running_mean).toBe(own);
  });

  it('a pure, traceable train step returns the new buffers: traced once, replayed, it equals eager', () => {
    const members = makeMembers(() => new Net());
    const { params, buffers } = stackModuleState(members);
    const loss = (p: Dict, b: Dict, x: Tensor, y: Tensor): Tensor => F.crossEntropy(functionalCall(members[0]!, [p, b], [x]), y);
    // The step copies the buffers dict it was given, lets vmap write the new running stats into the
    // copy, and returns it: no state outside its arguments and results.
    const step = (p: Dict, b: Dict, x: Tensor, y: Tensor): { params: Dict; buffers: Dict; loss: Tensor } => {
      const next = { ...b };
      const [l, g] = vmap(valueAndGrad(loss))(p, next, x, y);
      const updated = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.sub(g[k]!.mul(0.1))]));
      return { params: updated, buffers: next, loss: l };
    };
    const x = Tensor.randn([M, 5, 3], { generator: gen });
    const y = Tensor.randint(0, 2, [M, 5], { generator: gen });
    const args = flatten([params, buffers, x, y]);
    const traced = traceFunction('step', args.leaves.map((l, i) => ({ name: args.paths[i]!, shape: (l as Tensor).shape, dtype: (l as Tensor).dtype })), (leaves) => {
      const [p, b, xs, ys] = unflatten(args.def, leaves) as [Dict, Dict, Tensor, Tensor];
      return step(p, b, xs, ys);
    });
    expect(traced.captures).toHaveLength(0);
    const replayed = unflatten(traced.outTree, applyGraph(traced.graph, args.leaves as Tensor[])) as ReturnType<typeof step>;
    const eager = step(params, buffers, x, y);
    for (const k of Object.keys(buffers)) expectClose(replayed.buffers[k]!, eager.buffers[k]!, 1e-6, 1e-7);
    for (const k of Object.keys(params)) expectClose(replayed.params[k]!, eager.params[k]!, 1e-6, 1e-7);
    expect(eager.buffers['bn.num_batches_tracked']!.toArray()).toEqual([1, 1, 1]);
    expect(buffers['bn.num_batches_tracked']!.toArray()).toEqual([0, 0, 0]);
  });
});
