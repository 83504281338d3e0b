// The pieces every lowering shares: bindings, the emitter with index checks, stores, clamps, reductions, windows and tiles.

import { BackendError } from '../../ir/errors.js';
import type { Node } from '../../ir/node.js';
import { fmtType } from '../../ir/print.js';
import { numelOf } from '../../ir/shape.js';
import { isArgReduce } from '../../ir/op.js';
import { reduceAxes, type FusedGroup } from '../passes/fuse.js';
import { Emitter, scalarOf, type IndexChecks, type Slot } from './emit.js';
import { emitEpilogue } from './epilogue.js';
import {
  add, and, cast, clampIndex, cmp, f32, lit, ravel, select, someStmt, sub, unravel, vr,
  type Binding, type Expr, type Kernel, type Scalar, type Stmt,
} from './kernel-ir.js';
import type { LowerContext } from './target-spec.js';

/** The kernel-side name of an arena's binding. */
export const arenaBuf = (arena: number): string => `arena${arena}`;

/** Bindings and emitter slots for a group: one binding per arena it touches. */
export function bindGroup(group: FusedGroup, low: Pick<LowerContext, 'refs' | 'out'>): { bindings: Binding[]; slots: Map<number, Slot> } {
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

/** Index checks that report to the plan's faults arena, or none (indices clamped) when the context has none. */
function checksOf(low: LowerContext): IndexChecks | undefined {
  const faults = low.faults;
  if (!faults) return undefined;
  return { buf: arenaBuf(faults.arena), add: (site) => faults.add(site) };
}

/** A group's bindings and an emitter reading its slots (index checks go to the plan's faults arena). */
export function emitterFor(group: FusedGroup, low: LowerContext, prefix = 'v'): { em: Emitter; bindings: Binding[] } {
  const { bindings, slots } = bindGroup(group, low);
  return { em: new Emitter(slots, prefix, checksOf(low)), bindings };
}

/** Whether a body draws random numbers (then the kernel takes the run's seed). */
export function usesRand(body: readonly Stmt[]): boolean {
  return JSON.stringify(body).includes('"k":"rand"');
}

/** The kernel of a lowering: its name, label and seed use, plus the faults binding when it checks indices. */
export function kernelOf(low: LowerContext, em: Emitter, bindings: readonly Binding[], parts: Omit<Kernel, 'name' | 'label' | 'usesSeed' | 'bindings' | 'body'> & { label?: string }): Kernel {
  const faults = low.faults;
  const all = em.checked && faults ? [...bindings, { name: arenaBuf(faults.arena), arena: `${faults.arena}`, access: 'read_write' as const }] : [...bindings];
  return { name: low.name, label: low.label, usesSeed: usesRand(em.statements), bindings: all, body: em.statements, ...parts };
}

/** Splits a workgroup count over x and y when it exceeds the per-dimension limit. */
export function grid(groups: number, maxPerDim: number): [number, number, number] {
  if (groups <= maxPerDim) return [Math.max(groups, 1), 1, 1];
  const y = Math.ceil(groups / maxPerDim);
  if (y > maxPerDim) throw new BackendError(`a kernel needs ${groups} workgroups, more than ${maxPerDim}^2`);
  return [maxPerDim, y, 1];
}

/** Stores value v of the group's root at flat output index `flat`. */
export function storeOut(low: Pick<LowerContext, 'out'>, group: FusedGroup, flat: Expr, v: Expr): Stmt {
  return { k: 'store', buf: arenaBuf(low.out.arena), index: add(lit(low.out.offset), flat), e: cast(v, scalarOf(group.root)) };
}

/** The axes a reduction node reduces. */
export const reduceAxesOf = reduceAxes;

/** The scalar type a reduction accumulates in: its operand's for argmax/argmin (which return i32), else its own. */
export const accumulatorOf = (r: Node): Scalar => scalarOf(isArgReduce(r.op) ? r.inputs[0]! : r);

/** A row kernel's shape: the reduced input's shape, the reduced axes, the kept (row) shape, rows and row length. */
export interface RowLayout {
  readonly full: readonly number[];
  readonly axes: readonly number[];
  readonly keep: readonly number[];
  readonly inner: readonly number[];
  readonly rows: number;
  readonly len: number;
  /** The index into `full` of element j of the row whose (unravelled) index is rowIdx. */
  readonly fullIdx: (rowIdx: readonly Expr[], j: Expr) => Expr[];
}

/** The layout of a row group, from its first reduction. */
export function rowLayout(group: FusedGroup): RowLayout {
  const first = group.reductions[0]!;
  const full = first.inputs[0]!.shape;
  const axes = reduceAxesOf(first);
  const keep = full.map((d, i) => (axes.includes(i) ? 1 : d));
  const inner = axes.map((a) => full[a]!);
  const fullIdx = (rowIdx: readonly Expr[], j: Expr): Expr[] => {
    const jIdx = unravel(j, inner);
    return full.map((_, a) => (axes.includes(a) ? jIdx[axes.indexOf(a)]! : rowIdx[a]!));
  };
  return { full, axes, keep, inner, rows: numelOf(keep), len: numelOf(inner), fullIdx };
}

/** A batched matmul's operands and sizes: A [..., M, K] @ B [..., K, N] over `batchShape`. */
export function matmulDims(group: FusedGroup, who: string): { A: Node; B: Node; M: number; K: number; N: number; batchShape: readonly number[]; batch: number } {
  const mm = group.anchor!;
  if (mm.op !== 'matmul') throw new BackendError(`${who}: anchor is not a matmul`);
  const [A, B] = mm.inputs as [Node, Node];
  const r = mm.shape.length;
  const batchShape = mm.shape.slice(0, r - 2);
  return { A, B, M: A.shape[r - 2]!, K: A.shape[r - 1]!, N: B.shape[r - 1]!, batchShape, batch: numelOf(batchShape) };
}

/** Stores the epilogue of output element (m, n) of batch index bIdx from accumulator `acc`, when inside [M, N]. */
export function storeTileElement(em: Emitter, low: Pick<LowerContext, 'out'>, group: FusedGroup, chain: readonly Node[], acc: Expr, at: { bIdx: readonly Expr[]; m: Expr; n: Expr; M: number; N: number }): void {
  const body = em.scoped(() => emitEpilogue(em, group, chain, acc, [...at.bIdx, at.m, at.n], (flat, v) => em.push(storeOut(low, group, flat, v))));
  em.push({ k: 'if', c: and(cmp('<', at.m, lit(at.M)), cmp('<', at.n, lit(at.N))), then: body });
}

/** The accumulator's start value: 0 for sums, 1 for products, -Inf (INT_MIN) for max/argmax, +Inf (INT_MAX) for min/argmin. */
export function reduceInit(op: Node['op'], t: Scalar): Expr {
  const of = (v: number, int: number): Expr => (t === 'f32' ? f32(v) : lit(int, t));
  if (op === 'sum') return of(0, 0);
  if (op === 'prod') return of(1, 1);
  if (op === 'min' || op === 'argmin') return of(Infinity, 2147483647);
  return of(-Infinity, -2147483648);
}

/**
 * acc op= v: a sum adds, a product multiplies; max/argmax (min/argmin) take v when it is larger
 * (smaller) or NaN, unless acc is NaN already (the first NaN wins, as in torch). With `ties`, an arg
 * reduction also takes an equal value, or a NaN against a NaN, at a smaller index (tree reductions
 * meet indices out of order).
 */
export function combine(op: Node['op'], acc: string, t: Scalar, v: Expr, arg?: { acc: string; v: Expr; ties: boolean }): Stmt {
  const a: Expr = { k: 'var', name: acc, t };
  if (op === 'sum' || op === 'prod') return { k: 'assign', name: acc, e: { k: 'binary', op: op === 'sum' ? 'add' : 'mul', a, b: v, t } };
  const order = op === 'min' || op === 'argmin' ? '<' : '>';
  const better: Expr = { k: 'logic', op: '||', a: cmp(order, v, a), b: and(cmp('!=', v, v), cmp('==', a, a)), t: 'bool' };
  const then: Stmt[] = [{ k: 'assign', name: acc, e: v }];
  if (!arg) return { k: 'if', c: better, then };
  then.push({ k: 'assign', name: arg.acc, e: arg.v });
  const same: Expr = { k: 'logic', op: '||', a: cmp('==', v, a), b: and(cmp('!=', v, v), cmp('!=', a, a)), t: 'bool' };
  const c: Expr = arg.ties ? { k: 'logic', op: '||', a: better, b: and(same, cmp('<', arg.v, { k: 'var', name: arg.acc, t: 'i32' })), t: 'bool' } : better;
  return { k: 'if', c, then };
}

/**
 * One row of a scan group (the root is the cumsum): a sequential accumulator over the row's elements
 * along the axis, in order (from the end when reversed), storing every prefix. `row` indexes the
 * root's shape with the axis collapsed; GPU threads and CPU tasks each take whole rows.
 */
export function emitScanRow(em: Emitter, low: Pick<LowerContext, 'out'>, group: FusedGroup, row: Expr): void {
  const scan = group.root;
  if (scan.op !== 'cumsum') throw new BackendError(`scan kernel: root is ${scan.op}, not a scan`);
  const { axis, reverse } = scan.params;
  const len = scan.shape[axis]!;
  const rowIdx = unravel(row, scanRows(scan).keep);
  const t = scalarOf(scan);
  const acc = em.fresh('acc'), j = em.fresh('j');
  em.push({ k: 'decl', name: acc, t, init: reduceInit('sum', t), mutable: true });
  const body = em.scoped(() => {
    const idx = rowIdx.map((e, a) => (a === axis ? (reverse ? sub(lit(len - 1), vr(j)) : vr(j)) : e));
    em.push(combine('sum', acc, t, em.at(scan.inputs[0]!, idx)));
    em.push(storeOut(low, group, ravel(idx, scan.shape), vr(acc, t)));
  });
  em.push({ k: 'for', v: j, start: lit(0), end: lit(len), step: lit(1), body });
}

/** A scan's rows: the root's shape with the scanned axis collapsed, their count and the row length. */
export function scanRows(scan: Node): { keep: number[]; rows: number; len: number } {
  const axis = scan.op === 'cumsum' ? scan.params.axis : 0;
  const keep = scan.shape.map((d, i) => (i === axis ? 1 : d));
  return { keep, rows: numelOf(keep), len: scan.shape[axis]! };
}

/**
 * Stages one element of a matmul operand into a shared tile: `read(row, col)` at in-range (clamped)
 * coordinates, zero outside [rows, cols], stored at `index`.
 */
export function stageElement(em: Emitter, buf: string, index: Expr, at: readonly [Expr, Expr], size: readonly [number, number], read: (row: Expr, col: Expr) => Expr): void {
  const [r, c] = at;
  const v = read(clampIndex(r, size[0]), clampIndex(c, size[1]));
  em.push({ k: 'store', buf, index, e: select(and(cmp('<', r, lit(size[0])), cmp('<', c, lit(size[1]))), v, f32(0)) });
}

/** Whether a kernel body reads or writes past a barrier (a tile loop). */
export const hasBarrier = (list: readonly Stmt[]): boolean => someStmt(list, (s) => s.k === 'barrier');
