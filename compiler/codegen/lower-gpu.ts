// GPU lowering (WGSL and CUDA share it): each fused group becomes a kernel with threads and workgroups.

import { BackendError } from '../../ir/errors.js';
import type { Node } from '../../ir/node.js';
import { isArgReduce } from '../../ir/op.js';
import { numelOf, shapesEqual } from '../../ir/shape.js';
import type { FusedGroup } from '../passes/fuse.js';
import { scalarOf } from './emit.js';
import { anchorChain, emitEpilogue } from './epilogue.js';
import {
  add, cmp, div, f32, lit, mul, select, special, unravel, vr, windowPositions,
  type Expr, type Kernel, type SharedArray, type Stmt,
} from './kernel-ir.js';
import { accumulatorOf, combine, emitScanRow, emitterFor, grid, kernelOf, reduceInit, rowLayout, scanRows, storeOut } from './lower-common.js';
import { lowerMatmulGpu } from './matmul-gpu.js';
import type { LowerContext } from './target-spec.js';

/** `i`: this thread's flat element, returning early past n (one thread per element over an x-y grid). */
function threadIndex(em: ReturnType<typeof emitterFor>['em'], n: number, wg: number, dispatch: readonly number[]): Expr {
  em.push({ k: 'decl', name: 'i', t: 'i32', init: add(special('gid.x'), mul(special('gid.y'), lit(dispatch[0]! * wg))), mutable: false });
  em.push({ k: 'if', c: cmp('>=', vr('i'), lit(n)), then: [{ k: 'return' }] });
  return vr('i');
}

/** A kernel with one thread per item (`n` of them, `wg` per workgroup); `body` emits item `i`'s work. */
function threadPerItem(group: FusedGroup, low: LowerContext, n: number, wg: number, body: (em: ReturnType<typeof emitterFor>['em'], i: Expr) => void): Kernel {
  const { em, bindings } = emitterFor(group, low);
  const dispatch = grid(Math.ceil(n / wg), low.maxWorkgroupsPerDim);
  body(em, threadIndex(em, n, wg, dispatch));
  return kernelOf(low, em, bindings, { shared: [], workgroupSize: [wg, 1, 1], dispatch });
}

function lowerPointwise(group: FusedGroup, low: LowerContext): Kernel {
  return threadPerItem(group, low, numelOf(group.root.shape), 256, (em, i) => em.push(storeOut(low, group, i, em.flat(group.root, i))));
}

/** A scan: one thread per row walks the row in order (rows are usually many and short; say so in docs/ir.md). */
function lowerScan(group: FusedGroup, low: LowerContext): Kernel {
  return threadPerItem(group, low, scanRows(group.root).rows, 64, (em, row) => emitScanRow(em, low, group, row));
}

const nextPow2 = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(n, 1)));

function lowerRow(group: FusedGroup, low: LowerContext): Kernel {
  const { em, bindings } = emitterFor(group, low);
  const { full, keep, rows, len, fullIdx: at } = rowLayout(group);
  const wg = Math.min(256, Math.max(32, nextPow2(len)));
  const dispatch = grid(rows, low.maxWorkgroupsPerDim);
  const shared: SharedArray[] = [];
  const row = vr('row'), lid = vr('lid');
  em.push({ k: 'decl', name: 'row', t: 'i32', init: add(special('wid.x'), mul(special('wid.y'), lit(dispatch[0]))), mutable: false });
  em.push({ k: 'if', c: cmp('>=', row, lit(rows)), then: [{ k: 'return' }] });
  em.push({ k: 'decl', name: 'lid', t: 'i32', init: special('lid.x'), mutable: false });
  const rowIdx = unravel(row, keep);
  const fullIdx = (j: Expr): Expr[] => at(rowIdx, j);
  group.reductions.forEach((r, k) => {
    const t = accumulatorOf(r);
    const acc = `acc${k}`, accIdx = isArgReduce(r.op) ? `arg${k}` : undefined;
    const sh = `sh${k}`, shIdx = `shi${k}`;
    shared.push({ name: sh, t, size: wg });
    if (accIdx) shared.push({ name: shIdx, t: 'i32', size: wg });
    em.push({ k: 'decl', name: acc, t, init: reduceInit(r.op, t), mutable: true });
    if (accIdx) em.push({ k: 'decl', name: accIdx, t: 'i32', init: lit(0), mutable: true });
    const j = em.fresh('j');
    const body = em.scoped(() => {
      const v = em.at(r.inputs[0]!, fullIdx(vr(j)));
      em.push(combine(r.op, acc, t, v, accIdx ? { acc: accIdx, v: vr(j), ties: true } : undefined));
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
      step.push(combine(r.op, mine, t, other, mineIdx ? { acc: mineIdx, v: { k: 'load', buf: shIdx, index: add(lid, lit(s)), t: 'i32' }, ties: true } : undefined));
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
  return kernelOf(low, em, bindings, { shared, workgroupSize: [wg, 1, 1], dispatch });
}

/** Direct convolution: one thread per output element, looping over its input channels and taps. */
function lowerConv(group: FusedGroup, low: LowerContext): Kernel {
  const { em, bindings } = emitterFor(group, low);
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
  const i = threadIndex(em, total, wg, dispatch);
  const oIdx = unravel(i, conv.shape);
  em.push({ k: 'decl', name: 'acc', t: 'f32', init: f32(0), mutable: true });
  const g = div(oIdx[1]!, lit(og));
  const ci = em.fresh('ci');
  const taps = w.shape.slice(2).map(() => em.fresh('t'));
  const body = em.scoped(() => {
    const { pos, inside } = windowPositions(oIdx.slice(2), taps.map((t) => vr(t)), { stride, padding, dilation }, x.shape.slice(2));
    const xv = em.at(x, [oIdx[0]!, add(mul(g, lit(cg)), vr(ci)), ...pos]);
    const wv = em.at(w, [oIdx[1]!, vr(ci), ...taps.map((t) => vr(t))]);
    const prod: Expr = { k: 'binary', op: 'mul', a: xv, b: wv, t: 'f32' };
    em.push({ k: 'assign', name: 'acc', e: { k: 'binary', op: 'add', a: vr('acc', 'f32'), b: select(inside, prod, f32(0)), t: 'f32' } });
  });
  let loop: Stmt[] = body;
  for (let a = s - 1; a >= 0; a--) loop = [{ k: 'for', v: taps[a]!, start: lit(0), end: lit(w.shape[2 + a]!), step: lit(1), body: loop }];
  em.push({ k: 'for', v: ci, start: lit(0), end: lit(cg), step: lit(1), body: loop });
  emitEpilogue(em, group, anchorChain(group), vr('acc', 'f32'), oIdx, (flat, v) => em.push(storeOut(low, group, flat, v)));
  return kernelOf(low, em, bindings, { shared: [], workgroupSize: [wg, 1, 1], dispatch });
}

/** The GPU kernel of a fused group (WGSL and CUDA's exact matmuls). */
export function lowerGroupGpu(group: FusedGroup, low: LowerContext): Kernel {
  switch (group.kind) {
    case 'pointwise': return lowerPointwise(group, low);
    case 'row': return lowerRow(group, low);
    case 'matmul': return lowerMatmulGpu(group, low);
    case 'conv': return lowerConv(group, low);
    case 'scan': return lowerScan(group, low);
    default: return group.kind satisfies never;
  }
}
