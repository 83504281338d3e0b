// The vocabulary of fuzz steps: values known by shape while planning, drafts of instructions, and choice helpers.

import type { DType } from '../../ir/dtype.js';
import { broadcastShapes, numelOf } from '../../ir/shape.js';
import type { nn, Tensor } from '../../index.js';
import type { Step } from './program.js';

/** The largest per-member value a step may make (keeps WebGPU on Mesa fast). */
export const MAX_NUMEL = 384;

/** A value of the program as the planner sees it: its type and what the backends must agree on. */
export interface Val {
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Every backend must compute it bit for bit: data, or ops that only move, select or compare data. */
  readonly exact: boolean;
  /** Holds integers (an integer dtype, or floats holding small integers). */
  readonly intValued: boolean;
  /** Index values: every element lies in [0, bound). */
  readonly bound?: number;
}

/** How a parameter or buffer of a step is initialised in each member. */
export type Init = 'randn' | 'small_int' | 'mask' | 'positive';

export interface StateDecl {
  readonly kind: 'param' | 'buffer';
  readonly shape: readonly number[];
  readonly init: Init;
}

/** What a step instance reads at run time: its own submodule and its own parameters/buffers (swapped by functionalCall). */
export interface Slots {
  readonly layer: nn.Module | undefined;
  readonly state: readonly Tensor[];
}

/** One instruction of a planned program. */
export interface Draft {
  readonly label: string;
  /** Indices of the values it reads. */
  readonly operands: readonly number[];
  /** Makes this step's submodule; called once per member, so each gets its own parameters. */
  readonly layer?: () => nn.Module;
  readonly state?: readonly StateDecl[];
  readonly run: (slots: Slots, ins: readonly Tensor[]) => Tensor;
  readonly exact?: boolean;
  readonly intValued?: boolean;
  readonly bound?: number;
  /** Draws random numbers when run (dropout in training mode, rand, randn). */
  readonly random?: boolean;
}

export interface PlanCtx {
  readonly vals: readonly Val[];
  readonly mode: 'eval' | 'train';
  readonly randomness: 'error' | 'same' | 'different';
  /** How many random steps are planned so far. */
  readonly randomSteps: number;
}

export interface Template {
  readonly name: string;
  readonly make: (c: PlanCtx, s: Step) => Draft | undefined;
}

export const isFloatVal = (v: Val): boolean => v.dtype === 'f32' || v.dtype === 'f64';
export const isIntVal = (v: Val): boolean => v.dtype === 'i32' || v.dtype === 'i64';

/** Picks a value satisfying pred: choice 0 is the most recent one, so shrinking favours chains. */
export function pickVal(c: PlanCtx, choice: number, pred: (v: Val) => boolean = () => true): number {
  const cands: number[] = [];
  c.vals.forEach((v, i) => pred(v) && cands.push(i));
  if (!cands.length) return -1;
  return cands[cands.length - 1 - (choice % cands.length)]!;
}

export function pick<T>(items: readonly T[], choice: number): T {
  return items[choice % items.length]!;
}

/** The broadcast shape of a and b, or undefined when they do not broadcast or the result is too big. */
export function broadcastOk(a: readonly number[], b: readonly number[]): number[] | undefined {
  try {
    const s = broadcastShapes([a, b], 'fuzz');
    return numelOf(s) <= MAX_NUMEL ? s : undefined;
  } catch {
    return undefined;
  }
}

/** A shape that broadcasts against `shape`: drops some leading dims and sets the dims in `mask` to 1. */
export function broadcastPattern(shape: readonly number[], choice: number): number[] {
  const drop = shape.length ? choice % (shape.length + 1) : 0;
  const bits = Math.floor(choice / 4);
  return shape.slice(drop).map((d, i) => ((bits >> i) & 1 ? 1 : d));
}

/** Deterministic literal data for constants baked into a program. */
export function constData(n: number, salt: number): number[] {
  return Array.from({ length: n }, (_, i) => (((i * 7 + salt * 3) % 11) - 5) / 4);
}

export const small = (shape: readonly number[]): boolean => numelOf(shape) <= MAX_NUMEL;

export function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
  return out;
}

/** A permutation of 0..n-1 from a choice (Lehmer code). */
export function permFrom(n: number, choice: number): number[] {
  const rest = [...Array(n).keys()];
  const out: number[] = [];
  let c = choice;
  for (let k = n; k > 0; k--) {
    out.push(rest.splice(c % k, 1)[0]!);
    c = Math.floor(c / k);
  }
  return out;
}
