// Bad-input table, vmap's in_dims/out_dims/randomness/chunkSize in each of torch's ways (rows E10-E19).

import { describe, expect, it } from 'vitest';
import { F, Tensor, vmap, VmapError, type InDims } from '../../index.js';
import { innermostTrace } from '../../compiler/trace/trace.js';
import { expectError, snapshot } from './helpers.js';

const x = Tensor.randn([3, 4]);
const y = Tensor.randn([4, 4]);
const add = (a: Tensor, b: Tensor): Tensor => a.add(b);

/** The call fails with a VmapError, leaves its inputs and the trace stack as they were, and a good call still works. */
async function rejects(call: () => unknown, ...patterns: RegExp[]): Promise<void> {
  const before = snapshot([x, y]);
  await expectError(call, VmapError, ...patterns);
  expect(snapshot([x, y])).toEqual(before);
  expect(innermostTrace()).toBeUndefined();
  const good = vmap(add, [0, null])(x, y.select(0, 0));
  expect(good.toArray()).toEqual(x.add(y.select(0, 0)).toArray());
}

describe('bad in_dims (vmap)', () => {
  it('E10 an in_dim that is not an integer or null', async () => {
    await rejects(() => vmap(add, [1.5, 0] as InDims)(x, x), /Got in_dims=1\.5 but each entry must be an integer dimension or null/);
    await rejects(() => vmap(add, 'zero' as unknown as InDims)(x, x), /expected in_dims to be an integer, null, or a \(nested\) array\/record/);
  });
  it('E11 in_dims whose structure does not match the inputs', async () => {
    await rejects(() => vmap(add, [0, 0, 0])(x, x), /in_dims is not compatible with the structure of the inputs/, /\[\*, \*, \*\].*\[\*, \*\]/);
    await rejects(() => vmap((d: { a: Tensor }) => d.a, [{ b: 0 }])({ a: x }), /in_dims is not compatible with the structure of the inputs/);
  });
  it('E12 an in_dim out of range for its tensor', async () => {
    await rejects(() => vmap(add, [2, 0])(x, x), /Got in_dim=2 for the input at 0, but that input is a Tensor of dimensionality 2 \[3, 4\] so expected in_dim to satisfy -2 <= in_dim < 2/);
    await rejects(() => vmap(add, [-3, 0])(x, x), /Got in_dim=-3/);
  });
  it('E13 an in_dim on an argument that is not a tensor', async () => {
    await rejects(() => vmap((a: Tensor, k: number) => a.mul(k), [0, 0])(x, 2), /Got in_dim=0 for the input at 1, but that input is of type number\. We cannot vmap over non-Tensor arguments/);
  });
  it('E14 every in_dim null', async () => {
    await rejects(() => vmap(add, null)(x, x), /expected at least one Tensor to vmap over/);
  });
  it('E15 mapped sizes that differ', async () => {
    await rejects(() => vmap(add, [0, 0])(x, y), /Expected all tensors to have the same size in the mapped dimension, got sizes \[3, 4\]/);
  });
  it('E16 no inputs at all', async () => {
    await rejects(() => vmap(() => x)(), /got no inputs/);
  });
  it('E17 out_dims that do not match the outputs, or are not integers', async () => {
    await rejects(() => vmap((a: Tensor) => [a, a], 0, [0, 0, 0])(x), /out_dims is not compatible with the structure of the outputs/);
    await rejects(() => vmap(add, 0, 0.5)(x, x), /Got out_dims=0\.5/);
  });
  it('E18 a random op under the default randomness=error', async () => {
    await rejects(() => vmap((a: Tensor) => F.dropout(a, 0.5, true))(x), /called a random operation while in randomness='error' mode/);
  });
  it('E19 a randomness or chunkSize that does not exist', async () => {
    await rejects(() => vmap(add, 0, 0, { randomness: 'sometimes' as 'same' }), /randomness must be 'error', 'different' or 'same'/);
    await rejects(() => vmap(add, 0, 0, { chunkSize: 0 }), /chunkSize must be a positive integer, got 0/);
  });
});
