// Structural and type checks on a graph; tests run it after every pass.

import { VerifyError } from './errors.js';
import { inferNode } from './infer.js';
import { topoSort, type Graph } from './node.js';
import { OP_KIND } from './op.js';
import { fmtShape, shapesEqual } from './shape.js';

/** Throws a VerifyError describing the first broken invariant; returns the graph otherwise. */
export function verifyGraph(graph: Graph, passName = 'graph'): Graph {
  const fail = (msg: string): never => {
    throw new VerifyError(`${passName}: ${msg}`);
  };
  const inputIds = new Set<number>();
  const names = new Set<string>();
  for (const inp of graph.inputs) {
    if (inp.op !== 'input') fail(`graph input is a ${inp.op as string} node`);
    if (names.has(inp.params.name)) fail(`two graph inputs are named ${inp.params.name}`);
    names.add(inp.params.name);
    inputIds.add(inp.id);
  }
  if (graph.outputs.length === 0) fail('graph has no outputs');
  const randKeys = new Set<number>();
  for (const node of topoSort(graph)) {
    if (node.op === 'input' && !inputIds.has(node.id)) fail(`input %${node.params.name} is used but is not a graph input`);
    if (node.op === 'rand') {
      if (randKeys.has(node.params.key)) fail(`two rand nodes share key ${node.params.key}`);
      randKeys.add(node.params.key);
    }
    const leaf = OP_KIND[node.op] === 'leaf' ? { shape: node.shape, dtype: node.dtype } : undefined;
    let t;
    try {
      t = inferNode(node.op, node.inputs, node.params as never, leaf);
    } catch (e) {
      fail(`${node.op} node: ${(e as Error).message}`);
    }
    if (t && (!shapesEqual(t.shape, node.shape) || t.dtype !== node.dtype)) {
      fail(`${node.op} node is typed ${node.dtype}${fmtShape(node.shape)} but infers to ${t.dtype}${fmtShape(t.shape)}`);
    }
  }
  return graph;
}
