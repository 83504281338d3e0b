// Tiled batched matmul for GPUs: workgroup tiles staged in shared memory, the batch (members) on dispatch z.

import { BackendError } from '../../ir/errors.js';
import type { FusedGroup } from '../passes/fuse.js';
import { anchorChain } from './epilogue.js';
import {
  add, div, f32, lit, mod, mul, special, unravel, vr,
  type Expr, type Kernel, type Stmt,
} from './kernel-ir.js';
import { emitterFor, kernelOf, matmulDims, stageElement, storeTileElement } from './lower-common.js';
import type { LowerContext } from './target-spec.js';

const THREADS = 16; // 16 x 16 threads per workgroup
const TK = 16;

/** Per-thread register block along one dim: 4 for large dims, smaller for small ones. */
const regBlock = (size: number): number => (size >= 64 ? 4 : size >= 32 ? 2 : 1);

/** The tiled FP32 batched matmul with its fused epilogue. */
export function lowerMatmulGpu(group: FusedGroup, low: LowerContext): Kernel {
  const { em, bindings } = emitterFor(group, low);
  const { A, B, M, K, N, batchShape, batch } = matmulDims(group, 'lowerMatmulGpu');
  if (batch > low.maxWorkgroupsPerDim) throw new BackendError(`matmul batch ${batch} exceeds ${low.maxWorkgroupsPerDim} workgroups on z; use chunkSize`);
  const RM = regBlock(M), RN = regBlock(N);
  const TM = THREADS * RM, TN = THREADS * RN;
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
  const tileLoop = em.scoped(() => {
    // Stage A (TM x TK) transposed as As[kk][row], and B (TK x TN) as Bs[kk][col]; RM and RN loads per thread.
    for (let e = 0; e < RM; e++) {
      const l = add(tid, lit(THREADS * THREADS * e));
      const row = div(l, lit(TK)), kk = mod(l, lit(TK));
      stageElement(em, 'As', add(mul(kk, lit(TM)), row), [add(vr('m0'), row), add(k0, kk)], [M, K], (m, k) => em.at(A, [...bIdx, m, k]));
    }
    for (let e = 0; e < RN; e++) {
      const l = add(tid, lit(THREADS * THREADS * e));
      const kk = div(l, lit(TN)), col = mod(l, lit(TN));
      stageElement(em, 'Bs', add(mul(kk, lit(TN)), col), [add(k0, kk), add(vr('n0'), col)], [K, N], (k, n) => em.at(B, [...bIdx, k, n]));
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
      const m = add(vr('m0'), add(ty, lit(THREADS * i))), n = add(vr('n0'), add(tx, lit(THREADS * j)));
      storeTileElement(em, low, group, chain, vr(acc(i, j), 'f32'), { bIdx, m, n, M, N });
    }
  }
  return kernelOf(low, em, bindings, {
    shared: [{ name: 'As', t: 'f32', size: TM * TK }, { name: 'Bs', t: 'f32', size: TK * TN }],
    workgroupSize: [THREADS, THREADS, 1],
    dispatch: [Math.ceil(N / TN), Math.ceil(M / TM), batch],
  });
}
