// GPU lowering (WGSL and CUDA share it): each fused group becomes a kernel with threads and workgroups.

import { BackendError } from '../../ir/errors.js';
import type { Node } from '../../ir/node.js';
import { fmtType } from '../../ir/print.js';
import { numelOf, shapesEqual } from '../../ir/shape.js';
import type { TensorRef } from '../../runtime/plan.js';
import type { FusedGroup } from '../passes/fuse.js';
import { Emitter, scalarOf, type Slot } from './emit.js';
import { anchorChain, emitEpilogue } from './epilogue.js';
import {
  add, arith, cast, cmp, div, f32, lit, mul, select, special, sub, unravel, vr,
  type Binding, type Expr, type Kernel, type Scalar, type SharedArray, type Stmt,
} from './kernel-ir.js';
import { lowerMatmulGpu } from './matmul-gpu.js';

export interface GpuLowering {
  readonly name: string;
  readonly label: string;
  /** Where every materialized tensor the group reads lives. */
  readonly refs: ReadonlyMap<number, TensorRef>;
  /** Where the root is written. */
  readonly out: TensorRef;
  readonly maxWorkgroupsPerDim: number;
}

export const arenaBuf = (arena: number): string => `arena${arena}`;

/** Bindings and emitter slots for a group: one binding per arena it touches. */
export function bindGroup(group: FusedGroup, low: Pick<GpuLowering, 'refs' | 'out'>): { bindings: Binding[]; slots: Map<number, Slot> } {
  const arenas = new Map<number, 'read' | 'read_write'>();
  const slots = new Map<number, Slot>();
  for (const r of group.reads) {
    const ref = low.refs.get(r.id);
    if (!ref) throw new BackendError(`kernel reads ${fmtType(r.dtype, r.shape)} (${r.op}) that has no memory`);
    slots.set(r.id, { buf: arenaBuf(ref.arena), offset: ref.offset });
    if (!arenas.has(ref.arena)) arenas.set(ref.arena, 'read');
  }
  arenas.set(low.out.arena, 'read_write');
  const bindings = [...arenas.entries()].sort((a, b) => a[0] - b[0]).map(([arena, access]) => ({ name: arenaBuf(arena), arena: `${arena}`, access }));
  return { bindings, slots };
}

/** Splits a workgroup count over x and y when it exceeds the per-dimension limit. */
export function grid(groups: number, maxPerDim: number): [number, number, number] {
  if (groups <= maxPerDim) return [Math.max(groups, 1), 1, 1];
  const y = Math.ceil(groups / maxPerDim);
  if (y > maxPerDim) throw new BackendError(`a kernel needs ${groups} workgroups, more than ${maxPerDim}^2`);
  return [maxPerDim, y, 1];
}

function storeOut(low: GpuLowering, group: FusedGroup, flat: Expr, v: Expr): Stmt {
  return { k: 'store', buf: arenaBuf(low.out.arena), index: add(lit(low.out.offset), flat), e: cast(v, scalarOf(group.root)) };
}

function usesRand(group: FusedGroup, body: readonly Stmt[]): boolean {
  return JSON.stringify(body).includes('"k":"rand"') || group.root.op === 'rand';
}

function finish(low: GpuLowering, group: FusedGroup, parts: Omit<Kernel, 'name' | 'label' | 'usesSeed'>): Kernel {
  return { name: low.name, label: low.label, usesSeed: usesRand(group, parts.body), ...parts };
}

function lowerPointwise(group: FusedGroup, low: GpuLowering): Kernel {
  const { bindings, slots } = bindGroup(group, low);
  const n = numelOf(group.root.shape);
  const wg = 256;
  const dispatch = grid(Math.ceil(n / wg), low.maxWorkgroupsPerDim);
  const em = new Emitter(slots);
  const i = vr('i');
  em.push({ k: 'decl', name: 'i', t: 'i32', init: add(special('gid.x'), mul(special('gid.y'), lit(dispatch[0] * wg))), mutable: false });
  em.push({ k: 'if', c: cmp('>=', i, lit(n)), then: [{ k: 'return' }] });
  em.push(storeOut(low, group, i, em.flat(group.root, i)));
  return finish(low, group, { bindings, shared: [], workgroupSize: [wg, 1, 1], dispatch, body: em.statements });
}

const nextPow2 = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(n, 1)));

function combine(op: Node['op'], acc: string, v: Expr, t: Scalar, accIdx?: string, vIdx?: Expr): Stmt[] {
  const a = vr(acc, t);
  if (op === 'sum') return [{ k: 'assign', name: acc, e: { k: 'binary', op: 'add', a, b: v, t } }];
  // max and argmax: NaN wins; ties keep the earlier index.
  const isNan = cmp('!=', v, v);
  const better = { k: 'logic' as const, op: '||' as const, a: cmp('>', v, a), b: { k: 'logic' as const, op: '&&' as const, a: isNan, b: cmp('==', a, a), t: 'bool' as const }, t: 'bool' as const };
  const then: Stmt[] = [{ k: 'assign', name: acc, e: v }];
  if (accIdx && vIdx) {
    const tie = { k: 'logic' as const, op: '&&' as const, a: cmp('==', v, a), b: cmp('<', vIdx, vr(accIdx)), t: 'bool' as const };
    return [{ k: 'if', c: { k: 'logic', op: '||', a: better, b: tie, t: 'bool' }, then: [...then, { k: 'assign', name: accIdx, e: vIdx }] }];
  }
  return [{ k: 'if', c: better, then }];
}

function lowerRow(group: FusedGroup, low: GpuLowering): Kernel {
  const { bindings, slots } = bindGroup(group, low);
  const first = group.reductions[0]!;
  const full = first.inputs[0]!.shape;
  const axes = first.op === 'argmax' ? [first.params.axis] : (first.params as { axes: number[] }).axes;
  const keep = full.map((d, i) => (axes.includes(i) ? 1 : d));
  const inner = axes.map((a) => full[a]!);
  const rows = numelOf(keep), len = numelOf(inner);
  const wg = Math.min(256, Math.max(32, nextPow2(len)));
  const dispatch = grid(rows, low.maxWorkgroupsPerDim);
  const em = new Emitter(slots);
  const shared: SharedArray[] = [];
  const row = vr('row'), lid = vr('lid');
  em.push({ k: 'decl', name: 'row', t: 'i32', init: add(special('wid.x'), mul(special('wid.y'), lit(dispatch[0]))), mutable: false });
  em.push({ k: 'if', c: cmp('>=', row, lit(rows)), then: [{ k: 'return' }] });
  em.push({ k: 'decl', name: 'lid', t: 'i32', init: special('lid.x'), mutable: false });
  const rowIdx = unravel(row, keep);
  const fullIdx = (j: Expr): Expr[] => {
    const jIdx = unravel(j, inner);
    return full.map((_, a) => (axes.includes(a) ? jIdx[axes.indexOf(a)]! : rowIdx[a]!));
  };
  group.reductions.forEach((r, k) => {
    const t = scalarOf(r.op === 'argmax' ? r.inputs[0]! : r);
    const acc = `acc${k}`, accIdx = r.op === 'argmax' ? `arg${k}` : undefined;
    const sh = `sh${k}`, shIdx = `shi${k}`;
    shared.push({ name: sh, t, size: wg });
    if (accIdx) shared.push({ name: shIdx, t: 'i32', size: wg });
    const init = r.op === 'sum' ? (t === 'f32' ? f32(0) : lit(0, t)) : t === 'f32' ? f32(-Infinity) : lit(-2147483648, t);
    em.push({ k: 'decl', name: acc, t, init, mutable: true });
    if (accIdx) em.push({ k: 'decl', name: accIdx, t: 'i32', init: lit(0), mutable: true });
    const j = em.fresh('j');
    const body = em.scoped(() => {
      const v = em.at(r.inputs[0]!, fullIdx(vr(j)));
      for (const s of combine(r.op, acc, v, t, accIdx, vr(j))) em.push(s);
    });
    em.push({ k: 'for', v: j, start: lid, end: lit(len), step: lit(wg), body });
    em.push({ k: 'store', buf: sh, index: lid, e: vr(acc, t) });
    if (accIdx) em.push({ k: 'store', buf: shIdx, index: lid, e: vr(accIdx) });
    em.push({ k: 'barrier' });
    // Tree reduction in workgroup memory, unrolled.
    for (let s = wg / 2; s >= 1; s /= 2) {
      const other: Expr = { k: 'load', buf: sh, index: add(lid, lit(s)), t };
      const mine = em.fresh('m');
      const step: Stmt[] = [{ k: 'decl', name: mine, t, init: { k: 'load', buf: sh, index: lid, t }, mutable: true }];
      const mineIdx = accIdx ? em.fresh('mi') : undefined;
      if (mineIdx) step.push({ k: 'decl', name: mineIdx, t: 'i32', init: { k: 'load', buf: shIdx, index: lid, t: 'i32' }, mutable: true });
      step.push(...combine(r.op, mine, other, t, mineIdx, accIdx ? { k: 'load', buf: shIdx, index: add(lid, lit(s)), t: 'i32' } : undefined));
      step.push({ k: 'store', buf: sh, index: lid, e: vr(mine, t) });
      if (mineIdx) step.push({ k: 'store', buf: shIdx, index: lid, e: vr(mineIdx) });
      em.push({ k: 'if', c: cmp('<', lid, lit(s)), then: step });
      em.push({ k: 'barrier' });
    }
    const result = `red${k}`;
    const value: Expr = accIdx ? { k: 'load', buf: shIdx, index: lit(0), t: 'i32' } : { k: 'load', buf: sh, index: lit(0), t };
    em.push({ k: 'decl', name: result, t: value.t, init: value, mutable: false });
    em.push({ k: 'barrier' });
    em.fix(r, vr(result, value.t));
  });
  if (shapesEqual(group.root.shape, full) && !group.reductions.includes(group.root)) {
    const j = em.fresh('j');
    const body = em.scoped(() => {
      const idx = fullIdx(vr(j));
      const flat = idx.reduce((acc: Expr, e, a) => add(mul(acc, lit(full[a]!)), e), lit(0));
      em.push(storeOut(low, group, flat, em.at(group.root, idx)));
    });
    em.push({ k: 'for', v: j, start: lid, end: lit(len), step: lit(wg), body });
  } else {
    const body = em.scoped(() => em.push(storeOut(low, group, row, em.flat(group.root, row))));
    em.push({ k: 'if', c: cmp('==', lid, lit(0)), then: body });
  }
  return finish(low, group, { bindings, shared, workgroupSize: [wg, 1, 1], dispatch, body: em.statements });
}

/** Direct convolution: one thread per output element, looping over its input channels and taps. */
function lowerConv(group: FusedGroup, low: GpuLowering): Kernel {
  const { bindings, slots } = bindGroup(group, low);
  const conv = group.anchor!;
  if (conv.op !== 'conv') throw new BackendError('lowerConv: anchor is not a conv');
  const [x, w] = conv.inputs as [Node, Node];
  const { stride, padding, dilation, groups } = conv.params;
  const s = stride.length;
  const C = x.shape[1]!, O = w.shape[0]!;
  const cg = C / groups, og = O / groups;
  const total = numelOf(conv.shape);
  const wg = 256;
  const dispatch = grid(Math.ceil(total / wg), low.maxWorkgroupsPerDim);
  const em = new Emitter(slots);
  const i = vr('i');
  em.push({ k: 'decl', name: 'i', t: 'i32', init: add(special('gid.x'), mul(special('gid.y'), lit(dispatch[0] * wg))), mutable: false });
  em.push({ k: 'if', c: cmp('>=', i, lit(total)), then: [{ k: 'return' }] });
  const oIdx = unravel(i, conv.shape);
  em.push({ k: 'decl', name: 'acc', t: 'f32', init: f32(0), mutable: true });
  const g = div(oIdx[1]!, lit(og));
  const ci = em.fresh('ci');
  const taps = w.shape.slice(2).map(() => em.fresh('t'));
  const body = em.scoped(() => {
    let inside: Expr = lit(1, 'bool');
    const pos = taps.map((t, a) => {
      const p = add(sub(mul(oIdx[2 + a]!, lit(stride[a]!)), lit(padding[a]!)), mul(vr(t), lit(dilation[a]!)));
      inside = { k: 'logic', op: '&&', a: inside, b: { k: 'logic', op: '&&', a: cmp('>=', p, lit(0)), b: cmp('<', p, lit(x.shape[2 + a]!)), t: 'bool' }, t: 'bool' };
      return arith('max', arith('min', p, lit(x.shape[2 + a]! - 1)), lit(0));
    });
    const xv = em.at(x, [oIdx[0]!, add(mul(g, lit(cg)), vr(ci)), ...pos]);
    const wv = em.at(w, [oIdx[1]!, vr(ci), ...taps.map((t) => vr(t))]);
    const prod: Expr = { k: 'binary', op: 'mul', a: xv, b: wv, t: 'f32' };
    em.push({ k: 'assign', name: 'acc', e: { k: 'binary', op: 'add', a: vr('acc', 'f32'), b: select(inside, prod, f32(0)), t: 'f32' } });
  });
  let loop: Stmt[] = body;
  for (let a = s - 1; a >= 0; a--) loop = [{ k: 'for', v: taps[a]!, start: lit(0), end: lit(w.shape[2 + a]!), step: lit(1), body: loop }];
  em.push({ k: 'for', v: ci, start: lit(0), end: lit(cg), step: lit(1), body: loop });
  emitEpilogue(em, group, anchorChain(group), vr('acc', 'f32'), oIdx, (flat, v) => em.push(storeOut(low, group, flat, v)));
  return finish(low, group, { bindings, shared: [], workgroupSize: [wg, 1, 1], dispatch, body: em.statements });
}

export function lowerGroupGpu(group: FusedGroup, low: GpuLowering): Kernel {
  switch (group.kind) {
    case 'pointwise': return lowerPointwise(group, low);
    case 'row': return lowerRow(group, low);
    case 'matmul': return lowerMatmulGpu(group, low);
    case 'conv': return lowerConv(group, low);
    default: return group.kind satisfies never;
  }
}

export { storeOut };
