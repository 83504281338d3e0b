// What the autodiff transforms share: tracing f on its arguments' tensor leaves, argnums, and argument checks.

import { isFloat } from '../../ir/dtype.js';
import { GradError } from '../../ir/errors.js';
import { fmtType } from '../../ir/print.js';
import { Tensor } from '../trace/tensor.js';
import { traceFunction, type TracedFunction } from '../trace/trace-fn.js';
import { countLeaves, flatten, unflatten, type TreeDef } from './pytree.js';
import { changedLeaves, leafSlots, type LeafWrite } from './write-back.js';

/** Which positional arguments a transform differentiates: one index, or an array of them (a tuple of results). */
export type Argnums = number | readonly number[];

/** The pytree structure of an array (the positional arguments are one). */
export type ArrayDef = Extract<TreeDef, { kind: 'array' }>;

/** A function's name for messages, `<anonymous>` for arrow functions without one. */
export const fnName = (fn: object): string => (fn as { name?: string }).name || '<anonymous>';

/** A traced call of f on the tensor leaves of its arguments, with writes into argument records carried out. */
export interface TracedCall {
  readonly traced: TracedFunction;
  readonly argDef: ArrayDef;
  readonly leaves: readonly unknown[];
  readonly paths: readonly string[];
  /** Leaf index (flatten order of the arguments) of each graph input, before the captures. */
  readonly inputLeaves: readonly number[];
  /** The result's structure: the output, or [output, aux]. */
  readonly resultDef: TreeDef;
  readonly nResult: number;
  /** Leaf indices of the arguments that f replaced in their records (graph outputs after the result's). */
  readonly writes: readonly number[];
}

/**
 * Traces f on symbolic stand-ins for every tensor leaf of `args` (other leaves are passed as they are).
 * The graph's outputs are the result's leaves, then the tensors f wrote into argument records.
 */
export function traceCall(label: string, f: (...args: never[]) => unknown, args: readonly unknown[], check: (result: unknown) => void): TracedCall {
  const flat = flatten([...args]);
  const inputLeaves = flat.leaves.map((l, i) => (l instanceof Tensor ? i : -1)).filter((i) => i >= 0);
  const specs = inputLeaves.map((i) => {
    const t = flat.leaves[i] as Tensor;
    return { name: `arg.${flat.paths[i]}`, shape: t.shape, dtype: t.dtype };
  });
  let writes: LeafWrite[] = [];
  const traced = traceFunction(label, specs, (symbolic) => {
    const rebuilt = [...flat.leaves];
    inputLeaves.forEach((li, k) => (rebuilt[li] = symbolic[k]));
    const tree = unflatten(flat.def, rebuilt) as never[];
    const slots = leafSlots(flat.def, tree);
    const result = f(...tree);
    check(result);
    writes = changedLeaves(slots, rebuilt);
    return [result, writes.map((w) => w.value)];
  });
  const resultDef = (traced.outTree as ArrayDef).children[0]!;
  return {
    traced, argDef: flat.def as ArrayDef, leaves: flat.leaves, paths: flat.paths, inputLeaves, resultDef,
    nResult: countLeaves(resultDef), writes: writes.map((w) => w.index),
  };
}

/** The range of leaf indices that belong to each positional argument. */
export function argLeafRanges(def: ArrayDef): [number, number][] {
  let start = 0;
  return def.children.map((c) => {
    const n = countLeaves(c);
    const r: [number, number] = [start, start + n];
    start += n;
    return r;
  });
}

/** The leaf indices of the arguments in `argnums`, in argnums order. */
export function argnumLeaves(def: ArrayDef, argnums: readonly number[]): number[] {
  const ranges = argLeafRanges(def);
  return argnums.flatMap((a) => {
    const [s, e] = ranges[a]!;
    return Array.from({ length: e - s }, (_, k) => s + k);
  });
}

/** Validates argnums as torch.func does (in range, negative from the end, unique, non-empty) and normalises them. */
export function normArgnums(head: string, argnums: Argnums, nargs: number): number[] {
  const list = typeof argnums === 'number' ? [argnums] : [...argnums];
  if (list.length === 0) throw new GradError(`${head}: argnums must be non-empty`);
  const out = list.map((a) => {
    if (!Number.isInteger(a) || a < -nargs || a >= nargs) throw new GradError(`${head}: Got argnums=${a}, but only ${nargs} positional inputs were given (expected ${-nargs} <= argnum < ${nargs})`);
    return a < 0 ? a + nargs : a;
  });
  if (new Set(out).size !== out.length) throw new GradError(`${head}: argnums must be unique, got ${JSON.stringify(list)}`);
  return out;
}

/** Checks that every leaf of the differentiated arguments is a floating-point Tensor. */
export function checkDifferentiable(head: string, leaves: readonly unknown[], paths: readonly string[], indices: readonly number[]): void {
  for (const i of indices) {
    const l = leaves[i];
    if (!(l instanceof Tensor)) throw new GradError(`${head}: the input at ${paths[i]} is ${l === null ? 'null' : typeof l}, but every leaf of a differentiated argument must be a Tensor`);
    if (!isFloat(l.dtype)) {
      throw new GradError(`${head}: the input at ${paths[i]} is ${fmtType(l.dtype, l.shape)}; only floating-point tensors can be differentiated (pass integer tensors such as labels in an argument that is not differentiated)`);
    }
  }
}

/** Splits f's result into [output, aux] when hasAux, checking that it is a pair. */
export function splitAux(head: string, result: unknown, hasAux: boolean): [unknown, unknown] {
  if (!hasAux) return [result, undefined];
  if (!Array.isArray(result) || result.length !== 2) throw new GradError(`${head}: with hasAux the function must return [output, aux], got ${Array.isArray(result) ? `an array of length ${result.length}` : describe(result)}`);
  return [result[0], result[1]];
}

/** A value's kind for messages: `a Tensor f32[3]`, `null`, `number`. */
export function describe(v: unknown): string {
  if (v instanceof Tensor) return `a Tensor ${fmtType(v.dtype, v.shape)}`;
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}
