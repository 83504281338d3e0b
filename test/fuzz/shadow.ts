// The f64 shadow of a graph: every f32 node recomputed in f64, so a comparison knows how much f32 rounding a result carries.

import { convertArray, dtypeOfArray, type DType, type TypedArray } from '../../ir/dtype.js';
import { asNode, makeNode, topoSort, type Graph, type Node, type NodeOf } from '../../ir/node.js';
import { OP_KIND } from '../../ir/op.js';
import { runGraph } from '../../runtime/reference/interpreter.js';

const up = (d: DType): DType => (d === 'f32' ? 'f64' : d);

/** The same graph with f32 replaced by f64 everywhere (inputs, casts, constants, one_hot, leaves). */
export function promoteToF64(graph: Graph): Graph {
  const env = new Map<number, Node>();
  const inputs: NodeOf<'input'>[] = graph.inputs.map((inp) => {
    const n = makeNode('input', [], { name: inp.params.name }, { shape: inp.shape, dtype: up(inp.dtype) });
    env.set(inp.id, asNode(n));
    return n;
  });
  for (const node of topoSort(graph)) {
    if (env.has(node.id)) continue;
    let params: object = node.params;
    if (node.op === 'cast') params = { to: up(node.params.to) };
    if (node.op === 'one_hot') params = { ...node.params, dtype: up(node.params.dtype) };
    if (node.op === 'constant' && node.dtype === 'f32') params = { data: convertArray(node.params.data, 'f64') };
    const leaf = OP_KIND[node.op] === 'leaf' ? { shape: node.shape, dtype: up(node.dtype) } : undefined;
    env.set(node.id, asNode(makeNode(node.op, node.inputs.map((i) => env.get(i.id)!), params as never, leaf)));
  }
  return { inputs, outputs: graph.outputs.map((o) => env.get(o.id)!) };
}

/** Runs the f64 shadow of `graph` on `inputs` (any dtypes; f32 ones are widened). */
export function runShadow(graph: Graph, inputs: readonly TypedArray[], seed: number): TypedArray[] {
  const g = promoteToF64(graph);
  return runGraph(g, inputs.map((a) => (dtypeOfArray(a) === 'f32' ? convertArray(a, 'f64') : a)), { seed });
}
