// ConvTranspose1d/2d and F.conv_transpose1d/2d, composed as a stride-1 conv of the zero-interleaved input with the flipped kernel.

import { fmtShape } from '../../ir/shape.js';
import { argError, checkInt } from '../trace/arg-error.js';
import * as ops from '../trace/ops.js';
import { Tensor } from '../trace/tensor.js';
import { biasUniform, fanIn, kaimingUniformDefault } from './init.js';
import { Module, Parameter } from './module.js';

/** Arguments of torch's conv_transpose: an int applies to every spatial axis. */
export interface ConvTransposeOptions {
  stride?: number | readonly number[];
  padding?: number | readonly number[];
  outputPadding?: number | readonly number[];
  groups?: number;
  dilation?: number | readonly number[];
}

function perAxis(v: number | readonly number[] | undefined, n: number, dflt: number, min: number, what: string): number[] {
  const list = v === undefined ? Array<number>(n).fill(dflt) : typeof v === 'number' ? Array<number>(n).fill(v) : [...v];
  if (list.length !== n) throw argError(`${what}: expected ${n} values, got ${fmtShape(list)}`);
  list.forEach((x) => checkInt(x, min, what));
  return list;
}

/** Zero-pads (or, for a negative amount, trims) one axis: `before` and `after` elements. */
function padAxis(x: Tensor, axis: number, before: number, after: number): Tensor {
  const len = x.shape[axis]!;
  const start = Math.max(0, -before), end = len - Math.max(0, -after);
  let y = start > 0 || end < len ? ops.narrow(x, axis, start, end - start) : x;
  if (before > 0 || after > 0) {
    const pairs = Array<number>(2 * (y.ndim - axis)).fill(0);
    pairs[2 * (y.ndim - 1 - axis)] = Math.max(0, before);
    pairs[2 * (y.ndim - 1 - axis) + 1] = Math.max(0, after);
    y = ops.pad(y, pairs);
  }
  return y;
}

/** Spreads one axis apart by `stride`: stride - 1 zeros between neighbours, none after the last. */
function dilateAxis(x: Tensor, axis: number, stride: number): Tensor {
  if (stride === 1) return x;
  const len = x.shape[axis]!;
  const split = ops.unsqueeze(x, axis + 1);
  const spread = padAxis(split, axis + 1, 0, stride - 1);
  const merged = ops.reshape(spread, [...x.shape.slice(0, axis), len * stride, ...x.shape.slice(axis + 1)]);
  return ops.narrow(merged, axis, 0, (len - 1) * stride + 1);
}

/** Reverses one axis with a take of the constant indices K-1, ..., 0. */
function flipAxis(x: Tensor, axis: number): Tensor {
  const k = x.shape[axis]!;
  if (k === 1) return x;
  return ops.take(x, Tensor.fromArray(Int32Array.from({ length: k }, (_, i) => k - 1 - i), [k], 'i32'), axis);
}

/**
 * The transposed convolution of x [N, Cin, ...L] (or unbatched [Cin, ...L]) with w [Cin, Cout/groups, ...K]:
 * each output length is (L-1)*stride - 2*padding + dilation*(K-1) + output_padding + 1.
 */
export function convTranspose(x: Tensor, w: Tensor, bias: Tensor | undefined, spatial: number, opts: ConvTransposeOptions = {}): Tensor {
  const what = `conv_transpose${spatial}d`;
  const unbatched = x.ndim === spatial + 1;
  if (unbatched) x = ops.unsqueeze(x, 0);
  if (x.ndim !== spatial + 2) throw argError(`${what}: expected input of rank ${spatial + 1} or ${spatial + 2}, got ${fmtShape(x.shape)}`);
  if (w.ndim !== spatial + 2) throw argError(`${what}: expected weight [in_channels, out_channels/groups, ...kernel] of rank ${spatial + 2}, got ${fmtShape(w.shape)}`);
  const stride = perAxis(opts.stride, spatial, 1, 1, `${what}: stride`);
  const padding = perAxis(opts.padding, spatial, 0, 0, `${what}: padding`);
  const outPad = perAxis(opts.outputPadding, spatial, 0, 0, `${what}: output_padding`);
  const dilation = perAxis(opts.dilation, spatial, 1, 1, `${what}: dilation`);
  const g = checkInt(opts.groups ?? 1, 1, `${what}: groups`);
  const cin = x.shape[1]!, K = w.shape.slice(2);
  if (w.shape[0] !== cin) throw argError(`${what}: input ${fmtShape(x.shape)} has ${cin} channels but weight ${fmtShape(w.shape)} expects ${w.shape[0]} (weight is [in_channels, out_channels/groups, ...kernel])`);
  if (cin % g !== 0) throw argError(`${what}: in_channels ${cin} must be divisible by groups ${g}`);
  outPad.forEach((op, i) => {
    if (op >= Math.max(stride[i]!, dilation[i]!)) {
      throw argError(`${what}: output padding must be smaller than either stride or dilation, but got output_padding ${fmtShape(outPad)}, stride ${fmtShape(stride)}, dilation ${fmtShape(dilation)}`);
    }
  });
  const outLen = x.shape.slice(2).map((l, i) => (l - 1) * stride[i]! - 2 * padding[i]! + dilation[i]! * (K[i]! - 1) + outPad[i]! + 1);
  if (outLen.some((l) => l < 1)) throw argError(`${what}: the output size ${fmtShape(outLen)} is too small for input ${fmtShape(x.shape)} with kernel ${fmtShape(K)}, stride ${fmtShape(stride)}, padding ${fmtShape(padding)}`);
  let xs = x;
  for (let i = 0; i < spatial; i++) {
    const edge = dilation[i]! * (K[i]! - 1) - padding[i]!;
    xs = padAxis(dilateAxis(xs, 2 + i, stride[i]!), 2 + i, edge, edge + outPad[i]!);
  }
  const cout = w.shape[1]! * g;
  const grouped = ops.reshape(ops.cast(w, x.dtype), [g, cin / g, cout / g, ...K]);
  let wt = ops.reshape(ops.permute(grouped, [0, 2, 1, ...K.map((_, i) => 3 + i)]), [cout, cin / g, ...K]);
  for (let i = 0; i < spatial; i++) wt = flipAxis(wt, 2 + i);
  const y = ops.conv(xs, wt, bias, spatial, { stride: 1, padding: 0, dilation, groups: g });
  return unbatched ? ops.squeeze(y, 0) : y;
}

/** torch.nn.functional.conv_transpose1d. */
export const convTranspose1d = (x: Tensor, w: Tensor, bias?: Tensor, options: ConvTransposeOptions = {}): Tensor => convTranspose(x, w, bias, 1, options);
/** torch.nn.functional.conv_transpose2d. */
export const convTranspose2d = (x: Tensor, w: Tensor, bias?: Tensor, options: ConvTransposeOptions = {}): Tensor => convTranspose(x, w, bias, 2, options);

/** ConvTranspose layer options: the functional ones plus `bias`. */
export interface ConvTransposeLayerOptions extends ConvTransposeOptions {
  bias?: boolean;
}

abstract class ConvTransposeNd extends Module {
  weight: Parameter;
  bias?: Parameter;
  readonly kernelSize: number[];
  constructor(readonly spatial: number, readonly inChannels: number, readonly outChannels: number, kernelSize: number | readonly number[], readonly options: ConvTransposeLayerOptions) {
    super();
    const name = `ConvTranspose${spatial}d`;
    const groups = checkInt(options.groups ?? 1, 1, `${name}: groups`);
    if (inChannels % groups !== 0) throw argError(`${name}: in_channels (${inChannels}) must be divisible by groups (${groups})`);
    if (outChannels % groups !== 0) throw argError(`${name}: out_channels (${outChannels}) must be divisible by groups (${groups})`);
    this.kernelSize = perAxis(kernelSize, spatial, 1, 1, `${name}: kernel_size`);
    const shape = [inChannels, outChannels / groups, ...this.kernelSize];
    this.weight = new Parameter(kaimingUniformDefault(shape));
    if (options.bias ?? true) this.bias = new Parameter(biasUniform([outChannels], fanIn(shape)));
  }
  forward(x: Tensor): Tensor {
    return convTranspose(x, this.weight, this.bias, this.spatial, this.options);
  }
}

export class ConvTranspose1d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number, options: ConvTransposeLayerOptions = {}) {
    super(1, inChannels, outChannels, kernelSize, options);
  }
}

export class ConvTranspose2d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options: ConvTransposeLayerOptions = {}) {
    super(2, inChannels, outChannels, kernelSize, options);
  }
}
