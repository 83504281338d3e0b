// Per-op parameter types: one entry per op, so a node's params are typed by its op.

import type { DType, TypedArray } from './dtype.js';
import type { Op } from './op.js';

type NoParams = Record<string, never>;

export interface OpParams {
  /** A graph argument. `name` is its pytree path, e.g. `p.l1.weight`. */
  input: { name: string };
  /** A literal tensor captured while tracing (row-major data, numel elements). */
  constant: { data: TypedArray };
  /** Every element equals `value`. */
  full: { value: number };
  /** Fresh random numbers on every run; `key` tells apart the rand nodes of one graph. */
  rand: { key: number; dist: 'uniform' | 'normal' };

  neg: NoParams; abs: NoParams; sign: NoParams; exp: NoParams; log: NoParams;
  sqrt: NoParams; rsqrt: NoParams; recip: NoParams; sin: NoParams; cos: NoParams;
  tanh: NoParams; erf: NoParams; sigmoid: NoParams; relu: NoParams;
  gelu: NoParams; gelu_tanh: NoParams; silu: NoParams;
  /** floor, ceil and round (half to even) keep integers as they are; log1p(x) = log(1 + x), expm1(x) = e^x - 1. */
  floor: NoParams; ceil: NoParams; round: NoParams; log1p: NoParams; expm1: NoParams;

  add: NoParams; sub: NoParams; mul: NoParams; div: NoParams; pow: NoParams;
  maximum: NoParams; minimum: NoParams;
  cmp_lt: NoParams; cmp_le: NoParams; cmp_gt: NoParams; cmp_ge: NoParams;
  cmp_eq: NoParams; cmp_ne: NoParams;

  /** where(cond, a, b): a where cond != 0, else b. */
  where: NoParams;
  cast: { to: DType };

  /** Reductions keep the reduced axes with size 1. */
  sum: { axes: number[] };
  max: { axes: number[] };
  /** Index of the first maximum along `axis` (i32), kept with size 1. */
  argmax: { axis: number };
  /** Product over `axes` (1 over an empty axis). */
  prod: { axes: number[] };
  /** Min over `axes`. */
  min: { axes: number[] };
  /** Index of the first minimum along `axis` (i32), kept with size 1. */
  argmin: { axis: number };

  /** Inclusive prefix sums along `axis`; `reverse` sums from the end (suffix sums). Same shape. */
  cumsum: { axis: number; reverse: boolean };

  /** [...batch, m, k] x [...batch, k, n] -> [...batch, m, n]; batch dims are equal. */
  matmul: NoParams;
  /** x [N, C, ...spatial], w [O, C/groups, ...kernel] -> [N, O, ...out]; no bias. */
  conv: { stride: number[]; padding: number[]; dilation: number[]; groups: number };

  /** Pools over the trailing kernel.length axes; leading axes are independent. */
  max_pool: { kernel: number[]; stride: number[]; padding: number[] };
  avg_pool: { kernel: number[]; stride: number[]; padding: number[]; countIncludePad: boolean };

  reshape: { shape: number[] };
  permute: { perm: number[] };
  /** Broadcasts size-1 axes to `shape` (same rank). */
  expand: { shape: number[] };
  /** Unit-step slice: [starts[i], ends[i]) on each axis. */
  slice: { starts: number[]; ends: number[] };
  /** Zero padding: pads[i] = [before, after] on axis i. */
  pad: { pads: [number, number][] };
  concat: { axis: number };

  /** take(x, idx, axis): x.shape[:axis] + idx.shape + x.shape[axis+1:]. */
  take: { axis: number };
  /** one_hot(idx, numClasses) -> idx.shape + [numClasses], in `dtype`. */
  one_hot: { numClasses: number; dtype: DType };
  /** gather(x, idx, axis) as torch.gather: out[p] = x[p with p[axis] = idx[p]]; idx has x's rank, result idx's shape. */
  gather: { axis: number };
  /** scatter_add(x, idx, src, axis): x plus each src[q] added at q with q[axis] = idx[q]; idx and src share a shape. */
  scatter_add: { axis: number };
}

// A compile error here means OpParams and the Op enum have drifted apart.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _paramsCoverOps: Exact<keyof OpParams, Op> = true;
void _paramsCoverOps;
