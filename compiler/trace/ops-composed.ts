// Tensor methods composed of existing IR ops: masked_fill, tril/triu, chunk/split, std, index_select, repeat, logsumexp, bmm.

import { isFloat } from '../../ir/dtype.js';
import { broadcastShapes, fmtShape, normAxis, shapesEqual } from '../../ir/shape.js';
import { argError, checkInt } from './arg-error.js';
import * as ops from './ops.js';
import { Tensor } from './tensor.js';

/** A 0/1 mask as used by `where`: any dtype, nonzero is true (vmapc has no bool dtype). */
export type Mask = Tensor;

/**
 * x.masked_fill(mask, value): `value` where mask is nonzero. The mask broadcasts to x's shape (not the
 * other way round, as in torch); the result keeps x's dtype.
 */
export function maskedFill(x: Tensor, mask: Mask, value: number | Tensor): Tensor {
  let ok = false;
  try {
    ok = shapesEqual(broadcastShapes([x.shape, mask.shape], 'masked_fill'), x.shape);
  } catch { /* reported below */ }
  if (!ok) throw argError(`masked_fill: mask ${fmtShape(mask.shape)} does not broadcast to the tensor's shape ${fmtShape(x.shape)}`);
  if (value instanceof Tensor && value.ndim !== 0) {
    throw argError(`masked_fill only supports a 0-dimensional value tensor, but got one with shape ${fmtShape(value.shape)}`);
  }
  // The value takes x's dtype (an integer tensor truncates it), as torch's masked_fill.
  const v = value instanceof Tensor ? ops.cast(value, x.dtype) : ops.full([], isFloat(x.dtype) ? value : Math.trunc(value), x.dtype);
  return ops.where(ops.broadcastTo(mask, x.shape), v, x);
}

function triangle(x: Tensor, diagonal: number, lower: boolean): Tensor {
  const what = lower ? 'tril' : 'triu';
  if (x.ndim < 2) throw argError(`${what}: input tensor must have at least 2 dimensions, got ${fmtShape(x.shape)}`);
  if (!Number.isInteger(diagonal)) throw argError(`${what}: diagonal must be an integer, got ${diagonal}`);
  const rows = x.shape[x.ndim - 2]!, cols = x.shape[x.ndim - 1]!;
  const keep = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) keep[i * cols + j] = (lower ? j - i <= diagonal : j - i >= diagonal) ? 1 : 0;
  // A where, not a product: torch's tril gives 0 above the diagonal even where x is NaN or Inf.
  return ops.where(ops.broadcastTo(Tensor.fromArray(keep, [rows, cols]), x.shape), x, 0);
}

/** The lower triangle of the last two dims: elements with col - row <= diagonal, zeros elsewhere. */
export const tril = (x: Tensor, diagonal = 0): Tensor => triangle(x, diagonal, true);
/** The upper triangle of the last two dims: elements with col - row >= diagonal, zeros elsewhere. */
export const triu = (x: Tensor, diagonal = 0): Tensor => triangle(x, diagonal, false);

/** torch.split: pieces of `size` along dim (the last may be smaller), or pieces of the given sizes. */
export function split(x: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  if (x.ndim === 0) throw argError('split: expected a tensor with at least 1 dimension, got a 0-d tensor');
  const d = normAxis(dim, x.ndim, 'split');
  const n = x.shape[d]!;
  let sizes: number[];
  if (typeof sizeOrSections === 'number') {
    checkInt(sizeOrSections, 1, 'split: split_size');
    sizes = [];
    for (let s = 0; s < n; s += sizeOrSections) sizes.push(Math.min(sizeOrSections, n - s));
  } else {
    sizes = [...sizeOrSections];
    if (sizes.some((s) => !Number.isInteger(s) || s < 0) || sizes.reduce((a, b) => a + b, 0) !== n) {
      throw argError(`split_with_sizes expects split_sizes to sum exactly to ${n} (input tensor's size at dimension ${d} of ${fmtShape(x.shape)}), but got split_sizes=${fmtShape(sizes)}`);
    }
  }
  let start = 0;
  return sizes.map((s) => {
    const piece = ops.narrow(x, d, start, s);
    start += s;
    return piece;
  });
}

/** torch.chunk: at most `chunks` pieces of ceil(n / chunks) along dim (the last may be smaller, or fewer pieces). */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks < 1) throw argError(`chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  if (x.ndim === 0) throw argError('chunk expects at least a 1-dimensional tensor');
  const d = normAxis(dim, x.ndim, 'chunk');
  return split(x, Math.max(1, Math.ceil(x.shape[d]! / chunks)), d);
}

/** Standard deviation: sqrt of torch.var (Bessel's correction unless `correction` is 0). */
export function std(x: Tensor, dims?: number | readonly number[], keepdim = false, correction = 1): Tensor {
  return ops.unary('sqrt', ops.variance(isFloat(x.dtype) ? x : ops.cast(x, 'f32'), dims, keepdim, correction));
}

/** x.index_select(dim, index): the entries of a 1-d (or 0-d) integer index along dim. */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  if (index.ndim > 1) throw argError(`index_select(): Index is supposed to be a vector, got shape ${fmtShape(index.shape)}`);
  if (isFloat(index.dtype)) throw argError(`index_select(): Expected dtype int32/int64 for index, got ${index.dtype} ${fmtShape(index.shape)}`);
  const d = x.ndim === 0 ? 0 : normAxis(dim, x.ndim, 'index_select');
  const src = x.ndim === 0 ? ops.reshape(x, [1]) : x;
  const size = src.shape[d]!;
  if (index.value) {
    // A known index is checked here, with the shapes, rather than when a kernel reads it.
    for (const v of index.toArray()) {
      if (!(v >= 0 && v < size)) throw argError(`index_select(): index ${v} is out of range for dimension ${d} with size ${size} of ${fmtShape(x.shape)}`);
    }
  }
  const out = ops.take(src, ops.reshape(index, [-1]), d);
  return x.ndim === 0 ? ops.reshape(out, []) : out;
}

/** x.repeat(*sizes): tiles x; sizes may add leading dims. Views only: reshape, expand, reshape. */
export function repeat(x: Tensor, sizes: readonly number[]): Tensor {
  if (sizes.length < x.ndim) {
    throw argError(`repeat: Number of dimensions of repeat dims (${sizes.length}) can not be smaller than number of dimensions of tensor ${fmtShape(x.shape)}`);
  }
  sizes.forEach((s) => checkInt(s, 1, 'repeat: each repeat size'));
  const shape = [...Array(sizes.length - x.ndim).fill(1), ...x.shape] as number[];
  const split = ops.reshape(x, shape.flatMap((d) => [1, d]));
  const tiled = ops.broadcastTo(split, shape.flatMap((d, i) => [sizes[i]!, d]));
  return ops.reshape(tiled, shape.map((d, i) => d * sizes[i]!));
}

/**
 * log(sum(exp(x))) over dims, shifted by the max for stability as torch does; an infinite max shifts
 * by 0 so all -inf gives -inf and +inf gives +inf. Integer input is promoted to f32.
 */
export function logsumexp(x: Tensor, dims?: number | readonly number[], keepdim = false): Tensor {
  const xf = isFloat(x.dtype) ? x : ops.cast(x, 'f32');
  const axes = ops.normDims(dims, xf.ndim, 'logsumexp');
  if (axes.length === 0) return xf;
  const m = ops.amax(xf, axes, true);
  const shift = ops.where(ops.binary('cmp_eq', ops.unary('abs', m), Infinity), 0, m);
  const s = ops.sum(ops.unary('exp', ops.binary('sub', xf, shift)), axes, true);
  const out = ops.binary('add', ops.unary('log', s), shift);
  return keepdim ? out : ops.reshape(out, out.shape.filter((_, i) => !axes.includes(i)));
}

/** torch.bmm: [b, n, m] @ [b, m, p] with equal batch sizes (no broadcasting, as torch checks). */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3) throw argError(`bmm: batch1 must be a 3D tensor, got ${fmtShape(a.shape)}`);
  if (b.ndim !== 3) throw argError(`bmm: batch2 must be a 3D tensor, got ${fmtShape(b.shape)}`);
  if (b.shape[0] !== a.shape[0] || b.shape[1] !== a.shape[2]) {
    throw argError(`bmm: Expected size for first two dimensions of batch2 tensor to be: [${a.shape[0]}, ${a.shape[2]}] but got: [${b.shape[0]}, ${b.shape[1]}] (batch1 ${fmtShape(a.shape)}, batch2 ${fmtShape(b.shape)})`);
  }
  return ops.matmul(a, b);
}
