// Emission of the index ops that read an index tensor: take, gather and scatter_add (checked indices, clamped reads).

import type { Node, NodeOf } from '../../ir/node.js';
import { fmtType } from '../../ir/print.js';
import type { PlanFaultSite } from '../../runtime/plan.js';
import type { Emitter } from './emit.js';
import { and, cast, clampIndex, cmp, lit, TRUE, vr, type Expr, type Stmt } from './kernel-ir.js';

/** Where an index check reports: the op, the indexed axis and its size, and the indexed tensor's type. */
function faultSite(op: string, x: Node, axis: number): PlanFaultSite {
  return { op, axis, bound: x.shape[axis]!, tensor: fmtType(x.dtype, x.shape) };
}

/** take(x, ids, axis) at idx: the ids occupy idx[axis, axis + rank(ids)). */
export function emitTake(em: Emitter, node: NodeOf<'take'>, idx: readonly Expr[]): Expr {
  const [x, ids] = node.inputs as [Node, Node];
  const a = node.params.axis;
  const r = ids.shape.length;
  const i = em.checkedIndex(node, cast(em.at(ids, idx.slice(a, a + r)), 'i32'), faultSite('take', x, a));
  return em.at(x, [...idx.slice(0, a), clampIndex(i, x.shape[a]!), ...idx.slice(a + r)]);
}

/** gather(x, ids, axis) at idx: x at idx with the axis coordinate replaced by ids[idx]. */
export function emitGather(em: Emitter, node: NodeOf<'gather'>, idx: readonly Expr[]): Expr {
  const [x, ids] = node.inputs as [Node, Node];
  const a = node.params.axis;
  const i = em.checkedIndex(node, cast(em.at(ids, idx), 'i32'), faultSite('gather', x, a));
  return em.at(x, idx.map((e, d) => (d === a ? clampIndex(i, x.shape[a]!) : e)));
}

/**
 * scatter_add(x, ids, src, axis) at output idx, pulled rather than pushed: x[idx] plus every src[q]
 * with q equal to idx off the axis and ids[q] == idx[axis], over the K positions of the axis in order.
 * No atomics, so every backend adds in the same order (the reference's); the cost is K reads per
 * output element. Outputs outside ids' extent on another axis receive nothing.
 */
export function emitScatterAdd(em: Emitter, node: NodeOf<'scatter_add'>, idx: readonly Expr[]): Expr {
  const [x, ids, src] = node.inputs as [Node, Node, Node];
  const a = node.params.axis;
  const init = em.at(x, idx);
  const t = init.t;
  const acc = em.fresh('acc');
  em.push({ k: 'decl', name: acc, t, init, mutable: true });
  let inside: Expr = TRUE;
  const base = idx.map((e, d) => {
    if (d === a || ids.shape[d] === node.shape[d]) return e;
    inside = and(inside, cmp('<', e, lit(ids.shape[d]!)));
    return clampIndex(e, ids.shape[d]!);
  });
  const k = em.fresh('k');
  const body = em.scoped(() => {
    const q = base.map((e, d) => (d === a ? vr(k) : e));
    const i = em.checkedIndex(node, cast(em.at(ids, q), 'i32'), faultSite('scatter_add', x, a));
    const add: Stmt = { k: 'assign', name: acc, e: { k: 'binary', op: 'add', a: vr(acc, t), b: em.at(src, q), t } };
    em.push({ k: 'if', c: cmp('==', i, idx[a]!), then: [add] });
  });
  const loop: Stmt = { k: 'for', v: k, start: lit(0), end: lit(ids.shape[a]!), step: lit(1), body };
  em.push(inside === TRUE ? loop : { k: 'if', c: inside, then: [loop] });
  return vr(acc, t);
}
