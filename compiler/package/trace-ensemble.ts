// Traces vmap(functionalCall(model)) over the stacked state into one graph whose inputs carry state-dict and input names.

import type { DType } from '../../ir/dtype.js';
import { ShapeError, TraceError } from '../../ir/errors.js';
import type { Graph } from '../../ir/node.js';
import { fmtShape } from '../../ir/shape.js';
import { functionalCall } from '../func/functional-call.js';
import { flatten, type TreeDef } from '../func/pytree.js';
import type { StackedState } from '../func/stack.js';
import { vmap } from '../func/vmap.js';
import type { Module } from '../nn/module.js';
import type { Tensor } from '../trace/tensor.js';
import { traceFunction } from '../trace/trace-fn.js';

/** An input of the package's `run`: its full shape (with the member axis at inDim when it has one). */
export interface InputDecl {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** null: shared by every member; a number: the member axis. */
  readonly inDim: number | null;
}

export interface TracedEnsemble {
  /** Inputs: parameters, then buffers, then the declared inputs; one output per result leaf. */
  readonly graph: Graph;
  readonly outTree: TreeDef;
  readonly paramNames: readonly string[];
  readonly bufferNames: readonly string[];
  /** Each output's name: its path in forward's result (`output` for a single tensor). */
  readonly outputNames: readonly string[];
}

/** Names of state and inputs share the graph's input namespace: they must not collide. */
function checkNames(state: StackedState, inputs: readonly InputDecl[], members: number): void {
  const taken = new Set([...Object.keys(state.params), ...Object.keys(state.buffers)]);
  for (const name of taken) {
    if (name.includes('/')) throw new ShapeError(`state name '${name}' contains '/', which packages reserve for plan constants`);
  }
  for (const i of inputs) {
    if (taken.has(i.name)) throw new ShapeError(`input '${i.name}' has the name of a parameter or buffer of the model; give it another name`);
    taken.add(i.name);
    if (i.inDim !== null && i.shape[i.inDim] !== members) {
      throw new ShapeError(`input '${i.name}' ${fmtShape(i.shape)} has member axis ${i.inDim} of size ${i.shape[i.inDim]}, but the ensemble has ${members} members`);
    }
  }
}

/**
 * The traced function of the whole ensemble: every member's forward on its slice of the inputs, stacked
 * on axis 0. With chunkSize, members run in chunks of that many (so stacked weights too large for one
 * device binding are split where the chunks slice them).
 */
export function traceEnsemble(model: Module, state: StackedState, inputs: readonly InputDecl[], members: number, label: string, chunkSize?: number): TracedEnsemble {
  checkNames(state, inputs, members);
  const paramNames = Object.keys(state.params);
  const bufferNames = Object.keys(state.buffers);
  const member = (p: Record<string, Tensor>, b: Record<string, Tensor>, ...xs: Tensor[]): unknown => functionalCall(model, [p, b], xs);
  const ensemble = vmap(member, [0, 0, ...inputs.map((i) => i.inDim)], 0, chunkSize === undefined ? {} : { chunkSize });
  const specs = [
    ...paramNames.map((n) => ({ name: n, shape: state.params[n]!.shape, dtype: state.params[n]!.dtype })),
    ...bufferNames.map((n) => ({ name: n, shape: state.buffers[n]!.shape, dtype: state.buffers[n]!.dtype })),
    ...inputs.map((i) => ({ name: i.name, shape: i.shape, dtype: i.dtype })),
  ];
  const traced = traceFunction(label, specs, (ts) => {
    const p = Object.fromEntries(paramNames.map((n, i) => [n, ts[i]!]));
    const b = Object.fromEntries(bufferNames.map((n, i) => [n, ts[paramNames.length + i]!]));
    return ensemble(p, b, ...ts.slice(paramNames.length + bufferNames.length));
  });
  if (traced.captures.length) throw new TraceError(`${label}: the build was started inside a transform (vmap, grad or a trace) and closed over its tensors; build packages at top level`);
  const flat = flatten(unflattenShape(traced.outTree));
  const outputNames = flat.paths.map((p) => (p === 'arg' ? 'output' : p));
  return { graph: traced.graph, outTree: traced.outTree, paramNames, bufferNames, outputNames };
}

/** A tree of placeholders with the traced structure, to name its leaves by path. */
function unflattenShape(def: TreeDef): unknown {
  switch (def.kind) {
    case 'leaf': return 0;
    case 'array': return def.children.map(unflattenShape);
    case 'record': return Object.fromEntries(def.keys.map((k, i) => [k, unflattenShape(def.children[i]!)]));
    default: return def satisfies never;
  }
}
