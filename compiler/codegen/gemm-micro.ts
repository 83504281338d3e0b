// GEMM micro-kernel calls in kernel IR: a `micro` statement carrying the call and the same work as a plain loop nest.

import type { Emitter } from './emit.js';
import { add, arith, lit, mul, vr, type Expr, type MicroCall, type MicroShape, type Ptr, type Stmt } from './kernel-ir.js';

/**
 * Emits a `micro` statement: the call, and its scalar loop nest (rows clamped as the routine does), so the
 * body alone is a correct program and the C renderer prints the register-blocked routine's call instead.
 */
export function emitMicro(em: Emitter, call: MicroCall): void {
  const { shape } = call;
  const NR = microCols(shape);
  const i = em.fresh('mi'), j = em.fresh('mj'), k = em.fresh('mk');
  const row = arith('min', vr(i), arith('-', call.mr, lit(1)));
  const f32load = (p: Ptr, off: Expr): Expr => ({ k: 'load', buf: p.buf, index: add(p.index, off), t: 'f32' });
  const accIdx = add(call.acc.index, add(mul(vr(i), lit(call.ldacc)), vr(j)));
  const av = f32load(call.a, shape.kind === 'nn' ? add(mul(row, call.lda), mul(vr(k), call.ak)) : add(mul(row, call.lda), vr(k)));
  const bv = shape.kind === 'nn'
    ? f32load(call.b, add(mul(vr(k), call.ldb), vr(j)))
    : f32load(call.b, add(mul(arith('min', vr(j), arith('-', call.nr, lit(1))), call.ldb), vr(k)));
  const prod: Expr = { k: 'binary', op: 'mul', a: av, b: bv, t: 'f32' };
  const sum: Expr = { k: 'binary', op: 'add', a: { k: 'load', buf: call.acc.buf, index: accIdx, t: 'f32' }, b: prod, t: 'f32' };
  const kLoop = { k: 'for' as const, v: k, start: lit(0), end: call.kc, step: lit(1), body: [{ k: 'store' as const, buf: call.acc.buf, index: accIdx, e: sum }] };
  const jLoop = { k: 'for' as const, v: j, start: lit(0), end: lit(NR), step: lit(1), body: [kLoop] };
  const loop: Stmt = { k: 'for', v: i, start: lit(0), end: lit(shape.mr), step: lit(1), body: [jLoop] };
  em.push({ k: 'micro', call, loop });
}

/** Columns of the tile a micro-kernel computes. */
export function microCols(s: MicroShape): number {
  return s.kind === 'nn' ? s.nr * s.vlen : s.nr;
}

