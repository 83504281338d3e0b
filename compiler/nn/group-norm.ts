// Per-sample normalisation: GroupNorm, InstanceNorm1d/2d and RMSNorm, as modules and as F functions.

import { fmtShape, shapesEqual } from '../../ir/shape.js';
import { argError, checkInt } from '../trace/arg-error.js';
import { Tensor } from '../trace/tensor.js';
import { Buffer, Module, Parameter } from './module.js';

/** Reshapes a per-channel [C] tensor to broadcast over [N, C, ...] input. */
const perChannel = (t: Tensor, x: Tensor): Tensor => t.reshape([1, -1, ...Array(x.ndim - 2).fill(1)]);

function checkChannels(t: Tensor | undefined, name: string, c: number, x: Tensor, what: string): void {
  if (t && (t.ndim !== 1 || t.shape[0] !== c)) throw argError(`${what}: ${name} ${fmtShape(t.shape)} does not match the ${c} channels of input ${fmtShape(x.shape)}`);
}

/** Mean and biased variance over `dims`, kept. */
function moments(x: Tensor, dims: number[]): [Tensor, Tensor] {
  const mu = x.mean(dims, true);
  const c = x.sub(mu);
  return [mu, c.mul(c).mean(dims, true)];
}

/**
 * torch.nn.functional.group_norm: x [N, C, ...] normalised over each group of C / numGroups channels
 * and all spatial positions, then scaled and shifted per channel.
 */
export function groupNorm(x: Tensor, numGroups: number, weight?: Tensor, bias?: Tensor, eps = 1e-5): Tensor {
  const what = 'group_norm';
  if (x.ndim < 2) throw argError(`${what}: expected input with at least 2 dims [N, C, ...], got ${fmtShape(x.shape)}`);
  const [n, c] = x.shape as [number, number];
  checkInt(numGroups, 1, `${what}: num_groups`);
  if (c % numGroups !== 0) throw argError(`${what}: Expected number of channels in input to be divisible by num_groups, but got input of shape ${fmtShape(x.shape)} and num_groups=${numGroups}`);
  checkChannels(weight, 'weight', c, x, what);
  checkChannels(bias, 'bias', c, x, what);
  const g = x.reshape([n, numGroups, -1]);
  const [mu, v] = moments(g, [2]);
  let y = g.sub(mu).mul(v.add(eps).rsqrt()).reshape(x.shape);
  if (weight) y = y.mul(perChannel(weight, x));
  if (bias) y = y.add(perChannel(bias, x));
  return y;
}

/** The output of instance_norm and, when it used the input's statistics with running stats given, the updated ones. */
export interface InstanceNormResult {
  /** The normalised input. */
  readonly output: Tensor;
  /** The new running mean (when input statistics were used and running stats were given). */
  readonly runningMean?: Tensor;
  /** The new running variance (unbiased), alongside runningMean. */
  readonly runningVar?: Tensor;
}

/**
 * Instance norm of batched x [N, C, ...]: each (sample, channel) normalised over its spatial positions,
 * or with the running statistics when `useInputStats` is false. With input statistics and running
 * stats given, the new running stats average the instances' mean and unbiased variance over N.
 */
export function instanceNormWithStats(
  x: Tensor, runningMean: Tensor | undefined, runningVar: Tensor | undefined, weight: Tensor | undefined, bias: Tensor | undefined,
  useInputStats = true, momentum = 0.1, eps = 1e-5,
): InstanceNormResult {
  const what = 'instance_norm';
  if (x.ndim < 3) throw argError(`${what}: expected input with at least 3 dims [N, C, ...], got ${fmtShape(x.shape)}`);
  const c = x.shape[1]!;
  for (const [name, t] of [['running_mean', runningMean], ['running_var', runningVar], ['weight', weight], ['bias', bias]] as const) checkChannels(t, name, c, x, what);
  const dims = [...Array(x.ndim - 2).keys()].map((i) => i + 2);
  let mu: Tensor, v: Tensor;
  let newMean: Tensor | undefined, newVar: Tensor | undefined;
  if (useInputStats || !runningMean || !runningVar) {
    const count = dims.reduce((k, d) => k * x.shape[d]!, 1);
    if (count <= 1) throw argError(`${what}: Expected more than 1 spatial element when training, got input size ${fmtShape(x.shape)}`);
    [mu, v] = moments(x, dims);
    if (runningMean && runningVar) {
      const flat = (t: Tensor): Tensor => t.reshape([x.shape[0]!, c]).mean(0);
      newMean = runningMean.mul(1 - momentum).add(flat(mu).mul(momentum));
      newVar = runningVar.mul(1 - momentum).add(flat(v).mul((momentum * count) / Math.max(count - 1, 1)));
    }
  } else {
    mu = perChannel(runningMean, x);
    v = perChannel(runningVar, x);
  }
  let y = x.sub(mu).mul(v.add(eps).rsqrt());
  if (weight) y = y.mul(perChannel(weight, x));
  if (bias) y = y.add(perChannel(bias, x));
  return { output: y, ...(newMean ? { runningMean: newMean, runningVar: newVar! } : {}) };
}

/** torch.nn.functional.instance_norm (the output only). */
export function instanceNorm(
  x: Tensor, runningMean?: Tensor, runningVar?: Tensor, weight?: Tensor, bias?: Tensor, useInputStats = true, momentum = 0.1, eps = 1e-5,
): Tensor {
  return instanceNormWithStats(x, runningMean, runningVar, weight, bias, useInputStats, momentum, eps).output;
}

/**
 * RMS norm over the trailing `normalizedShape` dims: x / sqrt(mean(x^2) + eps) * weight. eps defaults to
 * the machine epsilon of x's dtype, as torch's.
 */
export function rmsNorm(x: Tensor, normalizedShape: readonly number[], weight?: Tensor, eps?: number): Tensor {
  const n = normalizedShape.length;
  if (n === 0 || x.ndim < n || !shapesEqual(x.shape.slice(x.ndim - n), normalizedShape)) {
    throw argError(`rms_norm: input ${fmtShape(x.shape)} does not end with normalized_shape ${fmtShape(normalizedShape)}`);
  }
  if (weight && !shapesEqual(weight.shape, normalizedShape)) throw argError(`rms_norm: weight ${fmtShape(weight.shape)} does not match normalized_shape ${fmtShape(normalizedShape)}`);
  const e = eps ?? (x.dtype === 'f64' ? 2.220446049250313e-16 : 1.1920928955078125e-7);
  const dims = [...Array(n).keys()].map((i) => x.ndim - n + i);
  const y = x.mul(x.mul(x).mean(dims, true).add(e).rsqrt());
  return weight ? y.mul(weight) : y;
}

/** Options of nn.GroupNorm. */
export interface GroupNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learnable per-channel weight and bias (default true). */
  affine?: boolean;
}

/** Options of nn.RMSNorm. */
export interface RMSNormOptions {
  /** Added to the mean square (default: the machine epsilon of the input's dtype, as torch's). */
  eps?: number;
  /** A learnable weight (default true). */
  elementwiseAffine?: boolean;
}

/** torch.nn.GroupNorm: x [N, C, ...] normalised over groups of channels, with per-channel weight and bias (affine, the default). */
export class GroupNorm extends Module {
  /** [C] scale, ones at first (with affine). */
  weight?: Parameter;
  /** [C] shift, zeros at first (with affine). */
  bias?: Parameter;
  /**
   * @param numGroups The number of groups; numChannels must be a multiple.
   * @param numChannels C, the size of dim 1 of the input.
   * @param options eps (default 1e-5) and affine (default true).
   */
  constructor(readonly numGroups: number, readonly numChannels: number, readonly options: GroupNormOptions = {}) {
    super();
    checkInt(numGroups, 1, 'GroupNorm: num_groups');
    if (numChannels % numGroups !== 0) throw argError(`GroupNorm: num_channels (${numChannels}) must be divisible by num_groups (${numGroups})`);
    if (options.affine ?? true) {
      this.weight = new Parameter(Tensor.ones([numChannels]));
      this.bias = new Parameter(Tensor.zeros([numChannels]));
    }
  }
  /** x [N, C, ...] normalised per sample and group. */
  forward(x: Tensor): Tensor {
    if (x.ndim < 2 || x.shape[1] !== this.numChannels) throw argError(`GroupNorm: expected input [N, ${this.numChannels}, ...], got ${fmtShape(x.shape)}`);
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.options.eps ?? 1e-5);
  }
}

/** Options of InstanceNorm1d/2d; torch's defaults: no affine parameters, no running statistics. */
export interface InstanceNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Weight of the new statistics in the running ones (default 0.1). */
  momentum?: number;
  /** Learnable per-channel weight and bias (default false). */
  affine?: boolean;
  /** Keep running mean and variance, used in eval mode (default false). */
  trackRunningStats?: boolean;
}

/** InstanceNorm1d and InstanceNorm2d: each sample's channels normalised over their spatial positions. */
abstract class InstanceNormNd extends Module {
  /** [C] scale (with affine). */
  weight?: Parameter;
  /** [C] shift (with affine). */
  bias?: Parameter;
  /** [C] running mean (with trackRunningStats). */
  running_mean?: Buffer;
  /** [C] running variance (with trackRunningStats). */
  running_var?: Buffer;
  /** A count torch keeps for instance norm but never advances (with trackRunningStats). */
  num_batches_tracked?: Buffer;
  /**
   * @param numFeatures C, the channels.
   * @param spatial The number of spatial dims (1 or 2).
   * @param options eps, momentum, affine and trackRunningStats.
   */
  constructor(readonly numFeatures: number, readonly spatial: number, readonly options: InstanceNormOptions) {
    super();
    if (options.affine ?? false) {
      this.weight = new Parameter(Tensor.ones([numFeatures]));
      this.bias = new Parameter(Tensor.zeros([numFeatures]));
    }
    if (options.trackRunningStats ?? false) {
      this.running_mean = new Buffer(Tensor.zeros([numFeatures]));
      this.running_var = new Buffer(Tensor.ones([numFeatures]));
      this.num_batches_tracked = new Buffer(Tensor.zeros([], 'i64'));
    }
  }
  /** x [N, C, ...spatial] or unbatched [C, ...spatial], normalised. */
  forward(x: Tensor): Tensor {
    const name = this.constructor.name, r = this.spatial + 1;
    if (x.ndim !== r && x.ndim !== r + 1) throw argError(`${name}: expected ${r}D or ${r + 1}D input (got ${x.ndim}D input ${fmtShape(x.shape)})`);
    const unbatched = x.ndim === r;
    const xb = unbatched ? x.unsqueeze(0) : x;
    if (xb.shape[1] !== this.numFeatures && (this.weight || this.running_mean)) {
      throw argError(`${name}: expected input's size at dim=${unbatched ? 0 : 1} to match num_features (${this.numFeatures}), but got: ${xb.shape[1]} (input ${fmtShape(x.shape)})`);
    }
    const useInputStats = this.training || !this.running_mean;
    const r2 = instanceNormWithStats(xb, this.running_mean, this.running_var, this.weight, this.bias, useInputStats, this.options.momentum ?? 0.1, this.options.eps ?? 1e-5);
    if (r2.runningMean && r2.runningVar && this.training) {
      // Torch updates the buffers in place; here they are replaced (num_batches_tracked stays, as torch's does).
      this.running_mean = new Buffer(r2.runningMean);
      this.running_var = new Buffer(r2.runningVar);
    }
    return unbatched ? r2.output.squeeze(0) : r2.output;
  }
}

/** torch.nn.InstanceNorm1d on [N, C, L] or [C, L]. */
export class InstanceNorm1d extends InstanceNormNd {
  constructor(numFeatures: number, options: InstanceNormOptions = {}) { super(numFeatures, 1, options); }
}

/** torch.nn.InstanceNorm2d on [N, C, H, W] or [C, H, W]. */
export class InstanceNorm2d extends InstanceNormNd {
  constructor(numFeatures: number, options: InstanceNormOptions = {}) { super(numFeatures, 2, options); }
}

/** torch.nn.RMSNorm: x / sqrt(mean(x^2) + eps) over the trailing normalizedShape, times a weight. */
export class RMSNorm extends Module {
  /** The scale, shaped like normalizedShape, ones at first (with elementwiseAffine, the default). */
  weight?: Parameter;
  /** The trailing dims normalised over. */
  readonly normalizedShape: number[];
  /**
   * @param normalizedShape The trailing dims (one number for the last dim).
   * @param options eps (default: the machine epsilon of the input's dtype) and elementwiseAffine.
   */
  constructor(normalizedShape: number | readonly number[], readonly options: RMSNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (options.elementwiseAffine ?? true) this.weight = new Parameter(Tensor.ones(this.normalizedShape));
  }
  /** x RMS-normalised over its trailing dims. */
  forward(x: Tensor): Tensor {
    return rmsNorm(x, this.normalizedShape, this.weight, this.options.eps);
  }
}
