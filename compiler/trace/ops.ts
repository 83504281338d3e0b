// The functional op library with PyTorch semantics (broadcasting, negative dims, keepdim), lowered to IR ops.

import { isFloat, type DType } from '../../ir/dtype.js';
import { ShapeError } from '../../ir/errors.js';
import type { BinaryOp, UnaryOp } from '../../ir/op.js';
import {
  broadcastShapes, fmtShape, normAxis, numelOf, resolveReshape, shapesEqual, type Shape,
} from '../../ir/shape.js';
import { apply } from './apply.js';
import { Tensor } from './tensor.js';

/** A tensor or a plain number (broadcast as a scalar of the tensor's dtype, as PyTorch's Python scalars). */
export type TensorLike = Tensor | number;

const RANK: Record<DType, number> = { i32: 0, i64: 1, f32: 2, f64: 3 };

function resultDType(a: TensorLike, b: TensorLike): DType {
  if (a instanceof Tensor && b instanceof Tensor) return RANK[a.dtype] >= RANK[b.dtype] ? a.dtype : b.dtype;
  const t = (a instanceof Tensor ? a : b) as Tensor;
  const s = (a instanceof Tensor ? b : a) as number;
  // A non-integer scalar promotes an integer tensor to f32, as in PyTorch.
  return !isFloat(t.dtype) && !Number.isInteger(s) ? 'f32' : t.dtype;
}

/**
 * A tensor filled with `value`, recorded as an op (so inside a trace it is a node, not a captured
 * constant).
 */
export function full(shape: Shape, value: number, dtype: DType = 'f32'): Tensor {
  return apply('full', [], { value }, { shape, dtype });
}

/** x converted to `dtype` (x itself when it has it); float to integer truncates toward zero. */
export function cast(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : apply('cast', [x], { to: dtype });
}

/** x's values in a new shape; one size may be -1 (torch.reshape). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const to = resolveReshape(x.shape, shape, 'reshape');
  return shapesEqual(to, x.shape) ? x : apply('reshape', [x], { shape: to });
}

/** Broadcasts x to `shape` (NumPy rules), as a view in the IR. */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  if (shapesEqual(x.shape, shape)) return x;
  const target = broadcastShapes([x.shape, shape], 'broadcastTo');
  if (!shapesEqual(target, shape)) throw new ShapeError(`broadcastTo: cannot broadcast ${fmtShape(x.shape)} to ${fmtShape(shape)}`);
  const lifted = x.shape.length < shape.length ? reshape(x, [...Array(shape.length - x.shape.length).fill(1), ...x.shape]) : x;
  return shapesEqual(lifted.shape, shape) ? lifted : apply('expand', [lifted], { shape: [...shape] });
}

function asTensor(v: TensorLike, dtype: DType, shape: Shape): Tensor {
  return v instanceof Tensor ? cast(v, dtype) : full(shape, v, dtype);
}

/** @internal An elementwise binary IR op with PyTorch's broadcasting and type promotion. */
export function binary(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) throw new ShapeError(`${op}: at least one operand must be a Tensor`);
  const dtype = resultDType(a, b);
  const shape = broadcastShapes([a instanceof Tensor ? a.shape : [], b instanceof Tensor ? b.shape : []], op);
  const ta = broadcastTo(asTensor(a, dtype, shape), shape);
  const tb = broadcastTo(asTensor(b, dtype, shape), shape);
  return apply(op, [ta, tb], {});
}

/** @internal An elementwise unary IR op. */
export function unary(op: UnaryOp, x: Tensor): Tensor {
  return apply(op, [x], {});
}

/**
 * cond ? a : b per element (torch.where), broadcast; cond is any tensor, nonzero meaning true. The way to
 * write data-dependent choices in traced code.
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const dtype = a instanceof Tensor || b instanceof Tensor ? resultDType(a, b) : 'f32';
  const shape = broadcastShapes([cond.shape, a instanceof Tensor ? a.shape : [], b instanceof Tensor ? b.shape : []], 'where');
  return apply('where', [broadcastTo(cond, shape), broadcastTo(asTensor(a, dtype, shape), shape), broadcastTo(asTensor(b, dtype, shape), shape)], {});
}

/** Normalised, sorted, unique dims; undefined or [] means all dims. */
export function normDims(dims: number | readonly number[] | undefined, rank: number, what: string): number[] {
  if (dims === undefined) return [...Array(rank).keys()];
  const list = typeof dims === 'number' ? [dims] : dims;
  if (list.length === 0) return [...Array(rank).keys()];
  const out = [...new Set(list.map((d) => normAxis(d, rank, what)))].sort((a, b) => a - b);
  if (out.length !== list.length) throw new ShapeError(`${what}: dim ${list.join(', ')} appears more than once`);
  return out;
}

function dropDims(x: Tensor, dims: readonly number[], keepdim: boolean): Tensor {
  return keepdim ? x : reshape(x, x.shape.filter((_, i) => !dims.includes(i)));
}

/** The sum over `dims` (one, a list, or all), as torch.sum. */
export function sum(x: Tensor, dims?: number | readonly number[], keepdim = false): Tensor {
  const axes = normDims(dims, x.shape.length, 'sum');
  if (axes.length === 0) return x;
  return dropDims(apply('sum', [x], { axes }), axes, keepdim);
}

/** The mean over `dims` (one, a list, or all), as torch.mean. */
export function mean(x: Tensor, dims?: number | readonly number[], keepdim = false): Tensor {
  const axes = normDims(dims, x.shape.length, 'mean');
  const count = axes.reduce((n, a) => n * x.shape[a]!, 1);
  return binary('div', sum(x, axes, keepdim), count);
}

/** The maximum over `dims` (one, a list, or all), as torch.amax. */
export function amax(x: Tensor, dims?: number | readonly number[], keepdim = false): Tensor {
  const axes = normDims(dims, x.shape.length, 'amax');
  if (axes.length === 0) return x;
  return dropDims(apply('max', [x], { axes }), axes, keepdim);
}

/** The minimum over `dims` (one, a list, or all), as torch.amin. */
export function amin(x: Tensor, dims?: number | readonly number[], keepdim = false): Tensor {
  const axes = normDims(dims, x.shape.length, 'amin');
  if (axes.length === 0) return x;
  return dropDims(apply('min', [x], { axes }), axes, keepdim);
}

/**
 * The index (i32) of the largest value along `dim`, of the flattened tensor when dim is left out
 * (torch.argmax).
 */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  if (dim === undefined) return argmax(reshape(x, [-1]), 0, false);
  const axis = normAxis(dim, x.shape.length, 'argmax');
  return dropDims(apply('argmax', [x], { axis }), [axis], keepdim);
}

/** Variance with Bessel's correction unless `correction` is 0 (torch.var). */
export function variance(x: Tensor, dims?: number | readonly number[], keepdim = false, correction = 1): Tensor {
  const axes = normDims(dims, x.shape.length, 'var');
  const count = axes.reduce((n, a) => n * x.shape[a]!, 1);
  const centered = binary('sub', x, mean(x, axes, true));
  return binary('div', sum(binary('mul', centered, centered), axes, keepdim), Math.max(count - correction, 0));
}

/** x's dims reordered: result dim i is x's dim dims[i] (torch.permute). */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  const r = x.shape.length;
  if (dims.length !== r) throw new ShapeError(`permute: got ${dims.length} dims for a tensor of rank ${r} ${fmtShape(x.shape)}`);
  const perm = dims.map((d) => normAxis(d, r, 'permute'));
  if (perm.every((p, i) => p === i)) return x;
  return apply('permute', [x], { perm });
}

/** x with dim0 and dim1 swapped (torch.transpose). */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const r = x.shape.length;
  const a = normAxis(dim0, r, 'transpose'), b = normAxis(dim1, r, 'transpose');
  const perm = [...Array(r).keys()];
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}

/** x with dims startDim..endDim flattened into one (torch.flatten). */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  const r = x.shape.length;
  if (r === 0) return reshape(x, [1]);
  const s = normAxis(startDim, r, 'flatten'), e = normAxis(endDim, r, 'flatten');
  if (s > e) throw new ShapeError(`flatten: start_dim ${startDim} comes after end_dim ${endDim} for ${fmtShape(x.shape)}`);
  return reshape(x, [...x.shape.slice(0, s), numelOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

/** x with a new dim of size 1 at `dim` (torch.unsqueeze). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normAxis(dim, x.shape.length + 1, 'unsqueeze');
  const shape = [...x.shape];
  shape.splice(d, 0, 1);
  return reshape(x, shape);
}

/** x without its dims of size 1 (all, or those given) (torch.squeeze). */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const dims = dim === undefined ? x.shape.map((_, i) => i) : normDims(dim, x.shape.length, 'squeeze');
  return reshape(x, x.shape.filter((d, i) => !(d === 1 && dims.includes(i))));
}

/** torch.Tensor.expand: -1 keeps a dim; new leading dims may be added. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const lead = shape.length - x.shape.length;
  if (lead < 0) throw new ShapeError(`expand: the number of sizes (${shape.length}) must be at least the rank of ${fmtShape(x.shape)}`);
  const target = shape.map((d, i) => (d === -1 ? (i < lead ? NaN : x.shape[i - lead]!) : d));
  if (target.some((d) => Number.isNaN(d))) throw new ShapeError(`expand: -1 is not allowed for a new leading dim in ${fmtShape(shape)}`);
  return broadcastTo(x, target);
}

/** x.narrow(dim, start, length). */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normAxis(dim, x.shape.length, 'narrow');
  const size = x.shape[d]!;
  const s = start < 0 ? start + size : start;
  if (s < 0 || length < 0 || s + length > size) throw new ShapeError(`narrow: [${start}, ${start + length}) is out of range for dim ${dim} of ${fmtShape(x.shape)}`);
  if (s === 0 && length === size) return x;
  const starts = x.shape.map(() => 0), ends = [...x.shape];
  starts[d] = s;
  ends[d] = s + length;
  return apply('slice', [x], { starts, ends });
}

/** x.select(dim, index): removes the dim. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = normAxis(dim, x.shape.length, 'select');
  const size = x.shape[d]!;
  const i = index < 0 ? index + size : index;
  if (i < 0 || i >= size) throw new ShapeError(`select: index ${index} is out of range for dim ${dim} of size ${size} ${fmtShape(x.shape)}`);
  return squeeze(narrow(x, d, i, 1), d);
}

/** The tensors joined along an existing dim (torch.cat); dtypes are promoted to the widest. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ShapeError('cat: expected a non-empty list of tensors');
  const first = tensors[0]!;
  const axis = normAxis(dim, first.shape.length, 'cat');
  if (tensors.length === 1) return first;
  const dtype = tensors.map((t) => t.dtype).reduce((a, b) => (RANK[a] >= RANK[b] ? a : b));
  return apply('concat', tensors.map((t) => cast(t, dtype)), { axis });
}

/** Tensors of one shape joined along a new dim (torch.stack). */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ShapeError('stack: expected a non-empty list of tensors');
  const r = tensors[0]!.shape.length;
  for (const t of tensors) {
    if (!shapesEqual(t.shape, tensors[0]!.shape)) {
      throw new ShapeError(`stack: expects each tensor to be equal size, but got ${fmtShape(tensors[0]!.shape)} and ${fmtShape(t.shape)}`);
    }
  }
  const d = normAxis(dim, r + 1, 'stack');
  return cat(tensors.map((t) => unsqueeze(t, d)), d);
}

/** Zero padding as torch.nn.functional.pad: pairs from the last dim backwards. */
export function pad(x: Tensor, pairs: readonly number[], value = 0): Tensor {
  if (pairs.length % 2 !== 0 || pairs.length / 2 > x.shape.length) throw new ShapeError(`pad: padding length ${pairs.length} must be even and at most twice the rank of ${fmtShape(x.shape)}`);
  const pads: [number, number][] = x.shape.map(() => [0, 0]);
  for (let i = 0; i < pairs.length / 2; i++) pads[x.shape.length - 1 - i] = [pairs[2 * i]!, pairs[2 * i + 1]!];
  if (pads.every(([a, b]) => a === 0 && b === 0)) return x;
  const padded = apply('pad', [x], { pads });
  if (value === 0) return padded;
  const mask = apply('pad', [full(x.shape, 1, x.dtype)], { pads });
  return binary('add', padded, binary('mul', binary('sub', 1, mask), value));
}

/** torch.matmul: 1-D promotion and broadcast batch dims. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.shape.length === 0 || b.shape.length === 0) throw new ShapeError(`matmul: both arguments need at least 1 dim, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  if (a.shape.length === 1) return squeeze(matmul(unsqueeze(a, 0), b), b.shape.length === 1 ? 0 : -2);
  if (b.shape.length === 1) return squeeze(matmul(a, unsqueeze(b, -1)), -1);
  const dtype = resultDType(a, b);
  a = cast(a, dtype);
  b = cast(b, dtype);
  const k = a.shape[a.shape.length - 1]!;
  if (b.shape[b.shape.length - 2] !== k) {
    throw new ShapeError(`matmul: mat1 and mat2 shapes cannot be multiplied (${fmtShape(a.shape)} and ${fmtShape(b.shape)})`);
  }
  if (b.shape.length === 2 && a.shape.length > 2) {
    // Fold a's batch dims into its rows: one [rows, k] @ [k, n] instead of a broadcast weight.
    const lead = a.shape.slice(0, -1);
    const out = apply('matmul', [reshape(a, [-1, k]), b], {});
    return reshape(out, [...lead, b.shape[1]!]);
  }
  const batch = broadcastShapes([a.shape.slice(0, -2), b.shape.slice(0, -2)], 'matmul');
  const ea = broadcastTo(a, [...batch, ...a.shape.slice(-2)]);
  const eb = broadcastTo(b, [...batch, ...b.shape.slice(-2)]);
  return apply('matmul', [ea, eb], {});
}

/** Options of the convolutions (torch's names in camelCase). */
export interface ConvOptions {
  /** The step between windows, one number or one per spatial dim (default 1). */
  stride?: number | readonly number[];
  /** Zero padding on both sides per spatial dim, or 'same' (stride 1 only) or 'valid' (none, the default). */
  padding?: number | readonly number[] | 'same' | 'valid';
  /** The spacing of the kernel's taps (default 1). */
  dilation?: number | readonly number[];
  /**
   * Channel groups: input and output channels are split into this many independent convolutions (default
   * 1).
   */
  groups?: number;
}

function perAxis(v: number | readonly number[] | undefined, n: number, dflt: number, what: string): number[] {
  if (v === undefined) return Array(n).fill(dflt);
  if (typeof v === 'number') return Array(n).fill(v);
  if (v.length !== n) throw new ShapeError(`${what}: expected ${n} values, got ${fmtShape(v)}`);
  return [...v];
}

/** @internal A convolution over `spatial` trailing dims; use F.conv1d / F.conv2d or the layers. */
export function conv(x: Tensor, w: Tensor, bias: Tensor | undefined, spatial: number, opts: ConvOptions = {}): Tensor {
  const what = `conv${spatial}d`;
  const unbatched = x.shape.length === spatial + 1;
  if (unbatched) x = unsqueeze(x, 0);
  if (x.shape.length !== spatial + 2) throw new ShapeError(`${what}: expected input of rank ${spatial + 1} or ${spatial + 2}, got ${fmtShape(x.shape)}`);
  const stride = perAxis(opts.stride, spatial, 1, `${what} stride`);
  const dilation = perAxis(opts.dilation, spatial, 1, `${what} dilation`);
  let padding: number[];
  if (opts.padding === 'valid') padding = Array(spatial).fill(0);
  else if (opts.padding === 'same') {
    if (stride.some((s) => s !== 1)) throw new ShapeError(`${what}: padding='same' is not supported for strided convolutions`);
    padding = w.shape.slice(2).map((k, i) => {
      const total = dilation[i]! * (k - 1);
      if (total % 2 !== 0) throw new ShapeError(`${what}: padding='same' needs symmetric padding; kernel ${k} with dilation ${dilation[i]} is not`);
      return total / 2;
    });
  } else padding = perAxis(opts.padding, spatial, 0, `${what} padding`);
  let y = apply('conv', [x, cast(w, x.dtype)], { stride, padding, dilation, groups: opts.groups ?? 1 });
  if (bias) y = binary('add', y, reshape(bias, [1, -1, ...Array(spatial).fill(1)]));
  return unbatched ? squeeze(y, 0) : y;
}

/** Options of the pooling layers and functions. */
export interface PoolOptions {
  /** The step between windows, one number or one per spatial dim (default: the kernel size). */
  stride?: number | readonly number[];
  /** Padding on both sides per spatial dim (-inf for max pooling, zeros for average pooling); default 0. */
  padding?: number | readonly number[];
  /** Average pooling: whether padded zeros count in the divisor (default true, as torch's count_include_pad). */
  countIncludePad?: boolean;
}

/** @internal Max or average pooling over `spatial` trailing dims; use F.maxPool2d etc. or the layers. */
export function pool(kind: 'max' | 'avg', x: Tensor, spatial: number, kernel: number | readonly number[], opts: PoolOptions = {}): Tensor {
  const what = `${kind}_pool${spatial}d`;
  if (x.shape.length < spatial + 1) throw new ShapeError(`${what}: expected input of rank ${spatial + 1} or ${spatial + 2}, got ${fmtShape(x.shape)}`);
  const k = perAxis(kernel, spatial, 1, `${what} kernel_size`);
  const stride = opts.stride === undefined ? k : perAxis(opts.stride, spatial, 1, `${what} stride`);
  const padding = perAxis(opts.padding, spatial, 0, `${what} padding`);
  if (kind === 'max') return apply('max_pool', [x], { kernel: k, stride, padding });
  return apply('avg_pool', [x], { kernel: k, stride, padding, countIncludePad: opts.countIncludePad ?? true });
}

/** Softmax along `dim` (torch.softmax), computed stably (the max is subtracted first). */
export function softmax(x: Tensor, dim: number): Tensor {
  const d = normAxis(dim, x.shape.length, 'softmax');
  const e = unary('exp', binary('sub', x, amax(x, d, true)));
  return binary('div', e, sum(e, d, true));
}

/** Log-softmax along `dim` (torch.log_softmax), computed stably. */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  const d = normAxis(dim, x.shape.length, 'log_softmax');
  const shifted = binary('sub', x, amax(x, d, true));
  return binary('sub', shifted, unary('log', sum(unary('exp', shifted), d, true)));
}

/**
 * Rows of x along `axis` at integer `indices` of any shape: the result has x's shape with that axis
 * replaced by the indices' shape (torch.index_select for 1-D indices, numpy.take in general).
 */
export function take(x: Tensor, indices: Tensor, axis = 0): Tensor {
  return apply('take', [x, indices], { axis: normAxis(axis, x.shape.length, 'take') });
}

/** Integer indices to one-hot vectors [..., numClasses] in `dtype` (F.one_hot). */
export function oneHot(indices: Tensor, numClasses: number, dtype: DType = 'f32'): Tensor {
  return apply('one_hot', [indices], { numClasses, dtype });
}

/** @internal A traced uniform [0, 1) random op (dropout uses it; under vmap it follows `randomness`). */
export function rand(shape: Shape, dtype: DType = 'f32'): Tensor {
  return apply('rand', [], { key: 0, dist: 'uniform' }, { shape, dtype });
}

/** @internal A traced standard-normal random op. */
export function randn(shape: Shape, dtype: DType = 'f32'): Tensor {
  return apply('rand', [], { key: 0, dist: 'normal' }, { shape, dtype });
}
