// ConvTranspose1d/2d and F.conv_transpose1d/2d, composed as a stride-1 conv of the zero-interleaved input with the flipped kernel.

import { fmtShape } from '../../ir/shape.js';
import { argError, checkInt } from '../trace/arg-error.js';
import { apply } from '../trace/apply.js';
import * as ops from '../trace/ops.js';
import { Tensor } from '../trace/tensor.js';
import { biasUniform, fanIn, kaimingUniformDefault } from './init.js';
import { Module, Parameter } from './module.js';

/** Arguments of torch's conv_transpose: an int applies to every spatial axis. */
export interface ConvTransposeOptions {
  /** The stride of the forward conv this transposes (default 1). */
  stride?: number | readonly number[];
  /** dilation * (kernel - 1) - padding zeros are added on each side of the input (default 0). */
  padding?: number | readonly number[];
  /** Extra output rows on the far side, smaller than stride or dilation (default 0). */
  outputPadding?: number | readonly number[];
  /** Channel groups (default 1). */
  groups?: number;
  /** Spacing of the kernel taps (default 1). */
  dilation?: number | readonly number[];
}

function perAxis(v: number | readonly number[] | undefined, n: number, dflt: number, min: number, what: string): number[] {
  const list = v === undefined ? Array<number>(n).fill(dflt) : typeof v === 'number' ? Array<number>(n).fill(v) : [...v];
  if (list.length !== n) throw argError(`${what}: expected ${n} values, got ${fmtShape(list)}`);
  list.forEach((x) => checkInt(x, min, what));
  return list;
}

/**
 * The input of the equivalent stride-1 conv, for every spatial axis at once: x spread apart by
 * `stride` (stride - 1 zeros after each element), then `before[i]` zeros in front and `after[i]`
 * behind (negative amounts trim). The spreading is a `where` over x broadcast to [.., L, s, ..] with a
 * constant mask that keeps phase 0: an elementwise op, so the spread input is materialized once by a
 * small kernel and the conv (and its weight gradient) read a plain buffer instead of inlining a deep
 * chain of views into the contraction. Padding and trimming stay views. NaN and Inf in x stay where
 * they are (a product with a 0/1 mask would smear them onto the zeros).
 */
function spreadAndPad(x: Tensor, stride: readonly number[], before: readonly number[], after: readonly number[]): Tensor {
  const lead = x.shape.slice(0, 2), sp = x.shape.slice(2);
  let y = x;
  if (stride.some((st) => st > 1)) {
    const split = ops.reshape(x, [...lead, ...sp.flatMap((l) => [l, 1])]);
    const wide = ops.broadcastTo(split, [...lead, ...sp.flatMap((l, i) => [l, stride[i]!])]);
    const maskShape = [1, 1, ...sp.flatMap((_, i) => [1, stride[i]!])];
    const keep = new Float32Array(stride.reduce((p, q) => p * q, 1));
    keep[0] = 1;
    const spread = ops.where(ops.broadcastTo(Tensor.fromArray(keep, maskShape), wide.shape), wide, 0);
    y = ops.reshape(spread, [...lead, ...sp.map((l, i) => l * stride[i]!)]);
  }
  // y holds (L-1)*s + 1 useful elements per axis, then s - 1 zeros: pad or trim to before + that + after.
  const tail = sp.map((_, i) => after[i]! - (stride[i]! - 1));
  const starts = before.map((b) => Math.max(0, -b)), ends = y.shape.slice(2).map((l, i) => l - Math.max(0, -tail[i]!));
  if (starts.some((v) => v > 0) || ends.some((e, i) => e < y.shape[2 + i]!)) {
    y = apply('slice', [y], { starts: [0, 0, ...starts], ends: [...lead, ...ends] });
  }
  const pads = sp.map((_, i): [number, number] => [Math.max(0, before[i]!), Math.max(0, tail[i]!)]);
  return pads.some(([p, q]) => p > 0 || q > 0) ? apply('pad', [y], { pads: [[0, 0], [0, 0], ...pads] }) : y;
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
  const edge = K.map((k, i) => dilation[i]! * (k - 1) - padding[i]!);
  const xs = spreadAndPad(x, stride, edge, edge.map((e, i) => e + outPad[i]!));
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
  /** A learnable bias per output channel (default true). */
  bias?: boolean;
}

/** ConvTranspose1d and ConvTranspose2d. */
abstract class ConvTransposeNd extends Module {
  /** [in_channels, out_channels / groups, ...kernel], PyTorch's layout. */
  weight: Parameter;
  /** [out_channels] (with bias). */
  bias?: Parameter;
  /** The kernel size per spatial axis. */
  readonly kernelSize: number[];
  /**
   * @param spatial The number of spatial dims.
   * @param inChannels Channels of the input.
   * @param outChannels Channels of the output.
   * @param kernelSize One size, or one per spatial axis.
   * @param options stride, padding, outputPadding, groups, dilation, bias.
   */
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
  /** The transposed convolution of x [N, C, ...] (or unbatched [C, ...]). */
  forward(x: Tensor): Tensor {
    return convTranspose(x, this.weight, this.bias, this.spatial, this.options);
  }
}

/** torch.nn.ConvTranspose1d: the transpose (gradient) of Conv1d, an upsampling conv. */
export class ConvTranspose1d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number, options: ConvTransposeLayerOptions = {}) {
    super(1, inChannels, outChannels, kernelSize, options);
  }
}

/** torch.nn.ConvTranspose2d: the transpose (gradient) of Conv2d, an upsampling conv. */
export class ConvTranspose2d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options: ConvTransposeLayerOptions = {}) {
    super(2, inChannels, outChannels, kernelSize, options);
  }
}
