// CPU lowering: each fused group becomes a C-style loop nest; the outer loop over tasks runs in parallel.

import type { Node } from '../../ir/node.js';
import { numelOf, shapesEqual } from '../../ir/shape.js';
import type { FusedGroup } from '../passes/fuse.js';
import { Emitter, scalarOf } from './emit.js';
import { lowerConvCpu, lowerMatmulCpu, type GemmChooser } from './gemm-cpu.js';
import {
  add, arith, cmp, f32, lit, mul, unravel, vr,
  type Expr, type Kernel, type Scalar, type Stmt,
} from './kernel-ir.js';
import { bindGroup, storeOut, type GpuLowering } from './lower-gpu.js';

/** What the CPU lowering needs to know about the machine it generates code for. */
export interface CpuCodegen {
  /** floats per vector register: 16 (AVX-512), 8 (AVX2), 4 (SSE, NEON). */
  readonly vlen: number;
  /** Tile sizes for a GEMM (tuned per shape, or the defaults). */
  readonly tiles: GemmChooser;
}

/** Elements per parallel task of a pointwise kernel; smaller kernels run on one thread. */
const CHUNK = 8192;

export function usesRand(body: readonly Stmt[]): boolean {
  return JSON.stringify(body).includes('"k":"rand"');
}

export function cpuKernel(low: GpuLowering, parts: Pick<Kernel, 'bindings' | 'shared' | 'body'>): Kernel {
  return { name: low.name, label: low.label, usesSeed: usesRand(parts.body), workgroupSize: [1, 1, 1], dispatch: [1, 1, 1], ...parts };
}

/**
 * `for (t = 0; t < tasks; t++)` in parallel when there is more than one task, with the body built
 * by fn(t) inside its own emitter scope.
 */
export function taskLoop(em: Emitter, tasks: number, fn: (t: Expr) => void): void {
  const t = em.fresh('t');
  const body = em.scoped(() => fn(vr(t)));
  em.push({ k: 'for', v: t, start: lit(0), end: lit(tasks), step: lit(1), body, ...(tasks > 1 ? { parallel: true } : {}) });
}

/** A serial `for (v = start; v < end; v += step)` with the body built inside its own scope. */
export function serialLoop(em: Emitter, start: Expr, end: Expr, fn: (v: Expr) => void, base = 'i', step = 1): void {
  const v = em.fresh(base);
  const body = em.scoped(() => fn(vr(v)));
  em.push({ k: 'for', v, start, end, step: lit(step), body });
}

function lowerPointwise(group: FusedGroup, low: GpuLowering): Kernel {
  const { bindings, slots } = bindGroup(group, low);
  const n = numelOf(group.root.shape);
  const em = new Emitter(slots);
  const chunks = Math.ceil(n / CHUNK);
  taskLoop(em, chunks, (t) => {
    const start = mul(t, lit(CHUNK));
    const end = chunks > 1 ? arith('min', add(start, lit(CHUNK)), lit(n)) : lit(n);
    serialLoop(em, start, end, (i) => em.push(storeOut(low, group, i, em.flat(group.root, i))));
  });
  return cpuKernel(low, { bindings, shared: [], body: em.statements });
}

function reduceAxesOf(r: Node): number[] {
  if (r.op === 'argmax') return [r.params.axis];
  if (r.op === 'sum' || r.op === 'max') return r.params.axes;
  return [];
}

/** acc op= v, in order along the row: NaN wins for max/argmax, ties keep the first index. */
function combine(op: Node['op'], acc: string, t: Scalar, v: Expr, accIdx?: string, vIdx?: Expr): Stmt {
  const a = vr(acc, t);
  if (op === 'sum') return { k: 'assign', name: acc, e: { k: 'binary', op: 'add', a, b: v, t } };
  const better: Expr = { k: 'logic', op: '||', a: cmp('>', v, a), b: { k: 'logic', op: '&&', a: cmp('!=', v, v), b: cmp('==', a, a), t: 'bool' }, t: 'bool' };
  const then: Stmt[] = [{ k: 'assign', name: acc, e: v }];
  if (accIdx && vIdx) then.push({ k: 'assign', name: accIdx, e: vIdx });
  return { k: 'if', c: better, then };
}

function lowerRow(group: FusedGroup, low: GpuLowering): Kernel {
  const { bindings, slots } = bindGroup(group, low);
  const first = group.reductions[0]!;
  const full = first.inputs[0]!.shape;
  const axes = reduceAxesOf(first);
  const keep = full.map((d, i) => (axes.includes(i) ? 1 : d));
  const inner = axes.map((a) => full[a]!);
  const rows = numelOf(keep), len = Math.max(numelOf(inner), 1);
  const rowsPerTask = Math.max(1, Math.floor(CHUNK / len));
  const tasks = Math.ceil(rows / rowsPerTask);
  const em = new Emitter(slots);
  taskLoop(em, tasks, (t) => {
    const start = mul(t, lit(rowsPerTask));
    const end = tasks > 1 ? arith('min', add(start, lit(rowsPerTask)), lit(rows)) : lit(rows);
    serialLoop(em, start, end, (row) => {
      const rowIdx = unravel(row, keep);
      const fullIdx = (j: Expr): Expr[] => {
        const jIdx = unravel(j, inner);
        return full.map((_, a) => (axes.includes(a) ? jIdx[axes.indexOf(a)]! : rowIdx[a]!));
      };
      group.reductions.forEach((r) => {
        const t = scalarOf(r.op === 'argmax' ? r.inputs[0]! : r);
        const acc = em.fresh('acc');
        const accIdx = r.op === 'argmax' ? em.fresh('arg') : undefined;
        const init = r.op === 'sum' ? (t === 'f32' ? f32(0) : lit(0, t)) : t === 'f32' ? f32(-Infinity) : lit(-2147483648, t);
        em.push({ k: 'decl', name: acc, t, init, mutable: true });
        if (accIdx) em.push({ k: 'decl', name: accIdx, t: 'i32', init: lit(0), mutable: true });
        serialLoop(em, lit(0), lit(len), (j) => em.push(combine(r.op, acc, t, em.at(r.inputs[0]!, fullIdx(j)), accIdx, j)), 'j');
        em.fix(r, accIdx ? vr(accIdx) : vr(acc, t));
      });
      if (shapesEqual(group.root.shape, full) && !group.reductions.includes(group.root)) {
        serialLoop(em, lit(0), lit(len), (j) => {
          const idx = fullIdx(j);
          const flat = idx.reduce((acc: Expr, e, a) => add(mul(acc, lit(full[a]!)), e), lit(0));
          em.push(storeOut(low, group, flat, em.at(group.root, idx)));
        }, 'j');
      } else {
        em.push(storeOut(low, group, row, em.flat(group.root, row)));
      }
    }, 'row');
  });
  return cpuKernel(low, { bindings, shared: [], body: em.statements });
}

export function lowerGroupCpu(group: FusedGroup, low: GpuLowering, cg: CpuCodegen): Kernel {
  switch (group.kind) {
    case 'pointwise': return lowerPointwise(group, low);
    case 'row': return lowerRow(group, low);
    case 'matmul': return lowerMatmulCpu(group, low, cg);
    case 'conv': return lowerConvCpu(group, low, cg);
    default: return group.kind satisfies never;
  }
}
