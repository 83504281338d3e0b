// Runs a graph on the CPU reference, node by node: the oracle every backend is compared against.

import { convertArray, dtypeOfArray, toNumbers, allocArray, type TypedArray } from '../../ir/dtype.js';
import { BackendError } from '../../ir/errors.js';
import { topoSort, type Graph, type Node } from '../../ir/node.js';
import { fmtShape, numelOf } from '../../ir/shape.js';
import { CPU_KERNELS, type EvalContext } from './kernels.js';

export type { EvalContext };

function toF64(a: TypedArray): Float64Array {
  return a instanceof Float64Array ? a : Float64Array.from(a instanceof BigInt64Array ? toNumbers(a) : a);
}

/** Rounds f64 results into the node's dtype. */
export function fromF64(values: Float64Array, node: Pick<Node, 'dtype'>): TypedArray {
  if (node.dtype === 'f64') return values;
  const out = allocArray(node.dtype, values.length);
  if (out instanceof BigInt64Array) {
    for (let i = 0; i < values.length; i++) out[i] = BigInt(Math.trunc(values[i]!));
  } else {
    out.set(values);
  }
  return out;
}

/** Evaluates one node given its inputs' values. */
export function evalNode(node: Node, inputs: readonly TypedArray[], ctx: EvalContext): TypedArray {
  const kernel = CPU_KERNELS[node.op] as (n: Node, ins: Float64Array[], c: EvalContext) => Float64Array;
  return fromF64(kernel(node, inputs.map(toF64), ctx), node);
}

/** Runs the graph; `inputs` follow graph.inputs. Intermediate values are dropped after their last use. */
export function runGraph(graph: Graph, inputs: readonly TypedArray[], ctx: EvalContext): TypedArray[] {
  if (inputs.length !== graph.inputs.length) {
    throw new BackendError(`graph takes ${graph.inputs.length} inputs, got ${inputs.length}`);
  }
  const values = new Map<number, TypedArray>();
  graph.inputs.forEach((inp, i) => {
    const v = inputs[i]!;
    if (v.length !== numelOf(inp.shape)) {
      throw new BackendError(`input %${inp.params.name} expects ${inp.dtype}${fmtShape(inp.shape)} (${numelOf(inp.shape)} elements), got ${v.length} elements`);
    }
    values.set(inp.id, dtypeOfArray(v) === inp.dtype ? v : convertArray(v, inp.dtype));
  });
  const order = topoSort(graph);
  const lastUse = new Map<number, number>();
  order.forEach((n, i) => n.inputs.forEach((x) => lastUse.set(x.id, i)));
  const keep = new Set(graph.outputs.map((o) => o.id));
  order.forEach((node, i) => {
    if (node.op !== 'input') values.set(node.id, evalNode(node, node.inputs.map((x) => values.get(x.id)!), ctx));
    for (const x of node.inputs) if (lastUse.get(x.id) === i && !keep.has(x.id)) values.delete(x.id);
  });
  return graph.outputs.map((o) => values.get(o.id)!);
}
