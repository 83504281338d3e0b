// Graph rewriting: rebuild a graph bottom-up, giving each node to a list of rules until none applies.

import { asNode, makeNode, topoSort, type Graph, type LeafType, type Node, type NodeOf } from '../../ir/node.js';
import { OP_KIND, type Op } from '../../ir/op.js';
import type { OpParams } from '../../ir/params.js';

/** A rewrite rule: returns a replacement node, or undefined when it does not apply. */
export interface Rule {
  readonly name: string;
  readonly apply: (node: Node, mk: NodeMaker) => Node | undefined;
}

export type NodeMaker = <O extends Op>(op: O, inputs: readonly Node[], params: OpParams[O], leaf?: LeafType, like?: Node) => Node;

/** Structural key for hash-consing (CSE): op, params and input identities. Rand nodes are never merged. */
function structuralKey(op: Op, inputs: readonly Node[], params: object, leaf?: LeafType): string | undefined {
  if (op === 'rand' || op === 'input') return undefined;
  const p = JSON.stringify(params, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>, Number) : v));
  return `${op}|${inputs.map((i) => i.id).join(',')}|${p}|${leaf ? `${leaf.dtype}${leaf.shape.join('x')}` : ''}`;
}

/**
 * Rebuilds the graph with `rules` applied to every node (to a fixed point per node) and common
 * subexpressions merged. Inputs keep their identity, so the result has the same signature.
 */
export function rewriteGraph(graph: Graph, rules: readonly Rule[]): Graph {
  const env = new Map<number, Node>();
  const cse = new Map<string, Node>();
  const mk: NodeMaker = (op, inputs, params, leaf, like) => {
    const key = structuralKey(op, inputs, params, leaf);
    const known = key ? cse.get(key) : undefined;
    if (known) return known;
    const n = asNode(makeNode(op, inputs, params, leaf, like?.loc));
    if (key) cse.set(key, n);
    return n;
  };
  for (const inp of graph.inputs) env.set(inp.id, asNode(inp));
  for (const node of topoSort(graph)) {
    if (env.has(node.id)) continue;
    const leaf = OP_KIND[node.op] === 'leaf' ? { shape: node.shape, dtype: node.dtype } : undefined;
    let cur = mk(node.op, node.inputs.map((i) => env.get(i.id)!), node.params as never, leaf, node);
    for (let round = 0; round < 32; round++) {
      let changed = false;
      for (const rule of rules) {
        const next = rule.apply(cur, mk);
        if (next && next !== cur) {
          cur = next;
          changed = true;
          break;
        }
      }
      if (!changed) break;
    }
    env.set(node.id, cur);
  }
  return { inputs: graph.inputs as NodeOf<'input'>[], outputs: graph.outputs.map((o) => env.get(o.id)!) };
}
