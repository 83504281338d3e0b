// The one node type of the IR, the Graph that holds them, and node construction with shape inference.

import type { DType } from './dtype.js';
import { ShapeError, formatLoc, type SourceLoc } from './errors.js';
import { inferNode } from './infer.js';
import type { Op } from './op.js';
import type { OpParams } from './params.js';

export interface NodeOf<O extends Op> {
  /** Unique for the process; the printer renumbers, so ids never appear in printed IR. */
  readonly id: number;
  readonly op: O;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly inputs: readonly Node[];
  readonly params: Readonly<OpParams[O]>;
  readonly loc?: SourceLoc;
}

/** A node of any op; narrowing on `op` narrows `params`. */
export type Node = { [O in Op]: NodeOf<O> }[Op];

export interface Graph {
  readonly inputs: readonly NodeOf<'input'>[];
  readonly outputs: readonly Node[];
}

let nextId = 0;

export interface LeafType {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/**
 * Makes a node, inferring its shape and dtype. Leaf ops (input, constant, full, rand) take their
 * type from `leaf`; any other op's type comes from the inference table, which throws a ShapeError.
 */
export function makeNode<O extends Op>(
  op: O,
  inputs: readonly Node[],
  params: OpParams[O],
  leaf?: LeafType,
  loc?: SourceLoc,
): NodeOf<O> {
  let type: LeafType;
  try {
    type = inferNode(op, inputs, params, leaf);
  } catch (e) {
    if (e instanceof ShapeError && loc) throw new ShapeError(e.message + formatLoc(loc));
    throw e;
  }
  const node: NodeOf<O> = {
    id: nextId++,
    op,
    dtype: type.dtype,
    shape: Object.freeze([...type.shape]),
    inputs: Object.freeze([...inputs]),
    params: Object.freeze(params),
    ...(loc ? { loc } : {}),
  };
  return Object.freeze(node);
}

export function asNode<O extends Op>(n: NodeOf<O>): Node {
  return n as unknown as Node;
}

export function isOpNode<O extends Op>(n: Node, op: O): n is Node & NodeOf<O> {
  return n.op === op;
}

/** Every node reachable from the outputs, inputs first, in a deterministic topological order. */
export function topoSort(graph: Graph): Node[] {
  const done = new Set<number>();
  const order: Node[] = [];
  for (const inp of graph.inputs) {
    done.add(inp.id);
    order.push(asNode(inp));
  }
  // Iterative post-order DFS so deep graphs cannot overflow the stack. The stack is always a
  // path from a root, so in a DAG a node is never on it twice.
  for (const root of graph.outputs) {
    if (done.has(root.id)) continue;
    const stack: [Node, number][] = [[root, 0]];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const node = top[0];
      if (top[1] < node.inputs.length) {
        const child = node.inputs[top[1]++]!;
        if (!done.has(child.id)) stack.push([child, 0]);
      } else {
        stack.pop();
        if (!done.has(node.id)) {
          done.add(node.id);
          order.push(node);
        }
      }
    }
  }
  return order;
}

/** How many nodes use each node (counting each output slot as one use). */
export function useCounts(order: readonly Node[], outputs: readonly Node[]): Map<number, number> {
  const uses = new Map<number, number>();
  for (const n of order) for (const i of n.inputs) uses.set(i.id, (uses.get(i.id) ?? 0) + 1);
  for (const o of outputs) uses.set(o.id, (uses.get(o.id) ?? 0) + 1);
  return uses;
}

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
