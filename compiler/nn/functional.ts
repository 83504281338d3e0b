// torch.nn.functional: activations, layers as functions, and losses, built from the op library.

import { isFloat, type DType } from '../../ir/dtype.js';
import { ShapeError } from '../../ir/errors.js';
import { broadcastShapes, fmtShape, normAxis, shapesEqual } from '../../ir/shape.js';
import * as ops from '../trace/ops.js';
import { Tensor } from '../trace/tensor.js';
import { argError, checkInt } from '../trace/arg-error.js';

/** F.relu: max(x, 0). */
export const relu = (x: Tensor): Tensor => x.relu();
/** F.gelu: exact (`approximate: 'none'`, the default) or with the tanh approximation. */
export const gelu = (x: Tensor, options: { approximate?: 'none' | 'tanh' } = {}): Tensor => x.gelu(options.approximate ?? 'none');
/** F.silu: x * sigmoid(x). */
export const silu = (x: Tensor): Tensor => x.silu();
/** F.tanh. */
export const tanh = (x: Tensor): Tensor => x.tanh();
/** F.sigmoid: 1 / (1 + e^-x). */
export const sigmoid = (x: Tensor): Tensor => x.sigmoid();
/** F.softmax along `dim` (required, as torch warns without it). */
export const softmax = (x: Tensor, dim: number): Tensor => ops.softmax(x, dim);
/** F.log_softmax along `dim`. */
export const logSoftmax = (x: Tensor, dim: number): Tensor => ops.logSoftmax(x, dim);
/** torch.flatten: dims startDim..endDim into one (default: all). */
export const flatten = (x: Tensor, startDim = 0, endDim = -1): Tensor => ops.flatten(x, startDim, endDim);
/** F.pad with a constant: `pads` are (before, after) pairs from the last dim backwards, as torch's. */
export const pad = (x: Tensor, pads: readonly number[], value = 0): Tensor => ops.pad(x, pads, value);

/** y = x @ w.T + b with w laid out [out, in], as torch.nn.functional.linear. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  const inF = weight.shape[weight.ndim - 1];
  if (x.shape[x.ndim - 1] !== inF) {
    throw new ShapeError(`linear: input ${fmtShape(x.shape)} has ${x.shape[x.ndim - 1]} features but weight ${fmtShape(weight.shape)} expects ${inF}`);
  }
  const y = ops.matmul(x, weight.t());
  return bias ? y.add(bias) : y;
}

/** F.conv1d: x [N, C, L] (or [C, L]) with weight [O, C / groups, K]; stride, padding ('same', 'valid' or numbers), dilation, groups. */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor, options: ops.ConvOptions = {}): Tensor {
  return ops.conv(x, weight, bias, 1, options);
}

/** F.conv2d: x [N, C, H, W] (or [C, H, W]) with weight [O, C / groups, KH, KW]; stride, padding, dilation, groups. */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor, options: ops.ConvOptions = {}): Tensor {
  return ops.conv(x, weight, bias, 2, options);
}

/** F.max_pool1d over windows of k (stride defaults to k). */
export const maxPool1d = (x: Tensor, k: number, o: ops.PoolOptions = {}): Tensor => ops.pool('max', x, 1, k, o);
/** F.max_pool2d over windows of k (one number or [kh, kw]; stride defaults to k). */
export const maxPool2d = (x: Tensor, k: number | readonly number[], o: ops.PoolOptions = {}): Tensor => ops.pool('max', x, 2, k, o);
/** F.avg_pool1d over windows of k (countIncludePad defaults to true, as torch's). */
export const avgPool1d = (x: Tensor, k: number, o: ops.PoolOptions = {}): Tensor => ops.pool('avg', x, 1, k, o);
/** F.avg_pool2d over windows of k (one number or [kh, kw]). */
export const avgPool2d = (x: Tensor, k: number | readonly number[], o: ops.PoolOptions = {}): Tensor => ops.pool('avg', x, 2, k, o);

/** F.layer_norm: normalises x over its trailing `normalizedShape` (biased variance), then weight and bias if given. */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight?: Tensor, bias?: Tensor, eps = 1e-5): Tensor {
  const n = normalizedShape.length;
  if (!shapesEqual(x.shape.slice(x.ndim - n), normalizedShape)) {
    throw new ShapeError(`layer_norm: input ${fmtShape(x.shape)} does not end with normalized_shape ${fmtShape(normalizedShape)}`);
  }
  const dims = [...Array(n).keys()].map((i) => x.ndim - n + i);
  const mu = x.mean(dims, true);
  const centered = x.sub(mu);
  const varBiased = centered.mul(centered).mean(dims, true);
  let y = centered.mul(varBiased.add(eps).rsqrt());
  if (weight) y = y.mul(weight);
  if (bias) y = y.add(bias);
  return y;
}

/** Reshapes a per-channel [C] tensor to broadcast over [N, C, ...] input. */
function perChannel(t: Tensor, x: Tensor): Tensor {
  return t.reshape([1, -1, ...Array(x.ndim - 2).fill(1)]);
}

/** What batchNormWithStats returns: the output, and in training mode the updated running statistics. */
export interface BatchNormResult {
  /** The normalised input. */
  readonly output: Tensor;
  /** New running mean in training mode (undefined in eval or without running stats). */
  readonly runningMean?: Tensor;
  /** New running variance (unbiased) in training mode (undefined in eval or without running stats). */
  readonly runningVar?: Tensor;
}

/**
 * Batch norm over channel dim 1. In training mode it normalises with the batch's biased variance and
 * returns updated running stats (momentum update with the unbiased variance), as torch does.
 */
export function batchNormWithStats(
  x: Tensor, runningMean: Tensor | undefined, runningVar: Tensor | undefined, weight: Tensor | undefined,
  bias: Tensor | undefined, training: boolean, momentum = 0.1, eps = 1e-5,
): BatchNormResult {
  if (x.ndim < 2) throw new ShapeError(`batch_norm: expected input with at least 2 dims [N, C, ...], got ${fmtShape(x.shape)}`);
  const c = x.shape[1]!;
  for (const [name, t] of [['running_mean', runningMean], ['running_var', runningVar], ['weight', weight], ['bias', bias]] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== c)) throw new ShapeError(`batch_norm: ${name} ${fmtShape(t.shape)} does not match ${c} channels of input ${fmtShape(x.shape)}`);
  }
  const dims = [0, ...Array(x.ndim - 2).keys()].map((d, i) => (i === 0 ? 0 : d + 2));
  let mean: Tensor, variance: Tensor;
  let newMean: Tensor | undefined, newVar: Tensor | undefined;
  if (training || !runningMean || !runningVar) {
    const count = dims.reduce((n, d) => n * x.shape[d]!, 1);
    if (training && count <= 1) throw new ShapeError(`batch_norm: expected more than 1 value per channel when training, got input ${fmtShape(x.shape)}`);
    mean = x.mean(dims);
    const centered = x.sub(perChannel(mean, x));
    variance = centered.mul(centered).mean(dims);
    if (training && runningMean && runningVar) {
      newMean = runningMean.mul(1 - momentum).add(mean.mul(momentum));
      newVar = runningVar.mul(1 - momentum).add(variance.mul((momentum * count) / (count - 1)));
    }
  } else {
    mean = runningMean;
    variance = runningVar;
  }
  let y = x.sub(perChannel(mean, x)).mul(perChannel(variance.add(eps).rsqrt(), x));
  if (weight) y = y.mul(perChannel(weight, x));
  if (bias) y = y.add(perChannel(bias, x));
  return { output: y, ...(newMean ? { runningMean: newMean, runningVar: newVar! } : {}) };
}

/** F.batch_norm over channel dim 1: batch statistics when training (or without running ones), else the running ones. */
export function batchNorm(
  x: Tensor, runningMean: Tensor | undefined, runningVar: Tensor | undefined, weight?: Tensor, bias?: Tensor,
  training = false, momentum = 0.1, eps = 1e-5,
): Tensor {
  return batchNormWithStats(x, runningMean, runningVar, weight, bias, training, momentum, eps).output;
}

/** F.embedding: rows of `weight` [num, dim] at integer `indices` of any shape. */
export function embedding(indices: Tensor, weight: Tensor): Tensor {
  if (isFloat(indices.dtype)) throw new ShapeError(`embedding: indices must be an integer tensor, got ${indices.dtype} ${fmtShape(indices.shape)}`);
  return ops.take(weight, indices, 0);
}

/** Zeroes elements with probability p and scales the rest by 1/(1-p) in training mode. */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  if (p < 0 || p > 1) throw new ShapeError(`dropout probability has to be between 0 and 1, but got ${p}`);
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const keep = ops.rand(x.shape, x.dtype).ge(p);
  return x.mul(keep).mul(1 / (1 - p));
}

/** How a loss reduces over the batch: its mean (the default), sum, or per-element values ('none'). */
export type Reduction = 'mean' | 'sum' | 'none';

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  return reduction === 'none' ? loss : reduction === 'sum' ? loss.sum() : loss.mean();
}

/** Negative log likelihood of log-probabilities [N, C] (or [C]) at integer targets [N]. */
export function nllLoss(logProbs: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  const classDim = logProbs.ndim === 1 ? 0 : 1;
  const c = logProbs.shape[classDim]!;
  const expected = logProbs.shape.filter((_, i) => i !== classDim);
  if (!shapesEqual(target.shape, expected)) {
    throw new ShapeError(`nll_loss: target ${fmtShape(target.shape)} does not match input ${fmtShape(logProbs.shape)} (expected ${fmtShape(expected)})`);
  }
  const hot = ops.oneHot(target, c, logProbs.dtype);
  const moved = classDim === 1 && logProbs.ndim > 2 ? ops.permute(logProbs, [0, ...[...Array(logProbs.ndim - 2).keys()].map((i) => i + 2), 1]) : logProbs;
  const picked = moved.mul(hot).sum(-1).neg();
  return reduce(picked, options.reduction ?? 'mean');
}

/** Cross entropy of logits [N, C] against integer class targets [N] (or probabilities [N, C]). */
export function crossEntropy(logits: Tensor, target: Tensor, options: { reduction?: Reduction; labelSmoothing?: number } = {}): Tensor {
  const classDim = logits.ndim === 1 ? 0 : 1;
  const logp = ops.logSoftmax(logits, classDim);
  const smoothing = options.labelSmoothing ?? 0;
  if (isFloat(target.dtype)) {
    if (!shapesEqual(target.shape, logits.shape)) throw new ShapeError(`cross_entropy: probability targets ${fmtShape(target.shape)} must match logits ${fmtShape(logits.shape)}`);
    return reduce(logp.mul(target).sum(classDim).neg(), options.reduction ?? 'mean');
  }
  const nll = nllLoss(logp, target, { reduction: 'none' });
  if (smoothing === 0) return reduce(nll, options.reduction ?? 'mean');
  const c = logits.shape[classDim]!;
  const uniformTerm = logp.sum(classDim).neg().div(c);
  return reduce(nll.mul(1 - smoothing).add(uniformTerm.mul(smoothing)), options.reduction ?? 'mean');
}

/** F.mse_loss: the squared difference, reduced. */
export function mseLoss(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  const d = input.sub(target);
  return reduce(d.mul(d), options.reduction ?? 'mean');
}

/** @internal A dim normalised against x's rank (negative counts from the end). */
export function normalizeDim(dim: number, x: Tensor, what: string): number {
  return normAxis(dim, x.ndim, what);
}

// ---- issue 13: layers and functions composed of existing ops ------------------------------------

export { binaryCrossEntropy, binaryCrossEntropyWithLogits, smoothL1Loss, klDiv, type KlReduction } from './losses.js';
export { scaledDotProductAttention, multiHeadAttentionForward, type SdpaOptions, type MhaWeights, type MhaForwardOptions } from './sdpa.js';
export { groupNorm, instanceNorm, instanceNormWithStats, rmsNorm, type InstanceNormResult } from './group-norm.js';
export { convTranspose1d, convTranspose2d, type ConvTransposeOptions } from './conv-transpose.js';
export { interpolate, adaptiveAvgPool1d, adaptiveAvgPool2d, type InterpolateOptions, type InterpolateMode } from './resample.js';

/** x where x > 0, else negative_slope * x. */
export const leakyRelu = (x: Tensor, negativeSlope = 0.01): Tensor => ops.where(x.gt(0), x, x.mul(negativeSlope));

/** x where x > 0, else alpha * expm1(x), as torch; expm1 reads min(x, 0) so the unused branch never overflows. */
export const elu = (x: Tensor, alpha = 1): Tensor => ops.where(x.gt(0), x, x.minimum(0).expm1().mul(alpha));

/**
 * log(1 + exp(beta x)) / beta, and x itself where beta x > threshold (torch's linear region). Written
 * max(z, 0) + log1p(exp(-|z|)) so no exp overflows and tiny exp(-|z|) keep their digits.
 */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  const z = x.mul(beta);
  const soft = z.relu().add(z.abs().neg().exp().log1p());
  return ops.where(z.gt(threshold), x, beta === 1 ? soft : soft.div(beta));
}

/** x * tanh(softplus(x)). */
export const mish = (x: Tensor): Tensor => x.mul(softplus(x).tanh());

/** x * relu6(x + 3) / 6. */
export const hardswish = (x: Tensor): Tensor => x.mul(x.add(3).clamp(0, 6)).div(6);

/**
 * x divided by its p-norm over `dim`, the norm clamped to >= eps (torch.nn.functional.normalize). For
 * p = 2 the clamp is applied to the squared norm (eps^2), which is equal and keeps the gradient finite
 * at a zero vector.
 */
export function normalize(x: Tensor, options: { p?: number; dim?: number; eps?: number } = {}): Tensor {
  const p = options.p ?? 2, eps = options.eps ?? 1e-12;
  const d = normAxis(options.dim ?? 1, x.ndim, 'normalize');
  if (!(p > 0)) throw argError(`normalize: p must be positive, got ${p}`);
  let norm: Tensor;
  if (p === 2) norm = x.mul(x).sum(d, true).maximum(eps * eps).sqrt();
  else if (p === Infinity) norm = x.abs().amax(d, true).maximum(eps);
  else if (p === 1) norm = x.abs().sum(d, true).maximum(eps);
  else norm = x.abs().pow(p).sum(d, true).pow(1 / p).maximum(eps);
  return x.div(norm);
}

/**
 * Cosine similarity along `dim` of x1 and x2 broadcast together: x1.x2 / (max(|x1|, eps) max(|x2|, eps)).
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, options: { dim?: number; eps?: number } = {}): Tensor {
  const eps = options.eps ?? 1e-8;
  let shape: number[];
  try {
    shape = broadcastShapes([x1.shape, x2.shape], 'cosine_similarity');
  } catch {
    throw argError(`cosine_similarity: x1 ${fmtShape(x1.shape)} and x2 ${fmtShape(x2.shape)} cannot be broadcast together`);
  }
  const d = normAxis(options.dim ?? 1, shape.length, 'cosine_similarity');
  const a = ops.broadcastTo(x1, shape), b = ops.broadcastTo(x2, shape);
  const na = a.mul(a).sum(d).maximum(eps * eps).sqrt();
  const nb = b.mul(b).sum(d).maximum(eps * eps).sqrt();
  return a.mul(b).sum(d).div(na.mul(nb));
}

/**
 * One-hot encoding (torch.nn.functional.one_hot): int64 like torch's unless `dtype` says otherwise.
 * numClasses -1 infers max + 1 from the values, which only a concrete tensor has.
 */
export function oneHot(indices: Tensor, numClasses = -1, dtype: DType = 'i64'): Tensor {
  if (isFloat(indices.dtype)) throw argError(`one_hot is only applicable to index tensor, got ${indices.dtype} ${fmtShape(indices.shape)}`);
  const values = indices.value ? indices.toArray() : undefined;
  if (values?.some((v) => v < 0)) throw argError(`one_hot: Class values must be non-negative (indices ${fmtShape(indices.shape)})`);
  if (numClasses === -1) {
    if (!values) throw argError(`one_hot: num_classes=-1 infers the class count from the values, which a traced tensor ${fmtShape(indices.shape)} does not have; pass numClasses`);
    numClasses = Math.max(0, ...values) + 1;
  }
  checkInt(numClasses, 1, 'one_hot: num_classes');
  if (values?.some((v) => v >= numClasses)) throw argError(`one_hot: Class values must be smaller than num_classes ${numClasses} (indices ${fmtShape(indices.shape)})`);
  return ops.oneHot(indices, numClasses, dtype);
}
