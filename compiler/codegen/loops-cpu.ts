// The CPU lowerings' loops: parallel task loops and serial loops, and the CPU kernel shape.

import type { Emitter } from './emit.js';
import type { GemmChooser } from './gemm-cpu.js';
import { lit, vr, type Binding, type Expr, type Kernel, type SharedArray } from './kernel-ir.js';
import { kernelOf } from './lower-common.js';
import type { LowerContext } from './target-spec.js';

/** What the CPU lowering needs to know about the machine it generates code for. */
export interface CpuCodegen {
  /** floats per vector register: 16 (AVX-512), 8 (AVX2), 4 (SSE, NEON). */
  readonly vlen: number;
  /** Tile sizes for a GEMM (tuned per shape, or the defaults). */
  readonly tiles: GemmChooser;
}

/** A CPU kernel: no threads or workgroups of its own (its parallel loops are tasks). */
export function cpuKernel(low: LowerContext, em: Emitter, bindings: readonly Binding[], shared: readonly SharedArray[]): Kernel {
  return kernelOf(low, em, bindings, { shared, workgroupSize: [1, 1, 1], dispatch: [1, 1, 1] });
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

