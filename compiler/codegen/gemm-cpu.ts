// Batched GEMM on the CPU: tasks over members x row blocks, cache tiles, micro-kernel calls, fused epilogue.

import { BackendError } from '../../ir/errors.js';
import type { Node } from '../../ir/node.js';
import { numelOf } from '../../ir/shape.js';
import type { FusedGroup } from '../passes/fuse.js';
import type { Emitter } from './emit.js';
import { anchorChain, emitEpilogue } from './epilogue.js';
import { emitMicro, microCols } from './gemm-micro.js';
import {
  add, arith, clampIndex, cmp, div, f32, lit, mod, mul, ravel, select, sub, unravel, vr, windowPositions,
  type Expr, type Kernel, type MicroKind, type Ptr, type SharedArray,
} from './kernel-ir.js';
import { bindGroup, emitterFor, matmulDims, storeOut } from './lower-common.js';
import { cpuKernel, serialLoop, taskLoop, type CpuCodegen } from './loops-cpu.js';
import { stridedView } from './strided.js';
import type { LowerContext } from './target-spec.js';

/** A GEMM as the tuner sees it: sizes and which operand layouts allow direct (unpacked) micro-kernels. */
export interface GemmProblem {
  readonly batch: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** A and B are both contiguous along k (x @ W^T). */
  readonly nt: boolean;
  /** B is contiguous along n (x @ W). */
  readonly nnDirect: boolean;
  /** A is a strided view (read in place, any strides). */
  readonly aDirect: boolean;
}

export interface GemmTiles {
  readonly micro: MicroKind;
  /** Micro-tile rows. */
  readonly mr: number;
  /** nn: vectors per micro-tile row; nt: micro-tile columns. */
  readonly nr: number;
  /** Rows per parallel task (a multiple of mr, or all rows). */
  readonly mb: number;
  /** The k block (packed panels hold kc x NR floats). */
  readonly kc: number;
}

export type GemmChooser = (p: GemmProblem) => GemmTiles;

/** Floats of the per-task accumulator block (128 KiB: in L2 next to the A block). */
const ACC_FLOATS = 32768;

export const problemKey = (p: GemmProblem): string =>
  `${p.batch}x${p.m}x${p.n}x${p.k}${p.nt ? ':nt' : ''}${p.nnDirect ? ':nn' : ''}${p.aDirect ? ':a' : ''}`;

/** Sensible tiles without measuring: nt when the layout allows it, else an nn tile that fills the registers. */
export function defaultTiles(p: GemmProblem, vlen: number, threads = 2): GemmTiles {
  const micro: MicroKind = p.nt && p.k >= vlen ? 'nt' : 'nn';
  // AVX-512 has 32 vector registers, AVX2 and SSE 16: the tile's accumulators must fit with room to load.
  const wide = vlen >= 16;
  const mr = micro === 'nt' ? (wide ? 4 : 3) : wide ? 8 : 6;
  const nr = micro === 'nt' ? (wide ? 6 : 4) : 2;
  return { micro, mr, nr, mb: rowsPerTask(p, mr, threads), kc: Math.min(p.k, 256) };
}

/** Rows per task: at most 64, but enough tasks for every thread. */
export function rowsPerTask(p: Pick<GemmProblem, 'batch' | 'm'>, mr: number, threads: number, cap = 64): number {
  let mb = Math.min(Math.ceil(p.m / mr) * mr, Math.max(mr, Math.floor(cap / mr) * mr));
  while (mb > mr && p.batch * Math.ceil(p.m / mb) < 2 * threads) mb -= mr;
  return mb;
}

/** How the lowering reads one operand of the GEMM. */
interface Operands {
  readonly batch: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** Declares per-task values for batch index b; returns the anchor-index prefix and operand bases. */
  readonly setup: (em: Emitter, b: Expr) => Task;
}

interface Task {
  /** A(m, k) and B(k, n) at in-range indices. */
  readonly a: (m: Expr, k: Expr) => Expr;
  readonly b: (k: Expr, n: Expr) => Expr;
  /** A as strided memory: binding, offset of (m0=0, k=0), row and k strides. */
  readonly aMem?: { buf: string; off: Expr; lda: number; ak: number };
  /** B as strided memory: offset of (k=0, n=0), k and n strides. */
  readonly bMem?: { buf: string; off: Expr; sk: number; sn: number };
  /** The anchor's index of output element (m, n). */
  readonly outIdx: (m: Expr, n: Expr) => Expr[];
}

const ptr = (buf: string, index: Expr): Ptr => ({ buf, index });

function lowerGemm(group: FusedGroup, low: LowerContext, cg: CpuCodegen, ops: Operands, hint: { nt: boolean; nnDirect: boolean; aDirect: boolean }): Kernel {
  const { em, bindings } = emitterFor(group, low);
  const problem: GemmProblem = { batch: ops.batch, m: ops.m, n: ops.n, k: ops.k, ...hint };
  const tiles = cg.tiles(problem);
  const micro = tiles.micro === 'nt' && !hint.nt ? 'nn' : tiles.micro;
  if (tiles.mb % tiles.mr !== 0 && tiles.mb < ops.m) throw new BackendError(`GEMM tiles: mb ${tiles.mb} is not a multiple of mr ${tiles.mr}`);
  const shape = { kind: micro, mr: tiles.mr, nr: tiles.nr, vlen: cg.vlen };
  const NR = microCols(shape);
  const MB = Math.min(tiles.mb, Math.ceil(ops.m / tiles.mr) * tiles.mr);
  const KC = Math.max(1, Math.min(tiles.kc, ops.k));
  // The accumulator covers MB rows x NC columns (all of n when it fits in 128 KiB), so an A block
  // [MB x KC] stays in cache while every column tile of the k block runs over it.
  const nPad = Math.ceil(ops.n / NR) * NR;
  const NC = Math.min(nPad, Math.max(NR, Math.floor(ACC_FLOATS / MB / NR) * NR));
  const mBlocks = Math.ceil(ops.m / MB);
  const packA = micro === 'nn' && !hint.aDirect;
  const shared: SharedArray[] = [{ name: 'acc', t: 'f32', size: MB * NC }];
  if (micro === 'nn') shared.push({ name: 'bpack', t: 'f32', size: KC * NR });
  if (packA) shared.push({ name: 'apack', t: 'f32', size: MB * KC });
  const chain = anchorChain(group);
  const rowsLeft = (m1: Expr): Expr => arith('min', lit(tiles.mr), sub(vr('mb'), m1));

  taskLoop(em, ops.batch * mBlocks, (t) => {
    const b = mBlocks === 1 ? t : div(t, lit(mBlocks));
    const m0 = mBlocks === 1 ? lit(0) : mul(mod(t, lit(mBlocks)), lit(MB));
    em.push({ k: 'decl', name: 'm0', t: 'i32', init: m0, mutable: false });
    em.push({ k: 'decl', name: 'mb', t: 'i32', init: arith('min', lit(MB), sub(lit(ops.m), vr('m0'))), mutable: false });
    const task = ops.setup(em, b);
    serialLoop(em, lit(0), lit(ops.n), (nc0) => {
      em.push({ k: 'decl', name: 'nc', t: 'i32', init: arith('min', lit(NC), sub(lit(ops.n), nc0)), mutable: false });
      serialLoop(em, lit(0), lit(MB * NC), (i) => em.push({ k: 'store', buf: 'acc', index: i, e: f32(0) }), 'z');
      const kBlock = (k0: Expr): void => {
        const kc = KC >= ops.k ? lit(ops.k) : arith('min', lit(KC), sub(lit(ops.k), k0));
        if (packA) {
          serialLoop(em, lit(0), vr('mb'), (i) => serialLoop(em, lit(0), kc, (kk) => {
            em.push({ k: 'store', buf: 'apack', index: add(mul(i, lit(KC)), kk), e: task.a(add(vr('m0'), i), add(k0, kk)) });
          }, 'kk'), 'i');
        }
        serialLoop(em, nc0, add(nc0, vr('nc')), (n0) => {
          em.push({ k: 'decl', name: 'nr', t: 'i32', init: arith('min', lit(NR), sub(lit(ops.n), n0)), mutable: false });
          const accAt = (m1: Expr): Ptr => ptr('acc', add(mul(m1, lit(NC)), sub(n0, nc0)));
          if (micro === 'nt') {
            const a = task.aMem!, bm = task.bMem!;
            serialLoop(em, lit(0), vr('mb'), (m1) => emitMicro(em, {
              shape, acc: accAt(m1), ldacc: NC,
              a: ptr(a.buf, add(a.off, add(mul(add(vr('m0'), m1), lit(a.lda)), k0))), lda: lit(a.lda), ak: lit(1),
              b: ptr(bm.buf, add(bm.off, add(mul(n0, lit(bm.sn)), k0))), ldb: lit(bm.sn),
              kc, mr: rowsLeft(m1), nr: vr('nr'),
            }), 'm1', tiles.mr);
            return;
          }
          // nn: B from memory when a full tile is contiguous along n, else packed (zero beyond n).
          const callNn = (bArg: Ptr, ldb: number): void => {
            serialLoop(em, lit(0), vr('mb'), (m1) => {
              const am = task.aMem!;
              const a = packA
                ? { a: ptr('apack', mul(m1, lit(KC))), lda: lit(KC), ak: lit(1) }
                : { a: ptr(am.buf, add(am.off, add(mul(add(vr('m0'), m1), lit(am.lda)), mul(k0, lit(am.ak))))), lda: lit(am.lda), ak: lit(am.ak) };
              emitMicro(em, { shape, acc: accAt(m1), ldacc: NC, ...a, b: bArg, ldb: lit(ldb), kc, mr: rowsLeft(m1), nr: lit(NR) });
            }, 'm1', tiles.mr);
          };
          const pack = (): void => {
            serialLoop(em, lit(0), kc, (kk) => serialLoop(em, lit(0), lit(NR), (j) => {
              const n = add(n0, j);
              const v = task.b(add(k0, kk), clampIndex(n, ops.n));
              em.push({ k: 'store', buf: 'bpack', index: add(mul(kk, lit(NR)), j), e: select(cmp('<', n, lit(ops.n)), v, f32(0)) });
            }, 'j'), 'kk');
            callNn(ptr('bpack', lit(0)), NR);
          };
          const bm = task.bMem;
          if (hint.nnDirect && bm && bm.sn === 1) {
            const direct = em.scoped(() => callNn(ptr(bm.buf, add(bm.off, add(mul(k0, lit(bm.sk)), n0))), bm.sk));
            const packed = em.scoped(pack);
            em.push({ k: 'if', c: cmp('==', vr('nr'), lit(NR)), then: direct, else: packed });
          } else {
            pack();
          }
        }, 'n', NR);
      };
      if (KC >= ops.k) kBlock(lit(0));
      else {
        const k0 = em.fresh('k0');
        const body = em.scoped(() => kBlock(vr(k0)));
        em.push({ k: 'for', v: k0, start: lit(0), end: lit(ops.k), step: lit(KC), body });
      }
      // Epilogue: the fused ops at each element of the finished block, stored once.
      serialLoop(em, lit(0), vr('mb'), (i) => serialLoop(em, lit(0), vr('nc'), (j) => {
        const accV: Expr = { k: 'load', buf: 'acc', index: add(mul(i, lit(NC)), j), t: 'f32' };
        const idx = task.outIdx(add(vr('m0'), i), add(nc0, j));
        if (chain.length === 0) {
          // The root has the anchor's shape: index it directly (no flat-index division for broadcast operands).
          em.fix(group.anchor!, accV);
          em.push(storeOut(low, group, ravel(idx, group.root.shape), em.at(group.root, idx)));
        } else {
          emitEpilogue(em, group, chain, accV, idx, (flat, v) => em.push(storeOut(low, group, flat, v)));
        }
      }, 'j'), 'i');
    }, 'nc', NC);
  });
  return cpuKernel(low, em, bindings, shared);
}

/** Offset of batch index b (unravelled over batchShape) in a strided view. */
function batchOffset(bIdx: readonly Expr[], strides: readonly number[]): Expr {
  return bIdx.reduce((acc: Expr, e, i) => add(acc, mul(e, lit(strides[i]!))), lit(0));
}

/** A batched matmul with its epilogue as a CPU GEMM (nt or nn micro-kernels, packed where needed). */
export function lowerMatmulCpu(group: FusedGroup, low: LowerContext, cg: CpuCodegen): Kernel {
  const { slots } = bindGroup(group, low);
  const { A, B, M, K, N, batchShape } = matmulDims(group, 'lowerMatmulCpu');
  const r = group.anchor!.shape.length;
  const va = stridedView(A, slots), vb = stridedView(B, slots);
  const hint = {
    nt: !!va && !!vb && va.strides[r - 1] === 1 && vb.strides[r - 2] === 1,
    nnDirect: !!vb && vb.strides[r - 1] === 1,
    aDirect: !!va,
  };
  const ops: Operands = {
    batch: numelOf(batchShape), m: M, n: N, k: K,
    setup: (em, b) => {
      const bIdx = unravel(b, batchShape).map((e) => {
        if (e.k === 'lit' || e.k === 'var') return e;
        const name = em.fresh('b');
        em.push({ k: 'decl', name, t: 'i32', init: e, mutable: false });
        return vr(name);
      });
      return {
        a: (m, k) => em.at(A, [...bIdx, m, k]),
        b: (k, n) => em.at(B, [...bIdx, k, n]),
        ...(va ? { aMem: { buf: va.buf, off: add(lit(va.offset), batchOffset(bIdx, va.strides)), lda: va.strides[r - 2]!, ak: va.strides[r - 1]! } } : {}),
        ...(vb ? { bMem: { buf: vb.buf, off: add(lit(vb.offset), batchOffset(bIdx, vb.strides)), sk: vb.strides[r - 2]!, sn: vb.strides[r - 1]! } } : {}),
        outIdx: (m, n) => [...bIdx, m, n],
      };
    },
  };
  return lowerGemm(group, low, cg, ops, hint);
}

/** Conv as implicit GEMM per (image, group): W_g [og, cg*taps] times im2col [cg*taps, out positions]. */
export function lowerConvCpu(group: FusedGroup, low: LowerContext, cg: CpuCodegen): Kernel {
  const conv = group.anchor!;
  if (conv.op !== 'conv') throw new BackendError('lowerConvCpu: anchor is not a conv');
  const { slots } = bindGroup(group, low);
  const [x, w] = conv.inputs as [Node, Node];
  const { stride, padding, dilation, groups } = conv.params;
  const [Nimg, C] = x.shape as [number, number];
  const O = w.shape[0]!, cgC = C / groups, og = O / groups;
  const taps = w.shape.slice(2), outSp = conv.shape.slice(2), inSp = x.shape.slice(2);
  const KK = numelOf(taps), P = numelOf(outSp);
  const vw = stridedView(w, slots);
  // W rows are contiguous along (ci, taps) when its trailing strides are those of a dense block.
  let dense = !!vw;
  if (vw) for (let i = w.shape.length - 1, e = 1; i >= 1; e *= w.shape[i]!, i--) if (w.shape[i] !== 1 && vw.strides[i] !== e) dense = false;
  const hint = { nt: false, nnDirect: false, aDirect: dense };
  const ops: Operands = {
    batch: Nimg * groups, m: og, n: P, k: cgC * KK,
    setup: (em, b) => {
      const decl = (base: string, e: Expr): Expr => {
        if (e.k === 'lit' || e.k === 'var') return e;
        const name = em.fresh(base);
        em.push({ k: 'decl', name, t: 'i32', init: e, mutable: false });
        return vr(name);
      };
      const img = decl('img', groups === 1 ? b : div(b, lit(groups)));
      const g = decl('g', groups === 1 ? lit(0) : mod(b, lit(groups)));
      const split = (k: Expr): { ci: Expr; t: Expr[] } => ({ ci: KK === 1 ? k : div(k, lit(KK)), t: unravel(KK === 1 ? lit(0) : mod(k, lit(KK)), taps) });
      return {
        a: (m, k) => {
          const { ci, t } = split(k);
          return em.at(w, [add(mul(g, lit(og)), m), ci, ...t]);
        },
        b: (k, n) => {
          const { ci, t } = split(k);
          const { pos, inside } = windowPositions(unravel(n, outSp), t, { stride, padding, dilation }, inSp);
          return select(inside, em.at(x, [img, add(mul(g, lit(cgC)), ci), ...pos]), f32(0));
        },
        ...(vw && dense ? { aMem: { buf: vw.buf, off: add(lit(vw.offset), mul(mul(g, lit(og)), lit(vw.strides[0]!))), lda: vw.strides[0]!, ak: 1 } } : {}),
        outIdx: (m, n) => [img, add(mul(g, lit(og)), m), ...unravel(n, outSp)],
      };
    },
  };
  return lowerGemm(group, low, cg, ops, hint);
}
