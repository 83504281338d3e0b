// The vmap pass: rewrites a per-member graph into one graph over all M members, rule by rule.

import { VmapError } from '../../ir/errors.js';
import { asNode, makeNode, topoSort, type Graph, type Node, type NodeOf } from '../../ir/node.js';
import { insertAxis } from '../../ir/shape.js';
import { batchRule } from './vmap-rules.js';
import { bdimAt, type BatchContext, type Batched, type Randomness } from './batching.js';

export interface VmapPassOptions {
  /** Per graph input: the axis of the batched input that indexes members, or null if shared. */
  readonly inDims: readonly (number | null)[];
  /** Per graph output: where the member axis goes (null keeps an unmapped output unmapped). */
  readonly outDims: readonly (number | null)[];
  readonly axisSize: number;
  readonly randomness: Randomness;
}

/** Batched graph inputs have the member axis inserted at their in_dim; outputs have it at out_dim. */
export function vmapPass(graph: Graph, options: VmapPassOptions): Graph {
  const { inDims, outDims, axisSize } = options;
  if (inDims.length !== graph.inputs.length) throw new VmapError(`vmap pass: ${inDims.length} in_dims for ${graph.inputs.length} inputs`);
  if (outDims.length !== graph.outputs.length) throw new VmapError(`vmap pass: ${outDims.length} out_dims for ${graph.outputs.length} outputs`);
  const env = new Map<number, Batched>();
  const inputs: NodeOf<'input'>[] = graph.inputs.map((inp, i) => {
    const d = inDims[i]!;
    const shape = d === null ? inp.shape : insertAxis(inp.shape, d, axisSize);
    const node = makeNode('input', [], { name: inp.params.name }, { shape, dtype: inp.dtype });
    env.set(inp.id, { node: asNode(node), bdim: d });
    return node;
  });
  let randKeys = 0;
  let current: Node | undefined;
  const ctx: BatchContext = {
    axisSize,
    randomness: options.randomness,
    emit: (op, ins, params, leaf) => asNode(makeNode(op, ins, params, leaf, current?.loc)),
    randKey: () => randKeys++,
  };
  for (const node of topoSort(graph)) {
    if (env.has(node.id)) continue;
    current = node;
    const args = node.inputs.map((i) => env.get(i.id)!);
    env.set(node.id, (batchRule(node.op) as (c: BatchContext, n: Node, a: readonly Batched[]) => Batched)(ctx, node, args));
  }
  current = undefined;
  const outputs = graph.outputs.map((o, i) => {
    const b = env.get(o.id)!;
    const raw = outDims[i]!;
    if (raw === null) {
      if (b.bdim !== null) throw new VmapError(`vmap: out_dims is null for output ${i}, but that output depends on a mapped input`);
      return b.node;
    }
    const rank = o.shape.length + 1;
    if (raw < -rank || raw >= rank) throw new VmapError(`vmap: out_dim ${raw} is out of range for output ${i} of rank ${rank} (expected ${-rank} <= out_dim < ${rank})`);
    return bdimAt(ctx, b, raw < 0 ? raw + rank : raw);
  });
  return { inputs, outputs };
}
