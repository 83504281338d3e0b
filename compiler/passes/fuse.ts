// Fusion: groups the graph's nodes into kernels (pointwise, row reduction, matmul or conv with epilogue).

import { topoSort, type Graph, type Node } from '../../ir/node.js';
import { OP_KIND, isElementwise } from '../../ir/op.js';
import { fmtType } from '../../ir/print.js';
import { numelOf, shapesEqual, type Shape } from '../../ir/shape.js';

export type GroupKind = 'pointwise' | 'row' | 'matmul' | 'conv' | 'scan';

export interface FusedGroup {
  readonly kind: GroupKind;
  /** The node this kernel writes. */
  readonly root: Node;
  /** The matmul or conv whose accumulator the epilogue (root and the nodes between) consumes. */
  readonly anchor: Node | undefined;
  /** Row kernels: the reductions, in topological order; all reduce the same axes of one shape. */
  readonly reductions: readonly Node[];
  /** Nodes computed inside this kernel (views of buffers are inlined too but not listed). */
  readonly members: ReadonlySet<number>;
  /** Materialized tensors this kernel reads: graph inputs, constants, other kernels' roots. */
  readonly reads: readonly Node[];
}

export interface FusedGraph {
  readonly graph: Graph;
  readonly groups: readonly FusedGroup[];
}

/** A tensor that lives in memory before any kernel runs. */
export function isBuffer(n: Node): boolean {
  return n.op === 'input' || (n.op === 'constant' && n.params.data.length > 1);
}

/**
 * Nodes that cost nothing to recompute: literals, random streams, and movement/index ops over such
 * nodes and buffers. They are inlined into every kernel that uses them and never materialized.
 */
function makeIsFree(): (n: Node) => boolean {
  const memo = new Map<number, boolean>();
  const isFree = (n: Node): boolean => {
    const known = memo.get(n.id);
    if (known !== undefined) return known;
    let v: boolean;
    if (isBuffer(n) || n.op === 'full' || n.op === 'rand' || n.op === 'constant') v = true;
    else if (OP_KIND[n.op] === 'movement' || OP_KIND[n.op] === 'index') v = n.inputs.every(isFree);
    else v = false;
    memo.set(n.id, v);
    return v;
  };
  return isFree;
}

interface Builder {
  kind: GroupKind;
  root: Node;
  anchor: Node | undefined;
  reductions: Node[];
  members: Set<number>;
  /** Nodes that feed the anchor's operands: only views may join there. */
  operandSide: Set<number>;
}

/** The axes a reduction node reduces (none for other ops). */
export function reduceAxes(n: Node): number[] {
  if (n.op === 'sum' || n.op === 'max' || n.op === 'prod' || n.op === 'min') return n.params.axes;
  if (n.op === 'argmax' || n.op === 'argmin') return [n.params.axis];
  return [];
}

const squeezed = (s: Shape): number[] => s.filter((d) => d !== 1);

export function fuse(graph: Graph): FusedGraph {
  const order = topoSort(graph);
  const position = new Map(order.map((n, i) => [n.id, i]));
  const consumers = new Map<number, Node[]>();
  for (const n of order) for (const i of n.inputs) consumers.set(i.id, [...(consumers.get(i.id) ?? []), n]);
  const outputs = new Set(graph.outputs.map((o) => o.id));
  const isFree = makeIsFree();
  const groupOf = new Map<number, Builder>();
  const builders: Builder[] = [];

  /** Members of g from which `node` is reachable: the epilogue path from the root down to it. */
  const ancestorsIn = (g: Builder, node: Node): { edges: [Node, Node][]; nodes: Node[] } => {
    const edges: [Node, Node][] = [];
    const nodes: Node[] = [];
    const seen = new Set<number>();
    const stack = [node];
    while (stack.length) {
      const p = stack.pop()!;
      for (const c of consumers.get(p.id) ?? []) {
        if (!g.members.has(c.id)) continue;
        edges.push([c, p]);
        if (!seen.has(c.id)) {
          seen.add(c.id);
          nodes.push(c);
          stack.push(c);
        }
      }
    }
    return { edges, nodes };
  };

  /**
   * The epilogue must see each accumulator element once, at one index: above the anchor only a chain
   * of reshapes/permutes (a bijection), then elementwise ops of that chain's shape up to the root.
   */
  const anchorPathOk = (g: Builder, anchor: Node): boolean => {
    let top = anchor;
    for (;;) {
      const cs = (consumers.get(top.id) ?? []).filter((c) => g.members.has(c.id));
      if (cs.length === 1 && (cs[0]!.op === 'reshape' || cs[0]!.op === 'permute')) top = cs[0]!;
      else break;
    }
    return ancestorsIn(g, top).nodes.every((c) => isElementwise(c.op) && shapesEqual(c.shape, top.shape));
  };

  /**
   * A row kernel computes its reductions once per row, so every path from the root to a reduction must
   * stay on that row: full-shape elementwise ops, expands along the reduced axes, size-1 reshapes.
   */
  const rowPathOk = (g: Builder, r: Node): boolean => {
    const full = r.inputs[0]!.shape;
    const axes = reduceAxes(r);
    const keep = full.map((d, i) => (axes.includes(i) ? 1 : d));
    const domain = (n: Node): 'full' | 'row' | undefined =>
      shapesEqual(n.shape, full) ? 'full' : numelOf(n.shape) === numelOf(keep) && shapesEqual(squeezed(n.shape), squeezed(keep)) ? 'row' : undefined;
    if (domain(r) !== 'row' && !shapesEqual(r.shape, keep)) return false;
    for (const [c, p] of ancestorsIn(g, r).edges) {
      const dc = domain(c), dp = domain(p);
      if (!dc || !dp) return false;
      if (isElementwise(c.op)) continue;
      if (c.op === 'expand' && dp === 'row' && shapesEqual(p.shape, keep) && dc === 'full') continue;
      if (c.op === 'reshape' && dp === 'row' && dc === 'row') continue;
      if (g.reductions.includes(c) && dp === 'full') continue;
      return false;
    }
    return true;
  };

  const tryJoin = (g: Builder, node: Node): boolean => {
    const kind = OP_KIND[node.op];
    const inGroup = (consumers.get(node.id) ?? []).filter((c) => g.members.has(c.id));
    if (inGroup.some((c) => c === g.anchor || g.operandSide.has(c.id))) {
      // Operands of the tiled matmul/conv are read as strided views; computed values are materialized.
      if (kind !== 'movement') return false;
      g.members.add(node.id);
      g.operandSide.add(node.id);
      return true;
    }
    if (kind === 'unary' || kind === 'binary' || kind === 'ternary' || kind === 'cast' || kind === 'movement' || kind === 'index' || kind === 'window' || kind === 'scatter') {
      g.members.add(node.id);
      return true;
    }
    // A scan kernel reads its operand element by element along each row: it computes no reductions or contractions.
    if (g.kind === 'scan') return false;
    if (kind === 'reduce') {
      if (g.anchor) return false;
      const first = g.reductions[0];
      if (first && (!shapesEqual(first.inputs[0]!.shape, node.inputs[0]!.shape) || reduceAxes(first).join() !== reduceAxes(node).join())) return false;
      if (!rowPathOk(g, node)) return false;
      g.members.add(node.id);
      g.reductions.push(node);
      g.kind = 'row';
      return true;
    }
    if (kind === 'contract') {
      if (g.anchor || g.reductions.length || !anchorPathOk(g, node)) return false;
      g.members.add(node.id);
      g.anchor = node;
      g.kind = node.op === 'matmul' ? 'matmul' : 'conv';
      return true;
    }
    return false;
  };

  /** Whether computing a node inline costs a loop: it is, or is fed by, a reduction, contraction or window. */
  const costly = new Map<number, boolean>();
  const isCostly = (n: Node): boolean => {
    const known = costly.get(n.id);
    if (known !== undefined) return known;
    const k = OP_KIND[n.op];
    const v = k === 'reduce' || k === 'contract' || k === 'window' || k === 'scan' || k === 'scatter' || n.inputs.some((x) => !isFree(x) && isCostly(x));
    costly.set(n.id, v);
    return v;
  };
  /**
   * A costly value read only through a broadcast to new axes (vmap's reshape-then-expand of an
   * unmapped value: a shared layer norm feeding every member) would be recomputed for every copy;
   * it is cheaper to compute it once and read it back.
   */
  const onlyBroadcast = (n: Node): boolean => {
    const cs = consumers.get(n.id) ?? [];
    return cs.length > 0 && cs.every((c) => c.op === 'reshape' && c.shape.length > n.shape.length && (consumers.get(c.id) ?? []).every((e) => e.op === 'expand' && numelOf(e.shape) > numelOf(c.shape)));
  };

  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    const isOut = outputs.has(node.id);
    if (!isOut && isFree(node)) continue;
    const groups = new Set((consumers.get(node.id) ?? []).map((c) => groupOf.get(c.id)).filter((g): g is Builder => g !== undefined));
    const recomputed = onlyBroadcast(node) && isCostly(node);
    if (!isOut && groups.size === 1 && !recomputed) {
      const g = [...groups][0]!;
      if (tryJoin(g, node)) {
        groupOf.set(node.id, g);
        continue;
      }
    }
    const g: Builder = { kind: 'pointwise', root: node, anchor: undefined, reductions: [], members: new Set([node.id]), operandSide: new Set() };
    builders.push(g);
    groupOf.set(node.id, g);
    // A root may itself be a reduction or an anchor.
    if (OP_KIND[node.op] === 'reduce') {
      g.kind = 'row';
      g.reductions.push(node);
    } else if (OP_KIND[node.op] === 'contract') {
      g.kind = node.op === 'matmul' ? 'matmul' : 'conv';
      g.anchor = node;
    } else if (OP_KIND[node.op] === 'scan') {
      g.kind = 'scan';
    }
  }

  const groups: FusedGroup[] = builders
    .sort((a, b) => position.get(a.root.id)! - position.get(b.root.id)!)
    .map((g) => ({
      kind: g.kind,
      root: g.root,
      anchor: g.anchor,
      reductions: [...g.reductions].sort((a, b) => position.get(a.id)! - position.get(b.id)!),
      members: g.members,
      reads: readsOf(g, isFree),
    }));
  return { graph, groups };
}

/** The materialized tensors a group loads: walk from its members through inlined free nodes. */
function readsOf(g: Builder, isFree: (n: Node) => boolean): Node[] {
  if (isBuffer(g.root)) return [g.root]; // a graph output that is an input: a copy kernel
  const reads = new Map<number, Node>();
  const seen = new Set<number>();
  const visit = (n: Node): void => {
    if (seen.has(n.id)) return;
    seen.add(n.id);
    if (g.members.has(n.id) || (isFree(n) && !isBuffer(n))) n.inputs.forEach(visit);
    else reads.set(n.id, n);
  };
  visit(g.root);
  return [...reads.values()];
}

/** One line per kernel: its kind, the ops it computes, and its result type. */
export function describeGroup(g: FusedGroup, order: readonly Node[]): string {
  const ops = order.filter((n) => g.members.has(n.id) && OP_KIND[n.op] !== 'movement').map((n) => n.op);
  return `${g.kind}(${ops.join('+') || g.root.op}) -> ${fmtType(g.root.dtype, g.root.shape)}`;
}
