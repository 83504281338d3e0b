// The pieces every lowering shares: bindings, the emitter with index checks, stores, clamps, reductions, windows and tiles.

import { BackendError } from '../../ir/errors.js';
import type { Node } from '../../ir/node.js';
import { fmtType } from '../../ir/print.js';
import { numelOf } from '../../ir/shape.js';
import type { FusedGroup } from '../passes/fuse.js';
import { Emitter, scalarOf, type IndexChecks, type Slot } from './emit.js';
import { emitEpilogue } from './epilogue.js';
import {
  add, and, cast, clampIndex, cmp, f32, lit, select, someStmt, unravel,
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
export function reduceAxesOf(r: Node): number[] {
  if (r.op === 'argmax') return [r.params.axis];
  if (r.op === 'sum' || r.op === 'max') return r.params.axes;
  return [];
}

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

/** The accumulator's start value: 0 for sums, -Inf (or INT_MIN) for max and argmax. */
export function reduceInit(op: Node['op'], t: Scalar): Expr {
  if (op === 'sum') return t === 'f32' ? f32(0) : lit(0, t);
  return t === 'f32' ? f32(-Infinity) : lit(-2147483648, t);
}

/**
 * acc op= v: a sum adds; max and argmax take v when it is larger or NaN (NaN wins, as in torch). With
 * `ties`, argmax also takes an equal value at a smaller index (tree reductions meet indices out of order).
 */
export function combine(op: Node['op'], acc: string, t: Scalar, v: Expr, arg?: { acc: string; v: Expr; ties: boolean }): Stmt {
  const a: Expr = { k: 'var', name: acc, t };
  if (op === 'sum') return { k: 'assign', name: acc, e: { k: 'binary', op: 'add', a, b: v, t } };
  const better: Expr = { k: 'logic', op: '||', a: cmp('>', v, a), b: and(cmp('!=', v, v), cmp('==', a, a)), t: 'bool' };
  const then: Stmt[] = [{ k: 'assign', name: acc, e: v }];
  if (!arg) return { k: 'if', c: better, then };
  then.push({ k: 'assign', name: arg.acc, e: arg.v });
  const c: Expr = arg.ties ? { k: 'logic', op: '||', a: better, b: and(cmp('==', v, a), cmp('<', arg.v, { k: 'var', name: arg.acc, t: 'i32' })), t: 'bool' } : better;
  return { k: 'if', c, then };
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
