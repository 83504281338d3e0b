// SGD with momentum, dampening, Nesterov and weight decay (torch.optim.SGD), as a pure function of tensors.

import { StateError } from '../../ir/errors.js';
import type { TensorDict } from '../func/functional-call.js';
import { Tensor } from '../trace/tensor.js';
import {
  along, checkLike, memberValues, resolveHyper, scaleBy, zerosLike, type LearningRate, type PerMember, type Resolved,
} from './hyper.js';

/** Options of sgd, as torch.optim.SGD's (camelCase); hyperparameters may differ per member. */
export interface SGDOptions {
  /** A number, one per member, or a Tensor (scalar or [M]) a schedule can feed. */
  readonly lr: LearningRate;
  /** Momentum factor (default 0: plain SGD). */
  readonly momentum?: PerMember;
  /** Dampening of the momentum (default 0). */
  readonly dampening?: PerMember;
  /** L2 penalty added to the gradient (default 0). */
  readonly weightDecay?: PerMember;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). */
  readonly nesterov?: boolean;
  /** Maximise the objective instead (default false). */
  readonly maximize?: boolean;
}

/** SGD's state (sgdInit makes it). */
export interface SGDState {
  /** Steps taken so far (a scalar f32 tensor, so a traced step reads it as an input). */
  readonly step: Tensor;
  /** One buffer per param, stacked like it; absent when every member has momentum 0. */
  readonly momentumBuffer?: TensorDict;
}

const WHAT = 'SGD';

const usesMomentum = (o: SGDOptions): boolean => memberValues(o.momentum ?? 0).some((m) => m !== 0);

function validate(o: SGDOptions): void {
  if (!o.nesterov) return;
  const mom = memberValues(o.momentum ?? 0), damp = memberValues(o.dampening ?? 0);
  const n = Math.max(mom.length, damp.length);
  for (let i = 0; i < n; i++) {
    const m = mom[mom.length === 1 ? 0 : i]!, d = damp[damp.length === 1 ? 0 : i]!;
    if (m <= 0 || d !== 0) throw new StateError(`${WHAT}: Nesterov momentum requires a momentum and zero dampening${n > 1 ? ` (member ${i} has momentum ${m}, dampening ${d})` : ''}`);
  }
}

/** The factor on the new gradient in the momentum update: 1 before the first step, 1 - dampening after. */
function keepFactor(damp: Resolved, started: Tensor, p: Tensor): Tensor {
  const s = started.to(p.dtype);
  return (typeof damp === 'number' ? s.mul(damp) : (along(damp, p) as Tensor).mul(s)).rsub(1);
}

/** The initial state: step 0 and zero momentum buffers (when momentum is used). */
export function sgdInit(params: TensorDict, options: SGDOptions): SGDState {
  const step = Tensor.zeros([], 'f32');
  return usesMomentum(options) ? { step, momentumBuffer: zerosLike(params) } : { step };
}

/**
 * One SGD step, following torch.optim.SGD:
 *   d = grad (negated with maximize) + weight_decay * param
 *   buf = d on the first step, else momentum * buf + (1 - dampening) * d
 *   d = d + momentum * buf with nesterov, else buf
 *   param = param - lr * d
 * The first step is told apart by state.step, not by a missing buffer, so the same function traces
 * once and serves every step: buf starts at zero and the dampening factor is 1 while step == 0.
 * A member whose momentum is 0 keeps the plain gradient (its dampening is ignored, as in torch).
 */
export function sgd(params: TensorDict, grads: TensorDict, state: SGDState, options: SGDOptions): {
  /** The updated parameters. */
  params: TensorDict;
  /** The updated state. */
  state: SGDState;
} {
  validate(options);
  checkLike(WHAT, 'grads', grads, params);
  const lr = resolveHyper(WHAT, 'learning rate', options.lr, params, { min: 0 });
  const wd = resolveHyper(WHAT, 'weight_decay value', options.weightDecay ?? 0, params, { min: 0 });
  const momentum = options.momentum ?? 0;
  const mom = resolveHyper(WHAT, 'momentum value', momentum, params, { min: 0 });
  const momenta = memberValues(momentum);
  const dampening = options.dampening ?? 0;
  // Per member, dampening only applies where momentum is non-zero.
  const effDamp: PerMember = typeof dampening === 'number' && momenta.length === 1
    ? dampening
    : (typeof dampening === 'number' ? momenta.map(() => dampening) : dampening).map((d, i) => (momenta[momenta.length === 1 ? 0 : i] === 0 ? 0 : d));
  const damp = resolveHyper(WHAT, 'dampening', effDamp, params);
  const withMomentum = usesMomentum(options);
  if (withMomentum) {
    if (!state.momentumBuffer) throw new StateError(`${WHAT}: momentum is used but the state has no momentum buffers; create it with sgdInit with the same options`);
    checkLike(WHAT, 'momentum buffers', state.momentumBuffer, params);
  }
  // 1 on the first step (buf = d), 1 - dampening afterwards.
  const started = state.step.gt(0);
  const newParams: TensorDict = {};
  const newBufs: TensorDict = {};
  for (const [name, p] of Object.entries(params)) {
    let d = grads[name]!;
    if (options.maximize) d = d.neg();
    if (wd !== 0) d = d.add(scaleBy(p, wd));
    if (withMomentum) {
      const buf = scaleBy(state.momentumBuffer![name]!, mom).add(damp === 0 ? d : d.mul(keepFactor(damp, started, p)));
      newBufs[name] = buf;
      d = options.nesterov ? d.add(scaleBy(buf, mom)) : buf;
    }
    newParams[name] = p.sub(scaleBy(d, lr));
  }
  const step = state.step.add(1);
  return { params: newParams, state: withMomentum ? { step, momentumBuffer: newBufs } : { step } };
}
