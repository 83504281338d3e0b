// Tiled batched matmul for GPUs: workgroup tiles staged in shared memory, the batch (members) on dispatch z.

import { BackendError } from '../../ir/errors.js';
import type { Node } from '../../ir/node.js';
import { numelOf } from '../../ir/shape.js';
import type { FusedGroup } from '../passes/fuse.js';
import { Emitter } from './emit.js';
import { anchorChain, emitEpilogue } from './epilogue.js';
import {
  add, and, arith, cmp, div, f32, lit, mod, mul, select, special, unravel, vr,
  type Expr, type Kernel, type Stmt,
} from './kernel-ir.js';
import { bindGroup, storeOut, type GpuLowering } from './lower-gpu.js';

const THREADS = 16; // 16 x 16 threads per workgroup
const TK = 16;

/** Per-thread register block along one dim: 4 for large dims, smaller for small ones. */
const regBlock = (size: number): number => (size >= 64 ? 4 : size >= 32 ? 2 : 1);

export function lowerMatmulGpu(group: FusedGroup, low: GpuLowering): Kernel {
  const mm = group.anchor!;
  if (mm.op !== 'matmul') throw new BackendError('lowerMatmulGpu: anchor is not a matmul');
  const { bindings, slots } = bindGroup(group, low);
  const [A, B] = mm.inputs as [Node, Node];
  const r = mm.shape.length;
  const M = A.shape[r - 2]!, K = A.shape[r - 1]!, N = B.shape[r - 1]!;
  const batchShape = mm.shape.slice(0, r - 2);
  const batch = numelOf(batchShape);
  if (batch > low.maxWorkgroupsPerDim) throw new BackendError(`matmul batch ${batch} exceeds ${low.maxWorkgroupsPerDim} workgroups on z; use chunkSize`);
  const RM = regBlock(M), RN = regBlock(N);
  const TM = THREADS * RM, TN = THREADS * RN;
  const em = new Emitter(slots);
  const tx = vr('tx'), ty = vr('ty'), tid = vr('tid');
  em.push({ k: 'decl', name: 'tx', t: 'i32', init: special('lid.x'), mutable: false });
  em.push({ k: 'decl', name: 'ty', t: 'i32', init: special('lid.y'), mutable: false });
  em.push({ k: 'decl', name: 'tid', t: 'i32', init: add(mul(ty, lit(THREADS)), tx), mutable: false });
  em.push({ k: 'decl', name: 'm0', t: 'i32', init: mul(special('wid.y'), lit(TM)), mutable: false });
  em.push({ k: 'decl', name: 'n0', t: 'i32', init: mul(special('wid.x'), lit(TN)), mutable: false });
  em.push({ k: 'decl', name: 'bz', t: 'i32', init: special('wid.z'), mutable: false });
  const bIdx = unravel(vr('bz'), batchShape);
  const acc = (i: number, j: number): string => `acc_${i}_${j}`;
  for (let i = 0; i < RM; i++) for (let j = 0; j < RN; j++) em.push({ k: 'decl', name: acc(i, j), t: 'f32', init: f32(0), mutable: true });

  const k0 = vr('k0');
  const clamp = (e: Expr, size: number): Expr => arith('max', arith('min', e, lit(size - 1)), lit(0));
  const tileLoop = em.scoped(() => {
    // Stage A (TM x TK) transposed as As[kk][row], and B (TK x TN) as Bs[kk][col]; RM and RN loads per thread.
    for (let e = 0; e < RM; e++) {
      const l = add(tid, lit(THREADS * THREADS * e));
      const row = div(l, lit(TK)), kk = mod(l, lit(TK));
      const m = add(vr('m0'), row), k = add(k0, kk);
      const v = em.at(A, [...bIdx, clamp(m, M), clamp(k, K)]);
      em.push({ k: 'store', buf: 'As', index: add(mul(kk, lit(TM)), row), e: select(and(cmp('<', m, lit(M)), cmp('<', k, lit(K))), v, f32(0)) });
    }
    for (let e = 0; e < RN; e++) {
      const l = add(tid, lit(THREADS * THREADS * e));
      const kk = div(l, lit(TN)), col = mod(l, lit(TN));
      const k = add(k0, kk), n = add(vr('n0'), col);
      const v = em.at(B, [...bIdx, clamp(k, K), clamp(n, N)]);
      em.push({ k: 'store', buf: 'Bs', index: add(mul(kk, lit(TN)), col), e: select(and(cmp('<', k, lit(K)), cmp('<', n, lit(N))), v, f32(0)) });
    }
    em.push({ k: 'barrier' });
    const kk = vr('kk');
    const inner: Stmt[] = [];
    for (let i = 0; i < RM; i++) inner.push({ k: 'decl', name: `a${i}`, t: 'f32', init: { k: 'load', buf: 'As', index: add(mul(kk, lit(TM)), add(ty, lit(THREADS * i))), t: 'f32' }, mutable: false });
    for (let j = 0; j < RN; j++) inner.push({ k: 'decl', name: `b${j}`, t: 'f32', init: { k: 'load', buf: 'Bs', index: add(mul(kk, lit(TN)), add(tx, lit(THREADS * j))), t: 'f32' }, mutable: false });
    for (let i = 0; i < RM; i++) {
      for (let j = 0; j < RN; j++) {
        const prod: Expr = { k: 'binary', op: 'mul', a: vr(`a${i}`, 'f32'), b: vr(`b${j}`, 'f32'), t: 'f32' };
        inner.push({ k: 'assign', name: acc(i, j), e: { k: 'binary', op: 'add', a: vr(acc(i, j), 'f32'), b: prod, t: 'f32' } });
      }
    }
    em.push({ k: 'for', v: 'kk', start: lit(0), end: lit(TK), step: lit(1), body: inner });
    em.push({ k: 'barrier' });
  });
  em.push({ k: 'for', v: 'k0', start: lit(0), end: lit(K), step: lit(TK), body: tileLoop });

  const chain = anchorChain(group);
  for (let i = 0; i < RM; i++) {
    for (let j = 0; j < RN; j++) {
      const m = add(vr('m0'), add(ty, lit(THREADS * i)));
      const n = add(vr('n0'), add(tx, lit(THREADS * j)));
      const body = em.scoped(() => {
        emitEpilogue(em, group, chain, vr(acc(i, j), 'f32'), [...bIdx, m, n], (flat, v) => em.push(storeOut(low, group, flat, v)));
      });
      em.push({ k: 'if', c: and(cmp('<', m, lit(M)), cmp('<', n, lit(N))), then: body });
    }
  }
  return {
    name: low.name,
    label: low.label,
    usesSeed: JSON.stringify(em.statements).includes('"k":"rand"'),
    bindings,
    shared: [{ name: 'As', t: 'f32', size: TM * TK }, { name: 'Bs', t: 'f32', size: TK * TN }],
    workgroupSize: [THREADS, THREADS, 1],
    dispatch: [Math.ceil(N / TN), Math.ceil(M / TM), batch],
    body: em.statements,
  };
}
