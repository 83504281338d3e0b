// torch.func.grad, valueAndGrad and vjp: trace the function, run the grad pass, apply the gradient graph.

import { isFloat } from '../../ir/dtype.js';
import { GradError } from '../../ir/errors.js';
import type { Graph } from '../../ir/node.js';
import { fmtType } from '../../ir/print.js';
import { fmtShape, shapesEqual } from '../../ir/shape.js';
import { gradPass } from '../passes/grad-pass.js';
import { splitVjp } from '../passes/grad-split.js';
import { Tensor } from '../trace/tensor.js';
import { applyGraph } from '../trace/trace-fn.js';
import { countLeaves, flatten, fmtTreeDef, unflatten } from './pytree.js';
import {
  argLeafRanges, argnumLeaves, checkDifferentiable, fnName, normArgnums, splitAux, traceCall, type ArrayDef, type Argnums,
} from './traced-call.js';
import { leafSlots, writeLeaves } from './write-back.js';

export type { Argnums };

/** Options of grad, valueAndGrad and vjp, as torch.func's. */
export interface GradOptions {
  /** Which positional arguments to differentiate (default 0). An array gives a tuple of gradients. */
  readonly argnums?: Argnums;
  /** f returns [output, aux]; aux is returned alongside and not differentiated (torch's has_aux). */
  readonly hasAux?: boolean;
}

interface GradRun {
  readonly value: unknown;
  readonly aux: unknown;
  readonly grads: unknown;
}

/** The shared core of grad and valueAndGrad. */
function runGrad(f: (...args: never[]) => unknown, options: GradOptions, args: readonly unknown[], api: string): GradRun {
  const hasAux = options.hasAux ?? false;
  const head = `${api}(${fnName(f)})(<inputs>)`;
  const argnums = normArgnums(head, options.argnums ?? 0, args.length);
  const flat = flatten([...args]);
  const ranges = argLeafRanges(flat.def as ArrayDef);
  const wrtLeaves = argnumLeaves(flat.def as ArrayDef, argnums);
  checkDifferentiable(head, flat.leaves, flat.paths, wrtLeaves);
  const call = traceCall(`${api}(${fnName(f)})`, f, args, (result) => {
    const [out] = splitAux(head, result, hasAux);
    if (!(out instanceof Tensor)) throw new GradError(`${head}: expected f(*args) to return a Tensor, got ${out === null ? 'null' : Array.isArray(out) ? 'an array' : typeof out}${hasAux ? '' : ' (use hasAux to return extra values)'}`);
    if (out.ndim !== 0) throw new GradError(`${head}: expected f(*args) to return a scalar Tensor, got ${fmtType(out.dtype, out.shape)}; reduce it (e.g. .sum() or .mean()) or use vjp`);
    if (!isFloat(out.dtype)) throw new GradError(`${head}: the output is ${out.dtype}; only floating-point outputs can be differentiated`);
  });
  const wrt = wrtLeaves.map((li) => call.inputLeaves.indexOf(li));
  const graph = gradPass(call.traced.graph, { wrt, of: [0], seed: 'ones' });
  const outs = applyGraph(graph, [...call.inputLeaves.map((i) => call.leaves[i] as Tensor), ...call.traced.captures]);
  const nOut = call.traced.graph.outputs.length;
  writeLeaves(leafSlots(call.argDef, args), call.writes, outs.slice(call.nResult, nOut));
  const result = unflatten(call.resultDef, outs.slice(0, call.nResult));
  const [value, aux] = splitAux(head, result, hasAux);
  const gradLeaves = outs.slice(nOut);
  let k = 0;
  const perArg = argnums.map((a) => {
    const [s, e] = ranges[a]!;
    const tree = unflatten(call.argDef.children[a]!, gradLeaves.slice(k, k + e - s));
    k += e - s;
    return tree;
  });
  return { value, aux, grads: typeof (options.argnums ?? 0) === 'number' ? perArg[0] : perArg };
}

/** The gradients' type: the differentiated argument's type, or a tuple of them for an array of argnums. */
export type GradsOf<A extends readonly unknown[], N> = N extends number
  ? A[N]
  : { -readonly [K in keyof N]: N[K] extends number ? A[N[K]] : never };

/**
 * torch.func.grad: a function that returns the gradient of f's scalar output with respect to the
 * arguments in `argnums`, shaped like them (records of tensors give records of gradients). With
 * hasAux, f returns [output, aux] and the result is [gradients, aux]. It composes with vmap in
 * either order and with itself (higher derivatives).
 */
export function grad<A extends unknown[], const N extends Argnums = 0>(f: (...args: A) => Tensor, options?: { argnums?: N; hasAux?: false }): (...args: A) => GradsOf<A, N>;
export function grad<A extends unknown[], X, const N extends Argnums = 0>(f: (...args: A) => readonly [Tensor, X], options: { argnums?: N; hasAux: true }): (...args: A) => [GradsOf<A, N>, X];
export function grad(f: (...args: never[]) => unknown, options: GradOptions = {}): (...args: unknown[]) => unknown {
  const g = (...args: unknown[]): unknown => {
    const r = runGrad(f, options, args, 'grad');
    return options.hasAux ? [r.grads, r.aux] : r.grads;
  };
  Object.defineProperty(g, 'name', { value: `grad(${fnName(f)})` });
  return g;
}

/**
 * The value and the gradient in one pass: returns [value, gradients], or [[value, aux], gradients]
 * with hasAux (JAX's value_and_grad order; torch.func.grad_and_value returns the pair the other way).
 */
export function valueAndGrad<A extends unknown[], const N extends Argnums = 0>(f: (...args: A) => Tensor, options?: { argnums?: N; hasAux?: false }): (...args: A) => [Tensor, GradsOf<A, N>];
export function valueAndGrad<A extends unknown[], X, const N extends Argnums = 0>(f: (...args: A) => readonly [Tensor, X], options: { argnums?: N; hasAux: true }): (...args: A) => [[Tensor, X], GradsOf<A, N>];
export function valueAndGrad(f: (...args: never[]) => unknown, options: GradOptions = {}): (...args: unknown[]) => [unknown, unknown] {
  const g = (...args: unknown[]): [unknown, unknown] => {
    const r = runGrad(f, options, args, 'valueAndGrad');
    return [options.hasAux ? [r.value, r.aux] : r.value, r.grads];
  };
  Object.defineProperty(g, 'name', { value: `valueAndGrad(${fnName(f)})` });
  return g;
}

/** Computes cotangent-weighted gradients for every primal; cotangents are shaped like the output. */
export type VjpFn<A extends unknown[] = unknown[], O = unknown> = (cotangents: O) => A;

/** The pieces of a vjp: the result, and a function from cotangents to one gradient tree per differentiated argument. */
export interface VjpParts {
  readonly output: unknown;
  readonly aux: unknown;
  /** The output's leaves, in flatten order (what the cotangents are shaped like). */
  readonly outLeaves: readonly Tensor[];
  /** Gradients of the differentiated arguments, one tree per argnum, from cotangents shaped like the output. */
  readonly pullback: (cotangents: unknown) => unknown[];
}

/**
 * vjp with respect to the arguments in `argnums` only (all of them when null); the others are passed
 * to f as they are, so they may hold integer tensors or non-tensors (torch's _vjp_with_argnums). The
 * forward runs once, here; the pullback replays the backward graph on its saved residuals.
 */
export function vjpWithArgnums(head: string, f: (...args: never[]) => unknown, args: readonly unknown[], argnums: readonly number[] | null, hasAux: boolean): VjpParts {
  const flat = flatten([...args]);
  const argDef = flat.def as ArrayDef;
  const which = argnums ?? argDef.children.map((_, a) => a);
  const wrtLeaves = argnumLeaves(argDef, which);
  checkDifferentiable(head, flat.leaves, flat.paths, wrtLeaves);
  const call = traceCall(head, f, args, (result) => {
    const [out] = splitAux(head, result, hasAux);
    for (const [i, leaf] of flatten(out).leaves.entries()) {
      if (!(leaf instanceof Tensor) || !isFloat(leaf.dtype)) {
        throw new GradError(`${head}: output leaf ${i} is ${leaf instanceof Tensor ? fmtType(leaf.dtype, leaf.shape) : typeof leaf}; every output must be a floating-point Tensor (use hasAux for other values)`);
      }
    }
  });
  const outDef = hasAux ? (call.resultDef as ArrayDef).children[0]! : call.resultDef;
  const nOut = countLeaves(outDef);
  const fwd: Graph = call.traced.graph;
  const wrt = wrtLeaves.map((li) => call.inputLeaves.indexOf(li));
  const vjpGraph = gradPass(fwd, { wrt, of: Array.from({ length: nOut }, (_, k) => k), seed: 'input' });
  const split = splitVjp(vjpGraph, fwd.inputs.length, fwd.outputs.length);
  const outs = applyGraph(split.forward, [...call.inputLeaves.map((i) => call.leaves[i] as Tensor), ...call.traced.captures]);
  writeLeaves(leafSlots(call.argDef, args), call.writes, outs.slice(call.nResult, fwd.outputs.length));
  const residuals = outs.slice(fwd.outputs.length);
  const result = unflatten(call.resultDef, outs.slice(0, call.nResult));
  const [output, aux] = splitAux(head, result, hasAux);
  const outLeaves = outs.slice(0, nOut);
  const ranges = argLeafRanges(argDef);
  const pullback = (cotangents: unknown): unknown[] => {
    const ct = flatten(cotangents);
    if (fmtTreeDef(ct.def) !== fmtTreeDef(outDef)) throw new GradError(`${head}: cotangents have structure ${fmtTreeDef(ct.def)} but the output has ${fmtTreeDef(outDef)}`);
    ct.leaves.forEach((c, i) => {
      const o = outLeaves[i]!;
      if (!(c instanceof Tensor) || !shapesEqual(c.shape, o.shape)) {
        throw new GradError(`${head}: cotangent ${ct.paths[i]} must be a Tensor of shape ${fmtShape(o.shape)} like the output, got ${c instanceof Tensor ? fmtShape(c.shape) : typeof c}`);
      }
    });
    const typed = (ct.leaves as Tensor[]).map((c, i) => (c.dtype === outLeaves[i]!.dtype ? c : c.to(outLeaves[i]!.dtype)));
    const grads = applyGraph(split.backward, [...residuals, ...typed]);
    let k = 0;
    return which.map((a) => {
      const n = ranges[a]![1] - ranges[a]![0];
      const tree = unflatten(argDef.children[a]!, grads.slice(k, k + n));
      k += n;
      return tree;
    });
  };
  return { output, aux, outLeaves, pullback };
}

/**
 * torch.func.vjp: runs f on the primals and returns [output, vjpFn] (and aux third with hasAux).
 * vjpFn(cotangents) returns one gradient per primal, shaped like it. The forward runs once: the
 * backward reads saved values, so random draws (dropout) are the same in the output and the vjp.
 */
export function vjp<A extends unknown[], O>(f: (...args: A) => O, primals: A, options?: { hasAux?: false }): [O, VjpFn<A, O>];
export function vjp<A extends unknown[], O, X>(f: (...args: A) => readonly [O, X], primals: A, options: { hasAux: true }): [O, VjpFn<A, O>, X];
export function vjp(f: (...args: never[]) => unknown, primals: unknown[], options: { hasAux?: boolean } = {}): [unknown, VjpFn, unknown?] {
  const hasAux = options.hasAux ?? false;
  const r = vjpWithArgnums(`vjp(${fnName(f)})`, f, primals, null, hasAux);
  const vjpFn: VjpFn = (cotangents: unknown) => r.pullback(cotangents);
  return hasAux ? [r.output, vjpFn, r.aux] : [r.output, vjpFn];
}
