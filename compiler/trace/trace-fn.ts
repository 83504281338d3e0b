// Tracing a function of tensors into a Graph, and replaying a Graph on tensors (eagerly or into a trace).

import { TraceError } from '../../ir/errors.js';
import type { DType } from '../../ir/dtype.js';
import { asNode, makeNode, topoSort, type Graph, type Node, type NodeOf } from '../../ir/node.js';
import { OP_KIND } from '../../ir/op.js';
import type { Shape } from '../../ir/shape.js';
import { flatten, type TreeDef } from '../func/pytree.js';
import { apply, nodeIn } from './apply.js';
import { Tensor } from './tensor.js';
import { withNewTrace } from './trace.js';

/** A graph input of traceFunction: its name, shape and dtype. */
export interface InputSpec {
  /** The input's name in the graph (`%x`). */
  readonly name: string;
  /** Its shape. */
  readonly shape: Shape;
  /** Its dtype. */
  readonly dtype: DType;
}

/** What traceFunction records: the graph, the structure of the outputs, and the outer tensors it closed over. */
export interface TracedFunction {
  /** Inputs: one per spec, then one per captured outer tensor. */
  readonly graph: Graph;
  /** The structure of the function's result (arrays and records of tensors); the graph's outputs are its leaves. */
  readonly outTree: TreeDef;
  /** Tensors from enclosing traces the function closed over, bound to the trailing graph inputs. */
  readonly captures: readonly Tensor[];
}

/**
 * Traces fn on symbolic tensors with the given specs. fn receives the tensors (in spec order) and may
 * return any pytree of tensors.
 */
export function traceFunction(label: string, specs: readonly InputSpec[], fn: (inputs: Tensor[]) => unknown): TracedFunction {
  return withNewTrace(label, (trace) => {
    const inputs = specs.map((s) => {
      const node = makeNode('input', [], { name: s.name }, { shape: s.shape, dtype: s.dtype });
      trace.inputs.push(node);
      return Tensor._symbolic(asNode(node), trace);
    });
    const result = fn(inputs);
    const flat = flatten(result);
    const outputs: Node[] = flat.leaves.map((leaf, i) => {
      if (!(leaf instanceof Tensor)) {
        throw new TraceError(`${label}: the function must return only Tensors (or arrays/records of them), got ${leaf === null ? 'null' : typeof leaf} at output ${flat.paths[i]}`);
      }
      return nodeIn(leaf, trace);
    });
    const captureInputs: NodeOf<'input'>[] = trace.captures.map((c) => c.input);
    return {
      graph: { inputs: [...trace.inputs, ...captureInputs], outputs },
      outTree: flat.def,
      captures: trace.captures.map((c) => c.outer as Tensor),
    };
  });
}

/**
 * Runs a graph on tensors through `apply`, node by node: eager on concrete tensors, recorded into the
 * enclosing trace on symbolic ones. This is how transforms (vmap, grad) compose.
 */
export function applyGraph(graph: Graph, args: readonly Tensor[]): Tensor[] {
  if (args.length !== graph.inputs.length) throw new TraceError(`applyGraph: graph takes ${graph.inputs.length} inputs, got ${args.length}`);
  const values = new Map<number, Tensor>();
  graph.inputs.forEach((inp, i) => values.set(inp.id, args[i]!));
  for (const node of topoSort(graph)) {
    if (values.has(node.id)) continue;
    if (node.op === 'input') throw new TraceError(`applyGraph: input %${node.params.name} is not a graph input`);
    if (node.op === 'constant') {
      values.set(node.id, Tensor._concrete(node.params.data, node.shape, node.dtype));
      continue;
    }
    const leaf = OP_KIND[node.op] === 'leaf' ? { shape: node.shape, dtype: node.dtype } : undefined;
    const ins = node.inputs.map((i) => values.get(i.id)!);
    values.set(node.id, apply(node.op, ins, node.params as never, leaf, node.loc));
  }
  return graph.outputs.map((o) => values.get(o.id)!);
}
