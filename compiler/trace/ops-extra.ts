// The functional ops of issue 13 that have IR ops of their own: rounding, log1p/expm1, prod, argmin, cumsum, gather, scatter_add.

import { isFloat, type DType } from '../../ir/dtype.js';
import { ShapeError } from '../../ir/errors.js';
import { fmtType } from '../../ir/print.js';
import { fmtShape, normAxis } from '../../ir/shape.js';
import { apply } from './apply.js';
import { binary, cast, normDims, reshape, unary } from './ops.js';
import { argError } from './arg-error.js';
import type { Tensor } from './tensor.js';

/** A dim normalised against `rank`; out of range is a ShapeError naming the calling module. */
function axisOf(dim: number, rank: number, what: string): number {
  try {
    return normAxis(dim, rank, what);
  } catch (e) {
    if (e instanceof ShapeError) throw argError(e.message);
    throw e;
  }
}

/** torch's result dtype of sums and products: integers accumulate in i64 unless `dtype` says otherwise. */
function accumulatorDType(x: Tensor, dtype: DType | undefined): DType {
  return dtype ?? (isFloat(x.dtype) ? x.dtype : 'i64');
}

/** torch.floor: integers are returned as they are. */
export function floor(x: Tensor): Tensor {
  return isFloat(x.dtype) ? unary('floor', x) : x;
}

/** torch.ceil: integers are returned as they are. */
export function ceil(x: Tensor): Tensor {
  return isFloat(x.dtype) ? unary('ceil', x) : x;
}

/**
 * torch.round: halves go to the even neighbour. With `decimals`, x * 10^d is rounded and divided back
 * (x / 10^-d and multiplied back for negative d), as torch does; integers take no decimals.
 */
export function round(x: Tensor, decimals = 0): Tensor {
  if (!Number.isInteger(decimals)) throw argError(`round: decimals must be an integer, got ${decimals}`);
  if (!isFloat(x.dtype)) {
    if (decimals !== 0) throw argError(`round: decimals is only supported for floating-point tensors, got ${fmtType(x.dtype, x.shape)}`);
    return x;
  }
  if (decimals === 0) return unary('round', x);
  const pow10 = 10 ** Math.abs(decimals);
  if (decimals > 0) return binary('div', unary('round', binary('mul', x, pow10)), pow10);
  return binary('mul', unary('round', binary('div', x, pow10)), pow10);
}

/** torch.log1p: log(1 + x), accurate near 0; integer tensors are promoted to f32. */
export function log1p(x: Tensor): Tensor {
  return unary('log1p', isFloat(x.dtype) ? x : cast(x, 'f32'));
}

/** torch.expm1: e^x - 1, accurate near 0; integer tensors are promoted to f32. */
export function expm1(x: Tensor): Tensor {
  return unary('expm1', isFloat(x.dtype) ? x : cast(x, 'f32'));
}

/**
 * torch.prod: the product of all elements, or along `dim` (one dim, as torch takes) with `keepdim`.
 * Integer tensors give i64 unless `dtype` is given; `dtype` casts the input first.
 */
export function prod(x: Tensor, dim?: number, keepdim = false, dtype?: DType): Tensor {
  const xc = cast(x, accumulatorDType(x, dtype));
  if (x.shape.length === 0) {
    if (dim !== undefined) axisOf(dim, 1, 'prod');
    return xc;
  }
  if (dim === undefined) {
    const all = normDims(undefined, x.shape.length, 'prod');
    return all.length ? reshape(apply('prod', [xc], { axes: all }), []) : xc;
  }
  const axis = axisOf(dim, x.shape.length, 'prod');
  const out = apply('prod', [xc], { axes: [axis] });
  return keepdim ? out : reshape(out, x.shape.filter((_, i) => i !== axis));
}

/** torch.argmin: the index of the first minimum (of the flattened tensor without `dim`), i32; a NaN counts as the minimum. */
export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  if (dim === undefined) return argmin(reshape(x, [-1]), 0, false);
  if (x.shape.length === 0) return reshape(argmin(reshape(x, [1]), axisOf(dim, 1, 'argmin')), []);
  const axis = axisOf(dim, x.shape.length, 'argmin');
  const out = apply('argmin', [x], { axis });
  return keepdim ? out : reshape(out, x.shape.filter((_, i) => i !== axis));
}

/** torch.cumsum(input, dim, dtype=None): prefix sums along `dim`; integers accumulate in i64 unless `dtype` is given. */
export function cumsum(x: Tensor, dim: number, dtype?: DType): Tensor {
  if (x.shape.length === 0) return cast(x, accumulatorDType(x, dtype));
  const axis = axisOf(dim, x.shape.length, 'cumsum');
  return apply('cumsum', [cast(x, accumulatorDType(x, dtype))], { axis, reverse: false });
}

/** The checks torch.gather and torch.scatter_add make of an index tensor, with torch's wording and the shapes. */
function checkIndex(what: string, x: Tensor, dim: number, index: Tensor): number {
  if (isFloat(index.dtype)) throw argError(`${what}: index must be an integer tensor (i64 or i32), got ${fmtType(index.dtype, index.shape)}`);
  if (index.shape.length !== x.shape.length) {
    throw argError(`${what}: index tensor ${fmtShape(index.shape)} must have the same number of dimensions as input tensor ${fmtShape(x.shape)}`);
  }
  const axis = axisOf(dim, Math.max(x.shape.length, 1), what);
  const bad = index.shape.findIndex((d, i) => i !== axis && d > x.shape[i]!);
  if (bad >= 0) {
    throw argError(`${what}: size does not match at dimension ${bad}: expected index ${fmtShape(index.shape)} to be smaller than self ${fmtShape(x.shape)} apart from dimension ${axis}`);
  }
  return axis;
}

/** Rank-0 operands of gather/scatter_add are indexed as rank 1 and given back as rank 0. */
const asVector = (t: Tensor): Tensor => (t.shape.length === 0 ? reshape(t, [1]) : t);

/**
 * torch.gather(input, dim, index): out[i][j] = input[index[i][j]][j] for dim 0, and so on. `index`
 * has input's rank and is no larger than input on the other dims; an index outside [0, size) is an
 * IndexError (on devices, raised after the run).
 */
export function gather(input: Tensor, dim: number, index: Tensor): Tensor {
  const axis = checkIndex('gather', input, dim, index);
  const out = apply('gather', [asVector(input), asVector(index)], { axis });
  return input.shape.length === 0 ? reshape(out, []) : out;
}

/**
 * torch.scatter_add(input, dim, index, src), out of place: a copy of input with each src[i][j] added
 * at [index[i][j]][j] for dim 0, and so on. src must have input's dtype and be at least index's size
 * on every dim (only its first index.shape elements are used); repeated indices add up.
 */
export function scatterAdd(input: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const axis = checkIndex('scatter_add', input, dim, index);
  if (src.dtype !== input.dtype) throw argError(`scatter_add: expected self.dtype to be equal to src.dtype, got ${input.dtype} and ${src.dtype}`);
  if (src.shape.length !== index.shape.length || index.shape.some((d, i) => d > src.shape[i]!)) {
    throw argError(`scatter_add: expected index ${fmtShape(index.shape)} to be smaller than src ${fmtShape(src.shape)} on every dimension`);
  }
  const used = index.shape.some((d, i) => d !== src.shape[i])
    ? apply('slice', [src], { starts: index.shape.map(() => 0), ends: [...index.shape] })
    : src;
  const out = apply('scatter_add', [asVector(input), asVector(index), asVector(used)], { axis });
  return input.shape.length === 0 ? reshape(out, []) : out;
}
