// The functional op library: matmul, transpose, reshape/flatten, broadcasting, reductions, with torch's semantics.

import { describe, expect, it } from 'vitest';
import { ShapeError, Tensor } from '../../index.js';
import * as ops from '../../compiler/trace/ops.js';
import { expectClose } from '../helpers/assert.js';

const t = Tensor.tensor;

describe('matmul', () => {
  it('2-D, 1-D promotion, and broadcast batch dims', () => {
    const a = t([[1, 2], [3, 4]]), b = t([[5, 6], [7, 8]]);
    expect(a.matmul(b).tolist()).toEqual([[19, 22], [43, 50]]);
    expect(a.matmul(t([1, 1])).tolist()).toEqual([3, 7]);
    expect(t([1, 1]).matmul(a).tolist()).toEqual([4, 6]);
    expect(t([1, 2]).matmul(t([3, 4])).tolist()).toEqual(11);
    const batch = Tensor.randn([3, 1, 2, 4]), w = Tensor.randn([5, 4, 3]);
    const out = batch.matmul(w);
    expect(out.shape).toEqual([3, 5, 2, 3]);
    expectClose(out.select(0, 2).select(0, 4), batch.select(0, 2).select(0, 0).matmul(w.select(0, 4)), 1e-6, 1e-6);
    expect(() => a.matmul(t([[1, 2, 3]]))).toThrow('matmul: mat1 and mat2 shapes cannot be multiplied ([2, 2] and [1, 3])');
    expect(() => a.mm(t([1, 2]))).toThrow(ShapeError);
  });
});

describe('movement', () => {
  const x = Tensor.arange(6).reshape(2, 3);
  it('transpose, permute, .T and t()', () => {
    expect(x.transpose(0, 1).tolist()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(x.t().tolist()).toEqual(x.transpose(-1, -2).tolist());
    const y = Tensor.arange(24).reshape(2, 3, 4);
    expect(y.permute(2, 0, 1).shape).toEqual([4, 2, 3]);
    expect(y.permute(2, 0, 1).tolist()).toEqual(y.T.permute(0, 2, 1).tolist());
    expect(() => y.t()).toThrow(/t\(\) expects a tensor with <= 2 dimensions/);
  });
  it('reshape with -1, view, flatten with start/end dims, squeeze/unsqueeze', () => {
    expect(x.reshape(-1).tolist()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(x.reshape(3, -1).shape).toEqual([3, 2]);
    expect(x.view([1, 6]).shape).toEqual([1, 6]);
    expect(() => x.reshape(4, -1)).toThrow('reshape: shape [4, -1] is invalid for input of size 6 [2, 3]');
    expect(() => x.reshape(-1, -1)).toThrow(/only one dimension can be inferred/);
    const y = Tensor.zeros([2, 3, 4, 5]);
    expect(y.flatten().shape).toEqual([120]);
    expect(y.flatten(1).shape).toEqual([2, 60]);
    expect(y.flatten(1, 2).shape).toEqual([2, 12, 5]);
    expect(y.flatten(-2).shape).toEqual([2, 3, 20]);
    expect(x.unsqueeze(1).shape).toEqual([2, 1, 3]);
    expect(x.unsqueeze(-1).shape).toEqual([2, 3, 1]);
    expect(Tensor.zeros([1, 3, 1]).squeeze().shape).toEqual([3]);
    expect(Tensor.zeros([1, 3, 1]).squeeze(0).shape).toEqual([3, 1]);
  });
  it('expand, narrow, select, cat, stack, pad', () => {
    expect(t([[1], [2]]).expand(2, 3).tolist()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(t([1, 2]).expand(2, -1).tolist()).toEqual([[1, 2], [1, 2]]);
    expect(x.narrow(1, 1, 2).tolist()).toEqual([[1, 2], [4, 5]]);
    expect(x.select(1, -1).tolist()).toEqual([2, 5]);
    expect(ops.cat([x, x.narrow(0, 0, 1)], 0).tolist()).toEqual([[0, 1, 2], [3, 4, 5], [0, 1, 2]]);
    expect(ops.stack([t([1, 2]), t([3, 4])], 1).tolist()).toEqual([[1, 3], [2, 4]]);
    expect(ops.pad(t([[1, 2]]), [1, 0, 0, 1]).tolist()).toEqual([[0, 1, 2], [0, 0, 0]]);
    expect(ops.pad(t([1]), [1, 1], 9).tolist()).toEqual([9, 1, 9]);
  });
});

describe('broadcasting elementwise ops', () => {
  it('broadcasts shapes as NumPy does, and scalars', () => {
    const a = t([[1], [2]]), b = t([10, 20, 30]);
    expect(a.add(b).tolist()).toEqual([[11, 21, 31], [12, 22, 32]]);
    expect(Tensor.ones([2, 1, 3]).mul(Tensor.ones([4, 1])).shape).toEqual([2, 4, 3]);
    expect(b.sub(1).tolist()).toEqual([9, 19, 29]);
    expect(b.rsub(1).tolist()).toEqual([-9, -19, -29]);
    expect(b.div(t([10])).tolist()).toEqual([1, 2, 3]);
    expect(b.add(t([1, 1, 1]), 2).tolist()).toEqual([12, 22, 32]);
    expect(() => t([1, 2]).add(t([1, 2, 3]))).toThrow('add: shapes [2] and [3] cannot be broadcast together (dim -1: 2 vs 3)');
  });
  it('promotes dtypes as torch: int tensor with a float scalar becomes f32; f32 with f64 becomes f64', () => {
    const i = t([1, 2], 'i32');
    expect(i.add(1).dtype).toBe('i32');
    expect(i.mul(0.5).dtype).toBe('f32');
    expect(i.mul(0.5).tolist()).toEqual([0.5, 1]);
    expect(t([1]).add(t([1], 'f64')).dtype).toBe('f64');
  });
  it('comparisons give 0/1 masks and where selects', () => {
    const v = t([-1, 0, 2]);
    expect(v.gt(0).tolist()).toEqual([0, 0, 1]);
    expect(v.le(0).tolist()).toEqual([1, 1, 0]);
    expect(ops.where(v.gt(0), v, 0).tolist()).toEqual([0, 0, 2]);
    expect(v.clamp(-0.5, 1).tolist()).toEqual([-0.5, 0, 1]);
  });
});

describe('reductions', () => {
  const x = t([[1, 5, 3], [4, 2, 6]]);
  it('sum, mean, max over all dims, one dim, several dims, negative dims, keepdim', () => {
    expect(x.sum().tolist()).toEqual(21);
    expect(x.sum(0).tolist()).toEqual([5, 7, 9]);
    expect(x.sum(-1, true).tolist()).toEqual([[9], [12]]);
    expect(x.mean().tolist()).toEqual(3.5);
    expect(x.mean(1).tolist()).toEqual([3, 4]);
    expect(x.max().tolist()).toEqual(6);
    expect(x.max(1).tolist()).toEqual([5, 6]);
    expect(x.max(0, true).shape).toEqual([1, 3]);
    expect(x.min(1).tolist()).toEqual([1, 2]);
    expect(x.argmax(1).tolist()).toEqual([1, 2]);
    expect(x.argmax().tolist()).toEqual(5);
    const y = Tensor.arange(24).reshape(2, 3, 4);
    expect(y.sum([0, 2]).tolist()).toEqual([60, 92, 124]);
    expect(y.amax([-1, 0]).tolist()).toEqual([15, 19, 23]);
    expect(() => x.sum(2)).toThrow('sum: dim 2 is out of range for a tensor of rank 2 (expected -2 <= dim < 2)');
    expect(() => x.sum([1, -1])).toThrow(/appears more than once/);
  });
  it('var uses Bessel\'s correction unless told not to', () => {
    expectClose(t([1, 2, 3, 4]).var(), [5 / 3]);
    expectClose(t([1, 2, 3, 4]).var(0, false, 0), [1.25]);
  });
});
