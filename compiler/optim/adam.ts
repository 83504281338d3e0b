// Adam and AdamW (torch.optim.Adam / AdamW, with amsgrad and maximize) as pure functions of tensors.

import { StateError } from '../../ir/errors.js';
import type { DType } from '../../ir/dtype.js';
import type { TensorDict } from '../func/functional-call.js';
import * as ops from '../trace/ops.js';
import { Tensor } from '../trace/tensor.js';
import { along, checkLike, resolveHyper, zerosLike, type LearningRate, type PerMember, type Resolved } from './hyper.js';

/** Options of adam and adamw, as torch.optim.Adam's (camelCase); hyperparameters may differ per member. */
export interface AdamOptions {
  /** Default 1e-3. A number, one per member, or a Tensor (scalar or [M]) a schedule can feed. */
  readonly lr?: LearningRate;
  /** Default [0.9, 0.999]. */
  readonly betas?: readonly [PerMember, PerMember];
  /** Default 1e-8. */
  readonly eps?: PerMember;
  /** Default 0 for Adam (L2 added to the gradient) and 1e-2 for AdamW (decoupled). */
  readonly weightDecay?: PerMember;
  /** Use the running maximum of the second moment (default false). */
  readonly amsgrad?: boolean;
  /** Maximise the objective instead (default false). */
  readonly maximize?: boolean;
}

/** Adam's state, stacked like the params (adamInit makes it). */
export interface AdamState {
  /** Steps taken so far (a scalar f32 tensor, so a traced step reads it as an input). */
  readonly step: Tensor;
  /** First and second moments, stacked like the params. */
  readonly expAvg: TensorDict;
  /** The second moments (running mean of squared gradients). */
  readonly expAvgSq: TensorDict;
  /** The running maximum of expAvgSq (amsgrad only). */
  readonly maxExpAvgSq?: TensorDict;
}

/** Adam's initial state for `params`: step 0 and zero moments (and the amsgrad maximum when asked for). */
export function adamInit(params: TensorDict, options: AdamOptions = {}): AdamState {
  const base = { step: Tensor.zeros([], 'f32'), expAvg: zerosLike(params), expAvgSq: zerosLike(params) };
  return options.amsgrad ? { ...base, maxExpAvgSq: zerosLike(params) } : base;
}

/** a op b where either may be a number: plain arithmetic for two numbers, a tensor op otherwise. */
function hop(op: 'mul' | 'div' | 'sub', a: Resolved, b: Resolved): Resolved {
  if (typeof a === 'number' && typeof b === 'number') return op === 'mul' ? a * b : op === 'div' ? a / b : a - b;
  return ops.binary(op, a, b);
}

/** 1 - beta^step for the new step count, in `dtype`; a Tensor (scalar, or [M] for per-member betas). */
function biasCorrection(beta: Resolved, step: Tensor, dtype: DType): Tensor {
  const b = typeof beta === 'number' ? Tensor.full([], beta, dtype) : beta.to(dtype);
  return b.pow(step.to(dtype)).rsub(1);
}

function step(decoupled: boolean, params: TensorDict, grads: TensorDict, state: AdamState, options: AdamOptions): { params: TensorDict; state: AdamState } {
  const what = decoupled ? 'AdamW' : 'Adam';
  checkLike(what, 'grads', grads, params);
  checkLike(what, 'first moments (expAvg)', state.expAvg, params);
  checkLike(what, 'second moments (expAvgSq)', state.expAvgSq, params);
  if (options.amsgrad) {
    if (!state.maxExpAvgSq) throw new StateError(`${what}: amsgrad is on but the state has no maxExpAvgSq; create it with adamInit with the same options`);
    checkLike(what, 'maxExpAvgSq', state.maxExpAvgSq, params);
  }
  const [b1v, b2v] = options.betas ?? [0.9, 0.999];
  const lr = resolveHyper(what, 'learning rate', options.lr ?? 1e-3, params, { min: 0 });
  const beta1 = resolveHyper(what, 'beta parameter at index 0', b1v, params, { min: 0, below: 1 });
  const beta2 = resolveHyper(what, 'beta parameter at index 1', b2v, params, { min: 0, below: 1 });
  const eps = resolveHyper(what, 'epsilon value', options.eps ?? 1e-8, params, { min: 0 });
  const wd = resolveHyper(what, 'weight_decay value', options.weightDecay ?? (decoupled ? 1e-2 : 0), params, { min: 0 });

  const stepCount = state.step.add(1);
  const corrections = new Map<DType, { bc1: Tensor; bc2Sqrt: Tensor }>();
  const correctionsFor = (dtype: DType): { bc1: Tensor; bc2Sqrt: Tensor } => {
    let c = corrections.get(dtype);
    if (!c) corrections.set(dtype, (c = { bc1: biasCorrection(beta1, stepCount, dtype), bc2Sqrt: biasCorrection(beta2, stepCount, dtype).sqrt() }));
    return c;
  };

  const out: TensorDict = {}, m1: TensorDict = {}, m2: TensorDict = {}, mx: TensorDict = {};
  for (const [name, p0] of Object.entries(params)) {
    let p = p0;
    let g = grads[name]!;
    if (options.maximize) g = g.neg();
    if (decoupled) {
      if (wd !== 0) p = p.mul(along(hop('sub', 1, hop('mul', lr, wd)), p));
    } else if (wd !== 0) {
      g = g.add(p.mul(along(wd, p)));
    }
    const b1 = along(beta1, p), b2 = along(beta2, p);
    const m = state.expAvg[name]!.mul(b1).add(g.mul(hop('sub', 1, b1)));
    const v = state.expAvgSq[name]!.mul(b2).add(g.mul(g).mul(hop('sub', 1, b2)));
    let second = v;
    if (options.amsgrad) {
      second = state.maxExpAvgSq![name]!.maximum(v);
      mx[name] = second;
    }
    const { bc1, bc2Sqrt } = correctionsFor(p.dtype);
    const stepSize = hop('div', along(lr, p), along(bc1, p));
    const denom = second.sqrt().div(along(bc2Sqrt, p)).add(along(eps, p));
    out[name] = p.sub(m.div(denom).mul(stepSize));
    m1[name] = m;
    m2[name] = v;
  }
  const newState: AdamState = options.amsgrad
    ? { step: stepCount, expAvg: m1, expAvgSq: m2, maxExpAvgSq: mx }
    : { step: stepCount, expAvg: m1, expAvgSq: m2 };
  return { params: out, state: newState };
}

/**
 * One Adam step, following torch.optim.Adam:
 *   g = grad (negated with maximize) + weight_decay * param
 *   m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2  (amsgrad: vmax = max(vmax, v))
 *   t = step + 1;  param -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * Every hyperparameter may differ per member; the step count is a tensor, so one traced graph
 * serves every step.
 */
export function adam(params: TensorDict, grads: TensorDict, state: AdamState, options: AdamOptions = {}): {
  /** The updated parameters. */
  params: TensorDict;
  /** The updated state. */
  state: AdamState;
} {
  return step(false, params, grads, state, options);
}

/** One AdamW step (torch.optim.AdamW): param *= 1 - lr * weight_decay first, then Adam without L2. */
export function adamw(params: TensorDict, grads: TensorDict, state: AdamState, options: AdamOptions = {}): {
  /** The updated parameters. */
  params: TensorDict;
  /** The updated state. */
  state: AdamState;
} {
  return step(true, params, grads, state, options);
}
