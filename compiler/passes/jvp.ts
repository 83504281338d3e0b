// The jvp pass: forward-mode autodiff as a Graph -> Graph transform that computes a Jacobian-vector product.

import { isFloat } from '../../ir/dtype.js';
import { GradError } from '../../ir/errors.js';
import { asNode, makeNode, topoSort, type Graph, type Node, type NodeOf } from '../../ir/node.js';
import { fmtType } from '../../ir/print.js';
import { shapesEqual } from '../../ir/shape.js';
import { fill } from './grad-context.js';
import { jvpRule, type JvpContext, type JvpRule } from './jvp-rules.js';

/** Options of jvpPass: which inputs get tangents and which outputs' tangents are returned. */
export interface JvpPassOptions {
  /** The graph inputs that get a tangent (indices into graph.inputs; float only). Others are constants. */
  readonly wrt: readonly number[];
  /** The outputs whose tangents are returned (indices into graph.outputs; default: all of them). */
  readonly of?: readonly number[];
}

/**
 * Returns a graph with inputs [...graph.inputs, one tangent per `wrt` input, named `tangent.<k>`] and
 * outputs [...graph.outputs, one tangent per `of` output]. The forward nodes are shared (nodes are
 * immutable), so the primal and the tangent computations are one graph and fuse together.
 *
 * Nodes are visited once, in topological order. A node carries a tangent when it is floating point and
 * an operand carries one; its rule maps the operands' tangents (null: zero) to its own. An output
 * without a tangent (it does not depend on a `wrt` input, or it is an integer) gets zeros of its type,
 * as torch.func.jvp gives.
 */
export function jvpPass(graph: Graph, options: JvpPassOptions): Graph {
  const { wrt } = options;
  const of = options.of ?? graph.outputs.map((_, k) => k);
  checkIndices('wrt', wrt, graph.inputs.length, 'input');
  checkIndices('of', of, graph.outputs.length, 'output');
  const names = new Set(graph.inputs.map((i) => i.params.name));
  const tangents = new Map<number, Node>();
  const tangentInputs: NodeOf<'input'>[] = wrt.map((i, k) => {
    const inp = graph.inputs[i]!;
    if (!isFloat(inp.dtype)) throw new GradError(`jvp pass: cannot push a tangent into input %${inp.params.name} of type ${fmtType(inp.dtype, inp.shape)}; only floating-point inputs have tangents`);
    const name = `tangent.${k}`;
    if (names.has(name)) throw new GradError(`jvp pass: the graph already has an input named %${name}`);
    const t = makeNode('input', [], { name }, { shape: inp.shape, dtype: inp.dtype });
    tangents.set(inp.id, asNode(t));
    return t;
  });

  let current: Node | undefined;
  const ctx: JvpContext = {
    emit: (op, ins, params, leaf) => asNode(makeNode(op, ins, params, leaf, current?.loc)),
  };
  for (const node of topoSort(graph)) {
    if (node.op === 'input' || !isFloat(node.dtype)) continue;
    const ins = node.inputs.map((x) => tangents.get(x.id) ?? null);
    if (ins.every((t) => t === null)) continue;
    current = node;
    const rule = jvpRule(node.op) as JvpRule<typeof node.op>;
    const t = (rule as (c: JvpContext, n: Node, ts: readonly (Node | null)[]) => Node | null)(ctx, node, ins);
    if (!t) continue;
    if (!shapesEqual(t.shape, node.shape) || t.dtype !== node.dtype) {
      throw new GradError(`jvp pass: the ${node.op} rule gave a tangent ${fmtType(t.dtype, t.shape)}, but the node is ${fmtType(node.dtype, node.shape)}`);
    }
    tangents.set(node.id, t);
  }
  current = undefined;

  const outs = of.map((k) => {
    const o = graph.outputs[k]!;
    return tangents.get(o.id) ?? fill(ctx, o.shape, 0, o.dtype);
  });
  return { inputs: [...graph.inputs, ...tangentInputs], outputs: [...graph.outputs, ...outs] };
}

function checkIndices(what: string, idx: readonly number[], n: number, kind: string): void {
  const seen = new Set<number>();
  for (const i of idx) {
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new GradError(`jvp pass: ${what} index ${i} is out of range for a graph with ${n} ${kind}s`);
    if (seen.has(i)) throw new GradError(`jvp pass: ${what} lists ${kind} ${i} twice`);
    seen.add(i);
  }
}
