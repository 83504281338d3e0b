// initEnsemble: stacked params and buffers for M freshly initialised members, one seed per member.

import { allocArray, type DType, type TypedArray } from '../../ir/dtype.js';
import { StateError } from '../../ir/errors.js';
import { fmtShape, shapesEqual } from '../../ir/shape.js';
import { withInitSeed } from '../nn/init.js';
import type { Module } from '../nn/module.js';
import { Tensor } from '../trace/tensor.js';
import type { StackedState } from './stack.js';

/** Options of initEnsemble: per-member seeds and constructor arguments. */
export interface InitEnsembleOptions<A extends unknown[]> {
  /** Member i is initialised from seed + i (default seed 0). */
  readonly seed?: number;
  /** Explicit per-member seeds instead (length M). */
  readonly seeds?: readonly number[];
  /** Constructor arguments, the same for every member. */
  readonly args?: A;
}

/** What initEnsemble returns: the stacked state, a module to call, and each member's seed. */
export interface Ensemble<T extends Module> extends StackedState {
  /** A module of the class to call with functionalCall; it holds member 0's initial values. */
  readonly model: T;
  /** The seed each member was initialised from. */
  readonly seeds: readonly number[];
}

/** The per-member seeds: (seed + i) mod 2^32, or the given list. */
export function memberSeeds(count: number, options: { seed?: number; seeds?: readonly number[] }): number[] {
  if (!Number.isInteger(count) || count < 1) throw new StateError(`initEnsemble: the ensemble size must be a positive integer, got ${count}`);
  if (options.seeds) {
    if (options.seeds.length !== count) throw new StateError(`initEnsemble: got ${options.seeds.length} seeds for ${count} members`);
    return [...options.seeds];
  }
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new StateError(`initEnsemble: seed must be an integer, got ${seed}`);
  return Array.from({ length: count }, (_, i) => (seed + i) >>> 0);
}

interface Slot {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly data: TypedArray;
  readonly size: number;
}

function allocate(count: number, named: readonly [string, Tensor][]): Slot[] {
  return named.map(([name, t]) => ({ name, shape: t.shape, dtype: t.dtype, data: allocArray(t.dtype, t.numel() * count), size: t.numel() }));
}

function copyMember(kind: string, cls: string, slots: readonly Slot[], named: readonly [string, Tensor][], i: number): void {
  if (named.length !== slots.length || named.some(([n], k) => n !== slots[k]!.name)) {
    throw new StateError(`initEnsemble: member ${i} of ${cls} has ${kind}s [${named.map(([n]) => n).join(', ')}] but member 0 has [${slots.map((s) => s.name).join(', ')}]; the constructor must build the same structure for every seed`);
  }
  named.forEach(([name, t], k) => {
    const s = slots[k]!;
    if (!shapesEqual(t.shape, s.shape) || t.dtype !== s.dtype) throw new StateError(`initEnsemble: ${kind} '${name}' of member ${i} is ${t.dtype}${fmtShape(t.shape)} but member 0 has ${s.dtype}${fmtShape(s.shape)}`);
    (s.data as Float32Array).set(t.data as Float32Array, i * s.size);
  });
}

const finish = (slots: readonly Slot[], count: number): Record<string, Tensor> =>
  Object.fromEntries(slots.map((s) => [s.name, Tensor._concrete(s.data, [count, ...s.shape], s.dtype)]));

/**
 * Stacked parameters and buffers ([M, ...]) for `count` members of ModelClass, member i initialised
 * exactly as `withInitSeed(seeds[i], () => new ModelClass(...args))` would be, with seeds[i] = seed + i
 * unless `seeds` is given. The result plugs into vmap(functionalCall(model, ...)) and the optimizers.
 *
 * What "without building M modules" means here (functorch#909): in this codebase a module's initial
 * values are whatever its constructor draws from the init generator, layer by layer (custom inits in
 * user constructors included), so the only faithful way to get member i's values is to run the
 * constructor under member i's seed. What is avoided is keeping M modules and then stacking them:
 * the stacked storage is allocated once, each member is constructed, copied straight into its row and
 * dropped before the next, so at most the template and one member exist besides the stacked tensors
 * (peak memory about the stack plus two members, not twice the stack).
 */
export function initEnsemble<T extends Module, A extends unknown[] = []>(
  ModelClass: new (...args: A) => T,
  count: number,
  options: InitEnsembleOptions<A> = {},
): Ensemble<T> {
  const seeds = memberSeeds(count, options);
  const args = (options.args ?? []) as A;
  const cls = ModelClass.name || 'the model';
  const model = withInitSeed(seeds[0]!, () => new ModelClass(...args));
  const params0 = model.namedParameters();
  const buffers0 = model.namedBuffers();
  const paramSlots = allocate(count, params0);
  const bufferSlots = allocate(count, buffers0);
  copyMember('parameter', cls, paramSlots, params0, 0);
  copyMember('buffer', cls, bufferSlots, buffers0, 0);
  for (let i = 1; i < count; i++) {
    const member = withInitSeed(seeds[i]!, () => new ModelClass(...args));
    copyMember('parameter', cls, paramSlots, member.namedParameters(), i);
    copyMember('buffer', cls, bufferSlots, member.namedBuffers(), i);
  }
  return { params: finish(paramSlots, count), buffers: finish(bufferSlots, count), model, seeds };
}
