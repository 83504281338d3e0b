// Resampling along spatial axes: Upsample / F.interpolate (nearest, linear, bilinear) and AdaptiveAvgPool1d/2d.

import { fmtShape } from '../../ir/shape.js';
import { argError, checkInt } from '../trace/arg-error.js';
import * as ops from '../trace/ops.js';
import { Tensor } from '../trace/tensor.js';
import { Module } from './module.js';

/**
 * Applies a constant [out, in] matrix along one axis: y[..., o, ...] = sum_i A[o, i] x[..., i, ...].
 * The last axis is one matmul with A^T (rows folded); any other axis is A @ x broadcast over the
 * leading axes, the matrix a view. Both are exact linear maps, so their gradients are too.
 */
function alongAxis(x: Tensor, axis: number, a: Float32Array, out: number): Tensor {
  const len = x.shape[axis]!;
  const m = ops.cast(Tensor.fromArray(a, [out, len]), x.dtype);
  if (axis === x.ndim - 1) return ops.matmul(x, ops.transpose(m, 0, 1));
  const rest = x.shape.slice(axis + 1);
  const flat = ops.reshape(x, [...x.shape.slice(0, axis), len, rest.reduce((p, q) => p * q, 1)]);
  return ops.reshape(ops.matmul(m, flat), [...x.shape.slice(0, axis), out, ...rest]);
}

/** The averaging matrix of adaptive average pooling: bin o covers [floor(o*in/out), ceil((o+1)*in/out)). */
function adaptiveMatrix(len: number, out: number): Float32Array {
  const a = new Float32Array(out * len);
  for (let o = 0; o < out; o++) {
    const start = Math.floor((o * len) / out), end = Math.ceil(((o + 1) * len) / out);
    for (let i = start; i < end; i++) a[o * len + i] = 1 / (end - start);
  }
  return a;
}

function adaptiveAvgPool(x: Tensor, spatial: number, outputSize: number | readonly (number | null)[]): Tensor {
  const what = `adaptive_avg_pool${spatial}d`;
  if (x.ndim !== spatial + 1 && x.ndim !== spatial + 2) throw argError(`${what}: expected ${spatial + 1}D or ${spatial + 2}D input, got ${fmtShape(x.shape)}`);
  const sizes = typeof outputSize === 'number' ? Array<number | null>(spatial).fill(outputSize) : [...outputSize];
  if (sizes.length !== spatial) throw argError(`${what}: output_size must have ${spatial} entries, got ${JSON.stringify(outputSize)}`);
  const inSp = x.shape.slice(x.ndim - spatial);
  const outSp = sizes.map((s, i) => (s === null ? inSp[i]! : checkInt(s, 1, `${what}: output_size`)));
  if (inSp.some((l) => l === 0)) throw argError(`${what}: input ${fmtShape(x.shape)} has an empty spatial dim`);
  if (inSp.every((l, i) => l % outSp[i]! === 0)) {
    // Equal bins: one avg_pool (free when the kernel is 1).
    const k = inSp.map((l, i) => l / outSp[i]!);
    return k.every((v) => v === 1) ? x : ops.pool('avg', x, spatial, k, { stride: k });
  }
  // Uneven bins: a small averaging matrix per axis and a matmul, one kernel each, instead of
  // out_h * out_w slices concatenated.
  let y = x;
  inSp.forEach((l, i) => {
    if (l !== outSp[i]) y = alongAxis(y, x.ndim - spatial + i, adaptiveMatrix(l, outSp[i]!), outSp[i]!);
  });
  return y;
}

/** torch.nn.functional.adaptive_avg_pool1d: x [N, C, L] or [C, L] to output_size bins. */
export const adaptiveAvgPool1d = (x: Tensor, outputSize: number): Tensor => adaptiveAvgPool(x, 1, outputSize);
/** torch.nn.functional.adaptive_avg_pool2d: output_size an int or [h, w] (null keeps that dim). */
export const adaptiveAvgPool2d = (x: Tensor, outputSize: number | readonly (number | null)[]): Tensor => adaptiveAvgPool(x, 2, outputSize);

/** Interpolation modes of F.interpolate and Upsample. */
export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear';

/** Options of F.interpolate and nn.Upsample (torch's keyword arguments). */
export interface InterpolateOptions {
  /** The output size of each spatial axis (or one for all); exclusive with scaleFactor. */
  size?: number | readonly number[];
  /** Output size = floor(input size * factor); the factor also sets the sampling step, as torch's. */
  scaleFactor?: number | readonly number[];
  /** 'nearest' (default), 'nearest-exact', 'linear' (3-d input) or 'bilinear' (4-d input). */
  mode?: InterpolateMode;
  /** linear/bilinear only: corner pixels of input and output line up (default false). */
  alignCorners?: boolean;
}

const f32 = Math.fround;

/** torch's area_pixel_compute_scale: the step in input coordinates per output element, in f32 as torch computes it. */
function pixelScale(len: number, out: number, alignCorners: boolean, factor: number | undefined): number {
  if (alignCorners) return out > 1 ? f32((len - 1) / (out - 1)) : 0;
  return factor !== undefined && factor > 0 ? f32(1 / factor) : f32(len / out);
}

/** The [out, in] matrix of linear interpolation along one axis, with torch's source index rules. */
function linearMatrix(len: number, out: number, alignCorners: boolean, factor: number | undefined): Float32Array {
  const a = new Float32Array(out * len);
  const scale = pixelScale(len, out, alignCorners, factor);
  for (let o = 0; o < out; o++) {
    const src = alignCorners ? f32(scale * o) : Math.max(f32(f32(scale * f32(o + 0.5)) - 0.5), 0);
    const i0 = Math.min(Math.floor(src), len - 1);
    const i1 = i0 < len - 1 ? i0 + 1 : i0;
    const l1 = src - i0;
    a[o * len + i0] += 1 - l1;
    a[o * len + i1] += l1;
  }
  return a;
}

/** Nearest neighbour along one axis: integer factors as a broadcast view, other ratios as a take of constant indices. */
function nearestAxis(x: Tensor, axis: number, out: number, exact: boolean, factor: number | undefined): Tensor {
  const len = x.shape[axis]!;
  if (out === len && !exact) return x; // torch's shortcut: the same size is the identity whatever the factor
  const scale = pixelScale(len, out, false, factor);
  const idx = Array.from({ length: out }, (_, o) => Math.min(Math.floor(exact ? f32(f32(o + 0.5) * scale) : f32(o * scale)), len - 1));
  const r = out / len;
  if (Number.isInteger(r) && idx.every((v, o) => v === Math.floor(o / r))) {
    const split = ops.unsqueeze(x, axis + 1);
    const shape = [...split.shape];
    shape[axis + 1] = r;
    return ops.reshape(ops.broadcastTo(split, shape), [...x.shape.slice(0, axis), out, ...x.shape.slice(axis + 1)]);
  }
  if (out === len && idx.every((v, o) => v === o)) return x;
  return ops.take(x, Tensor.fromArray(Int32Array.from(idx), [out], 'i32'), axis);
}

/**
 * torch.nn.functional.interpolate over the trailing spatial axes of x [N, C, ...]: 'nearest' and
 * 'nearest-exact' (1-d and 2-d), 'linear' (3-d input) and 'bilinear' (4-d input), with
 * align_corners both ways. Exactly one of size and scaleFactor must be given.
 */
export function interpolate(x: Tensor, options: InterpolateOptions): Tensor {
  const mode = options.mode ?? 'nearest';
  const what = 'interpolate';
  const spatial = x.ndim - 2;
  if (spatial < 1 || spatial > 2) throw argError(`${what}: expected a 3D or 4D input [N, C, ...] (1 or 2 spatial dims), got ${fmtShape(x.shape)}`);
  const linear = mode === 'linear' || mode === 'bilinear';
  if (!['nearest', 'nearest-exact', 'linear', 'bilinear'].includes(mode)) throw argError(`${what}: mode '${String(mode)}' is not supported (nearest, nearest-exact, linear, bilinear)`);
  if (mode === 'linear' && spatial !== 1) throw argError(`${what}: mode 'linear' needs a 3D input, got ${fmtShape(x.shape)}`);
  if (mode === 'bilinear' && spatial !== 2) throw argError(`${what}: mode 'bilinear' needs a 4D input, got ${fmtShape(x.shape)}`);
  if (!linear && options.alignCorners !== undefined) {
    throw argError(`${what}: align_corners option can only be set with the interpolating modes: linear | bilinear (mode is '${mode}')`);
  }
  if ((options.size === undefined) === (options.scaleFactor === undefined)) throw argError(`${what}: exactly one of size or scale_factor must be given`);
  const inSp = x.shape.slice(2);
  const list = (v: number | readonly number[], name: string): number[] => {
    const l = typeof v === 'number' ? Array<number>(spatial).fill(v) : [...v];
    if (l.length !== spatial) throw argError(`${what}: ${name} must have ${spatial} entries for input ${fmtShape(x.shape)}, got ${JSON.stringify(v)}`);
    return l;
  };
  const factors = options.scaleFactor !== undefined ? list(options.scaleFactor, 'scale_factor') : undefined;
  if (factors?.some((f) => !(f > 0))) throw argError(`${what}: scale_factor must be positive, got ${JSON.stringify(options.scaleFactor)}`);
  const outSp = options.size !== undefined ? list(options.size, 'size') : inSp.map((l, i) => Math.floor(l * factors![i]!));
  outSp.forEach((o) => checkInt(o, 1, `${what}: output size`));
  let y = x;
  for (let i = 0; i < spatial; i++) {
    const axis = 2 + i, f = factors?.[i];
    if (linear) {
      const ac = options.alignCorners ?? false;
      if (outSp[i] === inSp[i] && (ac || f === undefined || f === 1)) continue;
      y = alongAxis(y, axis, linearMatrix(inSp[i]!, outSp[i]!, ac, f), outSp[i]!);
    } else y = nearestAxis(y, axis, outSp[i]!, mode === 'nearest-exact', f);
  }
  return y;
}

/** torch.nn.Upsample: F.interpolate as a module. */
export class Upsample extends Module {
  /** @param options size or scaleFactor, mode, alignCorners. */
  constructor(readonly options: InterpolateOptions) {
    super();
    if ((options.size === undefined) === (options.scaleFactor === undefined)) throw argError('Upsample: exactly one of size or scale_factor must be given');
  }
  /** x [N, C, ...] resampled. */
  forward(x: Tensor): Tensor {
    return interpolate(x, this.options);
  }
}

/** torch.nn.AdaptiveAvgPool1d: averages [N, C, L] (or [C, L]) into outputSize bins. */
export class AdaptiveAvgPool1d extends Module {
  /** @param outputSize The number of bins. */
  constructor(readonly outputSize: number) { super(); }
  /** x pooled to outputSize along the last dim. */
  forward(x: Tensor): Tensor { return adaptiveAvgPool1d(x, this.outputSize); }
}

/** torch.nn.AdaptiveAvgPool2d: averages [N, C, H, W] (or [C, H, W]) into outputSize bins. */
export class AdaptiveAvgPool2d extends Module {
  /** @param outputSize One size for both axes, or [h, w] with null keeping that axis. */
  constructor(readonly outputSize: number | readonly (number | null)[]) { super(); }
  /** x pooled to outputSize along the last two dims. */
  forward(x: Tensor): Tensor { return adaptiveAvgPool2d(x, this.outputSize); }
}
