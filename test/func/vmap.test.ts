// torch.func.vmap's contract: in_dims/out_dims (nested), chunkSize, randomness, composition, and every error.

import { describe, expect, it } from 'vitest';
import { F, manualSeed, Tensor, TraceError, vmap, VmapError } from '../../index.js';
import * as ops from '../../compiler/trace/ops.js';
import { expectClose } from '../helpers/assert.js';

const randn = (...shape: number[]): Tensor => Tensor.randn(shape);

/** Asserts that fn throws a VmapError whose message contains every part. */
function expectVmapError(fn: () => unknown, ...parts: (string | RegExp)[]): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a VmapError').toBeInstanceOf(VmapError);
  for (const p of parts) {
    if (typeof p === 'string') expect((err as Error).message).toContain(p);
    else expect((err as Error).message).toMatch(p);
  }
}

describe('in_dims and out_dims', () => {
  it('maps a non-zero and a negative in_dim, and leaves null inputs shared', () => {
    const a = randn(4, 3), b = randn(3, 4), c = randn(4);
    const f = (x: Tensor, y: Tensor, z: Tensor): Tensor => x.mul(y).add(z);
    const got = vmap(f, [1, -2, null])(a, b, c);
    const rows = Array.from({ length: 3 }, (_, i) => f(a.select(1, i), b.select(0, i), c));
    expectClose(got, ops.stack(rows, 0));
  });

  it('takes nested in_dims over arrays and records (a leaf applies to the whole subtree)', () => {
    const params = { w: randn(5, 2, 3), b: randn(3) };
    const xs = [randn(2, 5), randn(4)];
    const f = (p: { w: Tensor; b: Tensor }, pair: Tensor[]): Tensor => pair[0]!.matmul(p.w).add(p.b).sum().add(pair[1]!);
    const got = vmap(f, [{ w: 0, b: null }, [1, null]])(params, xs);
    const rows = Array.from({ length: 5 }, (_, i) => f({ w: params.w.select(0, i), b: params.b }, [xs[0]!.select(1, i), xs[1]!]));
    expectClose(got, ops.stack(rows, 0), 1e-5, 1e-5);
    // One in_dim for a whole record: every tensor in it is mapped at 0.
    const both = { w: randn(5, 2, 3), b: randn(5, 3) };
    const got2 = vmap(f, [0, null])(both, [randn(2, 2), randn(4)]);
    expect(got2.shape).toEqual([5, 4]);
  });

  it('accepts record in_dims whatever the key order', () => {
    const x = randn(3, 2);
    const got = vmap((p: { a: Tensor; b: Tensor }) => p.a.sub(p.b), [{ b: null, a: 0 }])({ a: x, b: x.select(0, 0) });
    expectClose(got.select(0, 0), Tensor.zeros([2]));
  });

  it('places outputs by nested out_dims, including null for an unmapped output', () => {
    const x = randn(3, 4), k = randn(2);
    const f = (xi: Tensor): { s: Tensor; pair: Tensor[] } => ({ s: xi.mul(2), pair: [xi.sum(), k.add(1)] });
    const got = vmap(f, 0, { s: 1, pair: [0, null] })(x);
    expectClose(got.s, x.mul(2).transpose(0, 1));
    expectClose(got.pair[0]!, x.sum(1));
    expectClose(got.pair[1]!, k.add(1));
  });

  it('broadcasts an unmapped output along out_dim, as torch does', () => {
    const x = randn(3, 2), k = randn(2);
    const got = vmap((_xi: Tensor) => k.mul(3), 0, 1)(x);
    expect(got.shape).toEqual([2, 3]);
    for (let i = 0; i < 3; i++) expectClose(got.select(1, i), k.mul(3));
  });

  it('passes non-tensor arguments through with a null in_dim', () => {
    const x = randn(3, 2);
    expectClose(vmap((xi: Tensor, s: number) => xi.mul(s), [0, null])(x, 4), x.mul(4));
  });

  it('maps over an empty member axis', () => {
    expect(vmap((xi: Tensor) => xi.mul(2))(Tensor.zeros([0, 3])).shape).toEqual([0, 3]);
  });
});

describe('composition', () => {
  it('vmap of vmap computes an outer product-like map', () => {
    const a = randn(3, 2), b = randn(4, 2);
    const got = vmap((ai: Tensor) => vmap((bj: Tensor) => ai.mul(bj).sum())(b))(a);
    expectClose(got, a.matmul(b.t()), 1e-5, 1e-5);
  });

  it('an inner vmap may close over a traced tensor of the outer one', () => {
    const a = randn(3, 2), b = randn(4, 2);
    const got = vmap((ai: Tensor) => vmap((bj: Tensor) => bj.add(ai.sum()))(b), 0, 1)(a);
    expect(got.shape).toEqual([4, 3, 2]);
    expectClose(got.select(1, 2), b.add(a.select(0, 2).sum()));
  });

  it('closes over concrete tensors as constants', () => {
    const w = randn(2, 2), x = randn(5, 2);
    expectClose(vmap((xi: Tensor) => xi.matmul(w))(x), x.matmul(w), 1e-5, 1e-5);
  });
});

describe('chunkSize', () => {
  it('gives the same result as one batch, for any chunk size', () => {
    const w = randn(7, 3, 2), x = randn(4, 3);
    const f = (wi: Tensor, xi: Tensor): Tensor => xi.matmul(wi).relu();
    const whole = vmap(f, [0, null])(w, x);
    for (const chunkSize of [1, 2, 3, 7, 100]) expectClose(vmap(f, [0, null], 0, { chunkSize })(w, x), whole, 0, 0);
    expectClose(vmap(f, [0, null], 2, { chunkSize: 3 })(w, x), vmap(f, [0, null], 2)(w, x), 0, 0);
  });
});

describe('randomness', () => {
  const x = Tensor.ones([4, 50]);
  const drop = (xi: Tensor): Tensor => F.dropout(xi, 0.5, true);
  const rowsOf = (t: Tensor): number[][] => Array.from({ length: t.shape[0]! }, (_, i) => t.select(0, i).toArray());

  it("'error' (the default) rejects dropout, and says what to do", () => {
    expectVmapError(() => vmap(drop)(x), "randomness='error'", "'different'", "'same'");
  });

  it("'different' draws an independent mask per member", () => {
    const rows = rowsOf(vmap(drop, 0, 0, { randomness: 'different' })(x));
    for (let i = 1; i < rows.length; i++) expect(rows[i]).not.toEqual(rows[0]);
    for (const r of rows) for (const v of r) expect([0, 2]).toContain(v);
  });

  it("'same' shares one mask across members, also for a shared input", () => {
    const rows = rowsOf(vmap(drop, 0, 0, { randomness: 'same' })(x));
    for (const r of rows) expect(r).toEqual(rows[0]);
    expect(rows[0]).toContain(0);
    expect(rows[0]).toContain(2);
    const shared = rowsOf(vmap((_i: Tensor, xi: Tensor) => drop(xi), [0, null], 0, { randomness: 'same' })(Tensor.zeros([3]), x.select(0, 0)));
    for (const r of shared) expect(r).toEqual(shared[0]);
  });

  it("'same' with chunkSize still shares one mask across all chunks (torch replays the RNG per chunk)", () => {
    manualSeed(5);
    const whole = vmap(drop, 0, 0, { randomness: 'same' })(x);
    manualSeed(5);
    const chunked = vmap(drop, 0, 0, { randomness: 'same', chunkSize: 1 })(x);
    expectClose(chunked, whole, 0, 0);
  });

  it('dropout in eval mode needs no randomness', () => {
    expectClose(vmap((xi: Tensor) => F.dropout(xi, 0.5, false))(x), x);
  });
});

describe('errors of the vmap contract', () => {
  const x = randn(3, 4);
  const id = (t: Tensor): Tensor => t;
  const add = (a: Tensor, b: Tensor): Tensor => a.add(b);

  it('sizes that disagree in the mapped dim', () => {
    expectVmapError(() => vmap(add, [0, 1])(x, randn(3, 4)), 'Expected all tensors to have the same size in the mapped dimension', 'got sizes [3, 4]');
  });

  it('no mapped input, and no inputs at all', () => {
    expectVmapError(() => vmap(add, [null, null])(x, x), 'at least one Tensor to vmap over');
    expectVmapError(() => vmap((s: number) => Tensor.ones([2]).mul(s), 0)(2 as never), 'non-Tensor', 'use null');
    expectVmapError(() => vmap(() => x)(), 'got no inputs');
  });

  it('a dim out of range, in and out', () => {
    expectVmapError(() => vmap(id, 2)(x), 'Got in_dim=2', 'dimensionality 2', '-2 <= in_dim < 2');
    expectVmapError(() => vmap(id, -3)(x), 'Got in_dim=-3', '-2 <= in_dim < 2');
    expectVmapError(() => vmap(id, 0, 2)(x), 'out_dim 2 is out of range', '-2 <= out_dim < 2');
  });

  it('an in_dims structure that does not match the inputs', () => {
    expectVmapError(() => vmap(add, [0])(x, x), 'in_dims is not compatible with the structure of the inputs', '[*]', '[*, *]');
    expectVmapError(() => vmap((p: { a: Tensor; b: Tensor }) => p.a, [{ a: 0 }])({ a: x, b: x }), 'not compatible', '{a: *, b: *}');
    expectVmapError(() => vmap((p: Tensor[]) => p[0]!, [[0, 0, 0]])([x, x]), 'not compatible');
    expectVmapError(() => vmap(id, [[0]])(x), 'not compatible');
  });

  it('in_dims and out_dims entries that are not dims', () => {
    expectVmapError(() => vmap(id, 'a' as never)(x), 'expected in_dims to be an integer, null');
    expectVmapError(() => vmap(id, 1.5)(x), 'in_dims=1.5');
    expectVmapError(() => vmap(id, 0, [0])(x), 'out_dims is not compatible with the structure of the outputs');
    expectVmapError(() => vmap((t: Tensor) => [t, t], 0, [0])(x), 'out_dims is not compatible', '[*, *]');
    expectVmapError(() => vmap(id, 0, null)(x), 'out_dims is null', 'depends on a mapped input');
  });

  it('bad options', () => {
    expectVmapError(() => vmap(id, 0, 0, { randomness: 'sometimes' as never }), "randomness must be 'error', 'different' or 'same'");
    expectVmapError(() => vmap(id, 0, 0, { chunkSize: 0 }), 'chunkSize must be a positive integer');
    expectVmapError(() => vmap(id, 0, 0, { chunkSize: 1.5 }), 'chunkSize must be a positive integer');
  });

  it('a function that returns something other than tensors is a TraceError', () => {
    expect(() => vmap((_t: Tensor) => 3 as unknown as Tensor)(x)).toThrow(TraceError);
  });
});
