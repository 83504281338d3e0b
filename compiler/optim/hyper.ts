// Per-member hyperparameters: a number for all members, or one value per member along the leading axis.

import type { DType } from '../../ir/dtype.js';
import { StateError } from '../../ir/errors.js';
import { fmtShape } from '../../ir/shape.js';
import { Tensor } from '../trace/tensor.js';
import type { TensorDict } from '../func/functional-call.js';

/** One value for every member, or an array with one value per member (length M). */
export type PerMember = number | readonly number[];

/** The learning rate may also be a Tensor [M] (or a scalar Tensor), so a schedule can feed it to a traced step. */
export type LearningRate = PerMember | Tensor;

/** A resolved hyperparameter: a number, or a Tensor [M] (the params' float dtype) to apply along the member axis. */
export type Resolved = number | Tensor;

/**
 * The ensemble size M of stacked params: the leading axis, equal for all. Throws (naming `what`) when
 * a param has no leading axis or two params disagree.
 */
export function memberCount(params: TensorDict, what: string): number {
  let m: number | undefined;
  let first = '';
  for (const [name, p] of Object.entries(params)) {
    if (p.ndim === 0) throw new StateError(`${what}: per-member hyperparameters need stacked params with a leading member axis, but '${name}' is a scalar ${fmtShape(p.shape)}`);
    if (m === undefined) {
      m = p.shape[0]!;
      first = name;
    } else if (p.shape[0] !== m) {
      throw new StateError(`${what}: params are not stacked alike: '${first}' has ${m} members (leading axis) but '${name}' ${fmtShape(p.shape)} has ${p.shape[0]}`);
    }
  }
  if (m === undefined) throw new StateError(`${what}: there are no params`);
  return m;
}

export interface HyperCheck {
  readonly min?: number;
  /** An exclusive upper bound. */
  readonly below?: number;
}

function checkValue(what: string, name: string, v: number, check: HyperCheck, member?: number): void {
  const at = member === undefined ? '' : ` for member ${member}`;
  if (!Number.isFinite(v)) throw new StateError(`${what}: invalid ${name}${at}: ${v}`);
  if (check.min !== undefined && v < check.min) throw new StateError(`${what}: invalid ${name}${at}: ${v} (must be >= ${check.min})`);
  if (check.below !== undefined && !(v < check.below)) throw new StateError(`${what}: invalid ${name}${at}: ${v} (must be < ${check.below})`);
}

/**
 * Validates a hyperparameter and resolves it: a number stays a number; an array must have one entry
 * per member and becomes a Tensor [M]; a Tensor (learning rates only) must be a scalar or [M].
 */
export function resolveHyper(what: string, name: string, value: LearningRate, params: TensorDict, check: HyperCheck = {}): Resolved {
  if (typeof value === 'number') {
    checkValue(what, name, value, check);
    return value;
  }
  const m = memberCount(params, what);
  const dtype = floatDTypeOf(params);
  if (value instanceof Tensor) {
    if (value.ndim === 0) return value.to(dtype);
    if (value.ndim !== 1 || value.shape[0] !== m) {
      throw new StateError(`${what}: ${name} is a Tensor of shape ${fmtShape(value.shape)}, but it must be a scalar or have one entry per member [${m}]`);
    }
    return value.to(dtype);
  }
  if (value.length !== m) {
    throw new StateError(`${what}: ${name} has ${value.length} entries, but the params are stacked for ${m} members (leading axis of '${Object.keys(params)[0]}' ${fmtShape(Object.values(params)[0]!.shape)}); give one value per member or a single number`);
  }
  value.forEach((v, i) => checkValue(what, name, v, check, i));
  return Tensor.fromArray(value as number[], [m], dtype);
}

/** The dtype per-member values are made in: the params' (f64 params keep f64 hyperparameters). */
function floatDTypeOf(params: TensorDict): DType {
  const d = Object.values(params)[0]?.dtype;
  return d === 'f64' ? 'f64' : 'f32';
}

/** The value of member i of a per-member hyperparameter (for structural checks such as nesterov's). */
export function memberValues(value: PerMember): readonly number[] {
  return typeof value === 'number' ? [value] : value;
}

/** Shapes a resolved hyperparameter to broadcast against `t` [M, ...]: a Tensor [M] becomes [M, 1, ..., 1]. */
export function along(h: Resolved, t: Tensor): Resolved {
  if (typeof h === 'number' || h.ndim === 0) return h;
  return h.reshape([h.shape[0]!, ...Array<number>(t.ndim - 1).fill(1)]);
}

/** t * h, skipping the multiply when h is the number 1. */
export function scaleBy(t: Tensor, h: Resolved): Tensor {
  return h === 1 ? t : t.mul(along(h, t));
}

/** c - h for a number c, elementwise when h is a Tensor. */
export function rsub(c: number, h: Resolved): Resolved {
  return typeof h === 'number' ? c - h : h.rsub(c);
}

/** Checks that a dict of tensors has exactly the params' names and shapes. */
export function checkLike(what: string, kind: string, dict: TensorDict, params: TensorDict): void {
  const names = Object.keys(params);
  const missing = names.filter((n) => !(n in dict));
  const extra = Object.keys(dict).filter((n) => !(n in params));
  if (missing.length || extra.length) {
    const parts = [missing.length ? `missing ${missing.map((n) => `'${n}'`).join(', ')}` : '', extra.length ? `unexpected ${extra.map((n) => `'${n}'`).join(', ')}` : ''].filter(Boolean);
    throw new StateError(`${what}: ${kind} do not match the params: ${parts.join('; ')}`);
  }
  for (const n of names) {
    const a = dict[n]!, p = params[n]!;
    if (a.shape.length !== p.shape.length || a.shape.some((d, i) => d !== p.shape[i])) {
      throw new StateError(`${what}: ${kind} '${n}' has shape ${fmtShape(a.shape)} but the param has ${fmtShape(p.shape)}`);
    }
  }
}

/** Zeros shaped like each param (the initial moments and momentum buffers). */
export function zerosLike(params: TensorDict): TensorDict {
  return Object.fromEntries(Object.entries(params).map(([n, p]) => [n, Tensor.zeros(p.shape, p.dtype)]));
}

/** Applies f to every param name, building a new dict. */
export function mapDict(params: TensorDict, f: (name: string, p: Tensor) => Tensor): TensorDict {
  return Object.fromEntries(Object.entries(params).map(([n, p]) => [n, f(n, p)]));
}
