// Devices have no 64-bit integers: i64 tensors become i32 (indices and counters fit), f64 is refused.

import { convertArray } from '../../ir/dtype.js';
import { BackendError } from '../../ir/errors.js';
import { asNode, makeNode, topoSort, type Graph, type Node, type NodeOf } from '../../ir/node.js';
import { OP_KIND } from '../../ir/op.js';
import { fmtShape } from '../../ir/shape.js';

/** Rewrites every i64 node as i32. The runtime converts i64 inputs and outputs at the boundary. */
export function narrowI64(graph: Graph, target: string): Graph {
  const env = new Map<number, Node>();
  const narrow = (d: Node['dtype']): Node['dtype'] => (d === 'i64' ? 'i32' : d);
  const inputs: NodeOf<'input'>[] = graph.inputs.map((inp) => {
    if (inp.dtype === 'f64') throw new BackendError(`${target}: input '${inp.params.name}' is f64${fmtShape(inp.shape)}; devices compute in f32 (convert it with .float())`);
    const n = inp.dtype === 'i64' ? makeNode('input', [], { name: inp.params.name }, { shape: inp.shape, dtype: 'i32' }) : inp;
    env.set(inp.id, asNode(n));
    return n;
  });
  for (const node of topoSort(graph)) {
    if (env.has(node.id)) continue;
    if (node.dtype === 'f64') throw new BackendError(`${target}: a ${node.op} node computes f64${fmtShape(node.shape)}; devices compute in f32`);
    const ins = node.inputs.map((i) => env.get(i.id)!);
    let params: object = node.params;
    if (node.op === 'cast') params = { to: narrow(node.params.to) };
    if (node.op === 'one_hot') params = { ...node.params, dtype: narrow(node.params.dtype) };
    if (node.op === 'constant' && node.dtype === 'i64') params = { data: convertArray(node.params.data, 'i32') };
    const leaf = OP_KIND[node.op] === 'leaf' ? { shape: node.shape, dtype: narrow(node.dtype) } : undefined;
    env.set(node.id, asNode(makeNode(node.op, ins, params as never, leaf, node.loc)));
  }
  return { inputs, outputs: graph.outputs.map((o) => env.get(o.id)!) };
}
