// Splits a vjp graph into a forward graph that also returns residuals and a backward graph that reads them.

import { GradError } from '../../ir/errors.js';
import { asNode, makeNode, topoSort, type Graph, type Node, type NodeOf } from '../../ir/node.js';
import { OP_KIND } from '../../ir/op.js';

export interface SplitVjp {
  /** Inputs: the primals. Outputs: the original outputs, then the residuals. */
  readonly forward: Graph;
  /** Inputs: the residuals, then the cotangents. Outputs: one gradient per differentiated input. */
  readonly backward: Graph;
  readonly numResiduals: number;
}

/**
 * `graph` is gradPass's result with seed 'input': inputs [...primals, ...cotangents], outputs
 * [...numOutputs forward outputs, ...gradients]. Nodes that depend on a cotangent form the backward;
 * the forward values they read become residuals, computed once by the forward. Random draws therefore
 * agree between the value and the gradient (dropout's mask is not drawn twice). Constants and fills
 * are shared rather than passed as residuals.
 */
export function splitVjp(graph: Graph, numPrimals: number, numOutputs: number): SplitVjp {
  const primals = graph.inputs.slice(0, numPrimals);
  const cotangents = graph.inputs.slice(numPrimals);
  const order = topoSort(graph);
  const backwardIds = new Set<number>(cotangents.map((c) => c.id));
  for (const n of order) if (n.inputs.some((x) => backwardIds.has(x.id))) backwardIds.add(n.id);
  for (const o of graph.outputs.slice(0, numOutputs)) {
    if (backwardIds.has(o.id)) throw new GradError('splitVjp: a forward output depends on a cotangent');
  }

  const residualOf = new Map<number, NodeOf<'input'>>();
  const residuals: Node[] = [];
  const shareable = (n: Node): boolean => n.op === 'constant' || n.op === 'full';
  const rebuilt = new Map<number, Node>(cotangents.map((c) => [c.id, asNode(c)]));
  const valueIn = (n: Node): Node => {
    const done = rebuilt.get(n.id);
    if (done) return done;
    if (backwardIds.has(n.id)) throw new GradError('splitVjp: backward node visited out of order');
    if (shareable(n)) return n;
    let inp = residualOf.get(n.id);
    if (!inp) {
      inp = makeNode('input', [], { name: `residual.${residuals.length}` }, { shape: n.shape, dtype: n.dtype });
      residualOf.set(n.id, inp);
      residuals.push(n);
    }
    return asNode(inp);
  };
  for (const n of order) {
    if (!backwardIds.has(n.id) || rebuilt.has(n.id)) continue;
    const leaf = OP_KIND[n.op] === 'leaf' ? { shape: n.shape, dtype: n.dtype } : undefined;
    rebuilt.set(n.id, asNode(makeNode(n.op, n.inputs.map(valueIn), n.params as never, leaf, n.loc)));
  }
  const gradOutputs = graph.outputs.slice(numOutputs).map(valueIn);
  return {
    forward: { inputs: primals, outputs: [...graph.outputs.slice(0, numOutputs), ...residuals] },
    backward: { inputs: [...residuals.map((r) => residualOf.get(r.id)!), ...cotangents], outputs: gradOutputs },
    numResiduals: residuals.length,
  };
}
