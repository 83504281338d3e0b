// More losses of torch.nn.functional (beside nll, cross entropy and MSE in functional.ts): BCE, BCE with logits, smooth L1, KL divergence.

import { broadcastShapes, fmtShape, shapesEqual } from '../../ir/shape.js';
import { argError } from '../trace/arg-error.js';
import * as ops from '../trace/ops.js';
import type { Tensor } from '../trace/tensor.js';
import type { Reduction } from './functional.js';

const REDUCTIONS: readonly string[] = ['mean', 'sum', 'none'];

function reduce(loss: Tensor, reduction: Reduction, what: string): Tensor {
  if (!REDUCTIONS.includes(reduction)) throw argError(`${what}: ${String(reduction)} is not a valid value for reduction (expected 'mean', 'sum' or 'none')`);
  return reduction === 'none' ? loss : reduction === 'sum' ? loss.sum() : loss.mean();
}

/**
 * log(x) clamped to >= -100 as torch's binary_cross_entropy does, so log(0) is -100. The log reads 1
 * where x is 0, so the gradient there is 0 rather than 0 * Inf = NaN.
 */
function clampedLog(x: Tensor): Tensor {
  const zero = x.eq(0);
  return ops.where(zero, -100, ops.unary('log', ops.where(zero, 1, x)).maximum(-100));
}

function checkSameShape(input: Tensor, target: Tensor, what: string): void {
  if (!shapesEqual(input.shape, target.shape)) {
    throw argError(`${what}: Using a target size (${fmtShape(target.shape)}) that is different to the input size (${fmtShape(input.shape)}) is deprecated. Please ensure they have the same size.`);
  }
}

function checkWeight(w: Tensor | undefined, input: Tensor, name: string, what: string): void {
  if (!w) return;
  try {
    if (shapesEqual(broadcastShapes([w.shape, input.shape], what), input.shape)) return;
  } catch { /* reported below */ }
  throw argError(`${what}: ${name} ${fmtShape(w.shape)} does not broadcast to the input size ${fmtShape(input.shape)}`);
}

/**
 * Binary cross entropy of probabilities `input` against `target` of the same shape:
 * -w * (t * log(x) + (1 - t) * log(1 - x)), each log clamped to >= -100 as in torch.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: { weight?: Tensor; reduction?: Reduction } = {}): Tensor {
  const what = 'binary_cross_entropy';
  checkSameShape(input, target, what);
  checkWeight(options.weight, input, 'weight', what);
  // A concrete input is range-checked as torch does; NaN passes (and gives NaN), as it must when traced.
  if (input.value && input.toArray().some((v) => v < 0 || v > 1)) throw argError(`${what}: all elements of input should be between 0 and 1 (input ${fmtShape(input.shape)})`);
  let loss = target.sub(1).mul(clampedLog(input.rsub(1))).sub(target.mul(clampedLog(input)));
  if (options.weight) loss = loss.mul(options.weight);
  return reduce(loss, options.reduction ?? 'mean', what);
}

/**
 * Binary cross entropy of logits, in torch's stable form: (1 - t) x + lw (log(e^-m + e^(-x-m)) + m)
 * with m = max(-x, 0) and lw = 1 + (pos_weight - 1) t; `posWeight` broadcasts along the last dim.
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor, target: Tensor, options: { weight?: Tensor; posWeight?: Tensor; reduction?: Reduction } = {},
): Tensor {
  const what = 'binary_cross_entropy_with_logits';
  checkSameShape(input, target, what);
  checkWeight(options.weight, input, 'weight', what);
  checkWeight(options.posWeight, input, 'pos_weight', what);
  const m = input.neg().relu();
  const softplusNeg = m.neg().exp().add(input.neg().sub(m).exp()).log().add(m);
  const logWeight = options.posWeight ? options.posWeight.sub(1).mul(target).add(1) : undefined;
  let loss = target.rsub(1).mul(input).add(logWeight ? logWeight.mul(softplusNeg) : softplusNeg);
  if (options.weight) loss = loss.mul(options.weight);
  return reduce(loss, options.reduction ?? 'mean', what);
}

/** Smooth L1 (Huber-like) loss: 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta; beta 0 is the L1 loss. */
export function smoothL1Loss(input: Tensor, target: Tensor, options: { reduction?: Reduction; beta?: number } = {}): Tensor {
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw argError(`smooth_l1_loss does not support negative values for beta, got ${beta}`);
  const d = input.sub(target).abs();
  const loss = beta === 0 ? d : ops.where(d.lt(beta), d.mul(d).mul(0.5 / beta), d.sub(0.5 * beta));
  return reduce(loss, options.reduction ?? 'mean', 'smooth_l1_loss');
}

/** Reductions of kl_div: torch's, plus 'batchmean' (the sum divided by the batch size, the mathematically right one). */
export type KlReduction = Reduction | 'batchmean';

/**
 * KL divergence with `input` as log-probabilities: target * (log(target) - input), 0 where target is 0
 * (torch's xlogy); with `logTarget` the target is log-probabilities too: exp(t) * (t - input).
 */
export function klDiv(input: Tensor, target: Tensor, options: { reduction?: KlReduction; logTarget?: boolean } = {}): Tensor {
  const reduction = options.reduction ?? 'mean';
  let loss: Tensor;
  if (options.logTarget) loss = target.exp().mul(target.sub(input));
  else {
    const zero = target.eq(0);
    const xlogx = ops.where(zero, 0, target.mul(ops.where(zero, 1, target).log()));
    loss = xlogx.sub(target.mul(input));
  }
  if (reduction !== 'batchmean') return reduce(loss, reduction, 'kl_div');
  return input.ndim === 0 ? loss.sum() : loss.sum().div(input.shape[0]!);
}
