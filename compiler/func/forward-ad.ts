// torch.func.jvp and linearize: trace the function, run the jvp pass, apply the primal-and-tangent graph.

import { isFloat } from '../../ir/dtype.js';
import { GradError } from '../../ir/errors.js';
import { fmtType } from '../../ir/print.js';
import { fmtShape, shapesEqual } from '../../ir/shape.js';
import { splitVjp } from '../passes/grad-split.js';
import { jvpPass } from '../passes/jvp.js';
import { Tensor } from '../trace/tensor.js';
import { applyGraph } from '../trace/trace-fn.js';
import { countLeaves, flatten, fmtTreeDef, unflatten, type Flat } from './pytree.js';
import { argnumLeaves, describe, fnName, splitAux, traceCall, type ArrayDef, type TracedCall } from './traced-call.js';
import { leafSlots, writeLeaves } from './write-back.js';

/** The result of a jvp: f's output, its tangent (same structure), and aux. */
export interface JvpParts {
  readonly output: unknown;
  readonly tangent: unknown;
  readonly aux: unknown;
}

/**
 * Checks primals against tangents as torch.func.jvp does (same structure, every leaf a floating-point
 * Tensor, same shapes) and returns the tangents converted to their primals' dtypes.
 */
function checkTangents(head: string, primals: Flat, tangents: Flat, what = 'tangents'): Tensor[] {
  if (fmtTreeDef(primals.def) !== fmtTreeDef(tangents.def)) {
    throw new GradError(
      `${head}: Expected primals and ${what} to have the same structure. For example, if primals is an array of 3 tensors, ` +
        `${what} also must be. Got primals with structure ${fmtTreeDef(primals.def)} and ${what} with structure ${fmtTreeDef(tangents.def)}`,
    );
  }
  if (primals.leaves.length === 0) throw new GradError(`${head}: Expected primals to contain at least one Tensor`);
  return primals.leaves.map((p, i) => {
    const t = tangents.leaves[i];
    const path = primals.paths[i];
    if (!(p instanceof Tensor)) throw new GradError(`${head}: Expected primals to only contain Tensors, got ${describe(p)} at ${path}`);
    if (!isFloat(p.dtype)) throw new GradError(`${head}: Expected the primal at ${path} to be floating point, but got ${fmtType(p.dtype, p.shape)} (pass integer tensors such as labels in an argument that is not differentiated, or close over them)`);
    if (!(t instanceof Tensor)) throw new GradError(`${head}: Expected ${what} to only contain Tensors, got ${describe(t)} at ${path}`);
    if (!isFloat(t.dtype)) throw new GradError(`${head}: Expected the tangent at ${path} to be floating point, but got ${fmtType(t.dtype, t.shape)}`);
    if (!shapesEqual(p.shape, t.shape)) {
      throw new GradError(`${head}: the tangent at ${path} has shape ${fmtShape(t.shape)} but its primal has shape ${fmtShape(p.shape)}; a tangent must have the size of its primal`);
    }
    return t.dtype === p.dtype ? t : t.to(p.dtype);
  });
}

/** Traces f, checking that its output (before aux) is a non-empty pytree of Tensors. */
function traceOutputs(head: string, f: (...args: never[]) => unknown, args: readonly unknown[], hasAux: boolean): { call: TracedCall; nOut: number } {
  const call = traceCall(head, f, args, (result) => {
    const [out] = splitAux(head, result, hasAux);
    const leaves = flatten(out).leaves;
    if (leaves.length === 0) throw new GradError(`${head}: Expected f to be a function that has non-empty output (got an output with no Tensors)`);
    for (const leaf of leaves) if (!(leaf instanceof Tensor)) throw new GradError(`${head}: expected f(*args) to return only tensors, got ${describe(leaf)}${hasAux ? '' : ' (use hasAux to return other values)'}`);
  });
  const outDef = hasAux ? (call.resultDef as ArrayDef).children[0]! : call.resultDef;
  return { call, nOut: countLeaves(outDef) };
}

/**
 * The jvp of f at `args` in the directions `tangents` for the arguments in `argnums` (all when null;
 * `tangents` is an array with one tree per differentiated argument). The other arguments are passed
 * as they are: integer labels, non-tensors, and tensors held constant (torch's _jvp_with_argnums).
 */
export function jvpWithArgnums(head: string, f: (...args: never[]) => unknown, args: readonly unknown[], tangents: unknown, argnums: readonly number[] | null, hasAux: boolean): JvpParts {
  const argDef = flatten([...args]).def as ArrayDef;
  const which = argnums ?? argDef.children.map((_, a) => a);
  const typed = checkTangents(head, flatten(which.map((a) => args[a])), flatten(tangents));
  const { call, nOut } = traceOutputs(head, f, args, hasAux);
  const graph = call.traced.graph;
  const wrt = argnumLeaves(argDef, which).map((li) => call.inputLeaves.indexOf(li));
  const jvpGraph = jvpPass(graph, { wrt, of: Array.from({ length: nOut }, (_, k) => k) });
  const outs = applyGraph(jvpGraph, [...call.inputLeaves.map((i) => call.leaves[i] as Tensor), ...call.traced.captures, ...typed]);
  const nFwd = graph.outputs.length;
  writeLeaves(leafSlots(call.argDef, args), call.writes, outs.slice(call.nResult, nFwd));
  const [output, aux] = splitAux(head, unflatten(call.resultDef, outs.slice(0, call.nResult)), hasAux);
  return { output, aux, tangent: unflatten(flatten(output).def, outs.slice(nFwd)) };
}

/**
 * torch.func.jvp: runs f on the primals and returns [output, jvpOut], the output and its directional
 * derivative along `tangents` (the Jacobian of f at the primals times the tangents), shaped like the
 * output; with hasAux, f returns [output, aux] and the result is [output, jvpOut, aux]. `primals` is
 * the array of f's arguments (pytrees of floating-point tensors, e.g. a params dict) and `tangents`
 * has the same structure and shapes. Forward and tangent run as one graph, in one pass over f.
 */
export function jvp<A extends unknown[], O>(f: (...args: A) => O, primals: A, tangents: A, options?: { hasAux?: false }): [O, O];
export function jvp<A extends unknown[], O, X>(f: (...args: A) => readonly [O, X], primals: A, tangents: A, options: { hasAux: true }): [O, O, X];
export function jvp(f: (...args: never[]) => unknown, primals: unknown[], tangents: unknown[], options: { hasAux?: boolean } = {}): [unknown, unknown, unknown?] {
  const head = `jvp(${fnName(f)}, primals, tangents)`;
  if (!Array.isArray(primals)) throw new GradError(`${head}: Expected primals to be an array (torch's tuple) of f's arguments, got ${describe(primals)}. E.g. it should be valid to call f(...primals)`);
  const hasAux = options.hasAux ?? false;
  const r = jvpWithArgnums(head, f, primals, tangents, null, hasAux);
  return hasAux ? [r.output, r.tangent, r.aux] : [r.output, r.tangent];
}

/** The Jacobian-vector product at the primals linearize was given: tangents in, the output's tangent out. */
export type JvpFn<A extends unknown[] = unknown[], O = unknown> = (...tangents: A) => O;

/**
 * torch.func.linearize: runs f on the primals once and returns [output, jvpFn]; jvpFn(...tangents)
 * is jvp(f, primals, tangents)[1] without running f again. The jvp graph is split where the tangents
 * enter: the forward computes the output and the values the tangent part reads (residuals), and
 * jvpFn replays only the tangent part, which is linear in the tangents (and vmaps like any function).
 */
export function linearize<A extends unknown[], O>(f: (...args: A) => O, ...primals: A): [O, JvpFn<A, O>];
export function linearize(f: (...args: never[]) => unknown, ...primals: unknown[]): [unknown, JvpFn] {
  const head = `linearize(${fnName(f)}, *primals)`;
  const pFlat = flatten(primals);
  checkTangents(head, pFlat, pFlat);
  const { call, nOut } = traceOutputs(head, f, primals, false);
  const graph = call.traced.graph;
  const jvpGraph = jvpPass(graph, { wrt: call.inputLeaves.map((_, k) => k), of: Array.from({ length: nOut }, (_, k) => k) });
  const split = splitVjp(jvpGraph, graph.inputs.length, graph.outputs.length);
  const outs = applyGraph(split.forward, [...call.inputLeaves.map((i) => call.leaves[i] as Tensor), ...call.traced.captures]);
  writeLeaves(leafSlots(call.argDef, primals), call.writes, outs.slice(call.nResult, graph.outputs.length));
  const residuals = outs.slice(graph.outputs.length);
  const output = unflatten(call.resultDef, outs.slice(0, call.nResult));
  const jvpFn: JvpFn = (...tangents: unknown[]) => {
    const typed = checkTangents(`${head} jvpFn(*tangents)`, pFlat, flatten(tangents));
    return unflatten(call.resultDef, applyGraph(split.backward, [...residuals, ...typed]));
  };
  return [output, jvpFn];
}
