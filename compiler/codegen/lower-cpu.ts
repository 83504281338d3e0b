// CPU lowering: each fused group becomes a C-style loop nest; the outer loop over tasks runs in parallel.

import { numelOf, shapesEqual } from '../../ir/shape.js';
import type { FusedGroup } from '../passes/fuse.js';
import { isArgReduce } from '../../ir/op.js';
import type { Emitter } from './emit.js';
import { lowerConvCpu, lowerMatmulCpu } from './gemm-cpu.js';
import { add, arith, lit, mul, unravel, vr, type Expr, type Kernel } from './kernel-ir.js';
import { accumulatorOf, combine, emitScanRow, emitterFor, reduceInit, rowLayout, scanRows, storeOut } from './lower-common.js';
import { cpuKernel, serialLoop, taskLoop, type CpuCodegen } from './loops-cpu.js';
import type { LowerContext } from './target-spec.js';

export type { CpuCodegen };

/** Elements per parallel task of a pointwise kernel; smaller kernels run on one thread. */
const CHUNK = 8192;

function lowerPointwise(group: FusedGroup, low: LowerContext): Kernel {
  const { em, bindings } = emitterFor(group, low);
  const n = numelOf(group.root.shape);
  const chunks = Math.ceil(n / CHUNK);
  taskLoop(em, chunks, (t) => {
    const start = mul(t, lit(CHUNK));
    const end = chunks > 1 ? arith('min', add(start, lit(CHUNK)), lit(n)) : lit(n);
    serialLoop(em, start, end, (i) => em.push(storeOut(low, group, i, em.flat(group.root, i))));
  });
  return cpuKernel(low, em, bindings, []);
}

/** Rows of `len` elements in parallel tasks of about CHUNK elements; fn(row) emits one row's work. */
function rowTasks(em: Emitter, rows: number, len: number, fn: (row: Expr) => void): void {
  const rowsPerTask = Math.max(1, Math.floor(CHUNK / Math.max(len, 1)));
  const tasks = Math.ceil(rows / rowsPerTask);
  taskLoop(em, tasks, (t) => {
    const start = mul(t, lit(rowsPerTask));
    const end = tasks > 1 ? arith('min', add(start, lit(rowsPerTask)), lit(rows)) : lit(rows);
    serialLoop(em, start, end, fn, 'row');
  });
}

/** A scan: each task walks whole rows in order (emitScanRow). */
function lowerScan(group: FusedGroup, low: LowerContext): Kernel {
  const { em, bindings } = emitterFor(group, low);
  const { rows, len } = scanRows(group.root);
  rowTasks(em, rows, len, (row) => emitScanRow(em, low, group, row));
  return cpuKernel(low, em, bindings, []);
}

function lowerRow(group: FusedGroup, low: LowerContext): Kernel {
  const { em, bindings } = emitterFor(group, low);
  const layout = rowLayout(group);
  const { full, keep, rows, fullIdx: at } = layout;
  const len = Math.max(layout.len, 1);
  rowTasks(em, rows, len, (row) => {
    const rowIdx = unravel(row, keep);
    const fullIdx = (j: Expr): Expr[] => at(rowIdx, j);
    group.reductions.forEach((r) => {
      const t = accumulatorOf(r);
      const acc = em.fresh('acc');
      const accIdx = isArgReduce(r.op) ? em.fresh('arg') : undefined;
      em.push({ k: 'decl', name: acc, t, init: reduceInit(r.op, t), mutable: true });
      if (accIdx) em.push({ k: 'decl', name: accIdx, t: 'i32', init: lit(0), mutable: true });
      serialLoop(em, lit(0), lit(len), (j) => em.push(combine(r.op, acc, t, em.at(r.inputs[0]!, fullIdx(j)), accIdx ? { acc: accIdx, v: j, ties: false } : undefined)), 'j');
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
  });
  return cpuKernel(low, em, bindings, []);
}

/** The C-style kernel of a fused group: loops parallel over tasks, GEMMs through micro-kernels. */
export function lowerGroupCpu(group: FusedGroup, low: LowerContext, cg: CpuCodegen): Kernel {
  switch (group.kind) {
    case 'pointwise': return lowerPointwise(group, low);
    case 'row': return lowerRow(group, low);
    case 'matmul': return lowerMatmulCpu(group, low, cg);
    case 'conv': return lowerConvCpu(group, low, cg);
    case 'scan': return lowerScan(group, low);
    default: return group.kind satisfies never;
  }
}
