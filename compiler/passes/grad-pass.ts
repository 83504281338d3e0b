// The grad pass: reverse-mode autodiff as a Graph -> Graph transform that computes a vector-Jacobian product.

import { isFloat } from '../../ir/dtype.js';
import { GradError } from '../../ir/errors.js';
import { asNode, makeNode, topoSort, type Graph, type Node, type NodeOf } from '../../ir/node.js';
import { fmtType } from '../../ir/print.js';
import { shapesEqual } from '../../ir/shape.js';
import { fill, type GradContext } from './grad-context.js';
import { gradRule, type GradRule } from './grad-rules.js';

/** Options of gradPass: what to differentiate with respect to, and which outputs. */
export interface GradPassOptions {
  /** The graph inputs to differentiate with respect to (indices into graph.inputs; float only). */
  readonly wrt: readonly number[];
  /** The outputs that are differentiated (indices into graph.outputs; float only). Others pass through. */
  readonly of: readonly number[];
  /**
   * 'input': each differentiated output gets a cotangent, a new graph input `cotangent.<k>` appended
   * after the original inputs. 'ones': every cotangent is ones (the gradient of a scalar or of a sum).
   */
  readonly seed: 'input' | 'ones';
}

/**
 * Returns a graph with inputs [...graph.inputs, ...cotangents] and outputs [...graph.outputs, one
 * gradient per `wrt` input, in order]. The forward nodes are shared, not copied (nodes are
 * immutable), so the forward computes once and the backward reads its values.
 *
 * Only nodes that are floating point and depend on a `wrt` input carry cotangents ("active"); the
 * others are constants to the gradient. A `wrt` input the outputs do not depend on gets zeros.
 */
export function gradPass(graph: Graph, options: GradPassOptions): Graph {
  const { wrt, of } = options;
  checkIndices('wrt', wrt, graph.inputs.length, 'input');
  checkIndices('of', of, graph.outputs.length, 'output');
  for (const i of wrt) {
    const inp = graph.inputs[i]!;
    if (!isFloat(inp.dtype)) throw new GradError(`grad pass: cannot differentiate with respect to input %${inp.params.name} of type ${fmtType(inp.dtype, inp.shape)}; only floating-point inputs have gradients`);
  }
  for (const k of of) {
    const out = graph.outputs[k]!;
    if (!isFloat(out.dtype)) throw new GradError(`grad pass: output ${k} is ${fmtType(out.dtype, out.shape)}; only floating-point outputs can be differentiated`);
  }

  const order = topoSort(graph);
  const active = new Set<number>(wrt.map((i) => graph.inputs[i]!.id));
  for (const n of order) {
    if (n.op !== 'input' && isFloat(n.dtype) && n.inputs.some((x) => active.has(x.id))) active.add(n.id);
  }

  let current: Node | undefined;
  const ctx: GradContext = {
    emit: (op, ins, params, leaf) => asNode(makeNode(op, ins, params, leaf, current?.loc)),
  };
  const cts = new Map<number, Node>();
  const accumulate = (target: Node, ct: Node): void => {
    const prev = cts.get(target.id);
    cts.set(target.id, prev ? ctx.emit('add', [prev, ct], {}) : ct);
  };

  const names = new Set(graph.inputs.map((i) => i.params.name));
  const cotangentInputs: NodeOf<'input'>[] = [];
  of.forEach((k, j) => {
    const out = graph.outputs[k]!;
    let seed: Node;
    if (options.seed === 'input') {
      const name = `cotangent.${j}`;
      if (names.has(name)) throw new GradError(`grad pass: the graph already has an input named %${name}`);
      const inp = makeNode('input', [], { name }, { shape: out.shape, dtype: out.dtype });
      cotangentInputs.push(inp);
      seed = asNode(inp);
    } else {
      seed = fill(ctx, out.shape, 1, out.dtype);
    }
    if (active.has(out.id)) accumulate(out, seed);
  });

  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    const ct = cts.get(node.id);
    if (!ct || node.op === 'input' || !active.has(node.id)) continue;
    current = node;
    const needs = node.inputs.map((x) => active.has(x.id));
    const rule = gradRule(node.op) as GradRule<typeof node.op>;
    const grads = (rule as (c: GradContext, n: Node, g: Node, w: readonly boolean[]) => readonly (Node | null)[])(ctx, node, ct, needs);
    if (grads.length !== node.inputs.length) {
      throw new GradError(`grad pass: the ${node.op} rule returned ${grads.length} cotangents for ${node.inputs.length} operands`);
    }
    node.inputs.forEach((x, k) => {
      const g = grads[k];
      if (!needs[k] || !g) return;
      if (!shapesEqual(g.shape, x.shape) || g.dtype !== x.dtype) {
        throw new GradError(`grad pass: the ${node.op} rule gave operand ${k} a cotangent ${fmtType(g.dtype, g.shape)}, but the operand is ${fmtType(x.dtype, x.shape)}`);
      }
      accumulate(x, g);
    });
  }
  current = undefined;

  const grads = wrt.map((i) => {
    const inp = graph.inputs[i]!;
    return cts.get(inp.id) ?? fill(ctx, inp.shape, 0, inp.dtype);
  });
  return { inputs: [...graph.inputs, ...cotangentInputs], outputs: [...graph.outputs, ...grads] };
}

function checkIndices(what: string, idx: readonly number[], n: number, kind: string): void {
  const seen = new Set<number>();
  for (const i of idx) {
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new GradError(`grad pass: ${what} index ${i} is out of range for a graph with ${n} ${kind}s`);
    if (seen.has(i)) throw new GradError(`grad pass: ${what} lists ${kind} ${i} twice`);
    seen.add(i);
  }
}
