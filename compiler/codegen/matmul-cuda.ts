// CUDA's tensor-core matmul: 64x64 block tiles, 4 warps of 32x32, TF32 mma.sync m16n8k8 steps marked for the renderer.

import { BackendError } from '../../ir/errors.js';
import type { Node } from '../../ir/node.js';
import type { FusedGroup } from '../passes/fuse.js';
import { anchorChain } from './epilogue.js';
import {
  add, div, f32, lit, mod, mul, special, unravel, vr,
  type Expr, type Kernel, type MmaStep, type Stmt,
} from './kernel-ir.js';
import { emitterFor, kernelOf, matmulDims, stageElement, storeTileElement } from './lower-common.js';
import type { LowerContext } from './target-spec.js';

/** Block tile, k tile and the warp grid: 2 x 2 warps, each 32 x 32 = 2 m16 fragments x 4 n8 fragments. */
export const MMA_TILE = { BM: 64, BN: 64, BK: 32, WARPS_M: 2, WARPS_N: 2, FRAG_M: 2, FRAG_N: 4 } as const;
const THREADS = 32 * MMA_TILE.WARPS_M * MMA_TILE.WARPS_N;

/** Whether the tensor-core tiling pays for this matmul: every dim at least one fragment. */
export function mmaFits(group: FusedGroup): boolean {
  const mm = group.anchor;
  if (group.kind !== 'matmul' || !mm || mm.op !== 'matmul') return false;
  const r = mm.shape.length;
  const [A, B] = mm.inputs as [Node, Node];
  return A.shape[r - 2]! >= 16 && A.shape[r - 1]! >= 16 && B.shape[r - 1]! >= 16;
}

/**
 * Whether the last two axes of an operand are transposed in memory (a permute that swaps them, under
 * broadcasts of the leading axes): then its second-to-last axis is the contiguous one.
 */
export function transposedInMemory(node: Node): boolean {
  const r = node.shape.length;
  if (node.op === 'permute') {
    const p = node.params.perm;
    if (p[r - 1] === r - 2 && p[r - 2] === r - 1) return true;
    if (p[r - 1] === r - 1 && p[r - 2] === r - 2) return transposedInMemory(node.inputs[0]!);
    return false;
  }
  if (node.op === 'expand') return transposedInMemory(node.inputs[0]!);
  return false;
}

/**
 * A shared tile of rows x cols, stored row-major or column-major so that the operand's contiguous axis in
 * global memory stays contiguous (coalesced staging, conflict-free stores). The padding makes the fragment
 * reads of a warp (8 groups g x 4 threads t) hit 32 different banks: a stride of 4 mod 32 when t walks the
 * contiguous axis, 8 mod 32 when g does.
 */
interface TileLayout {
  readonly size: number;
  readonly index: (row: Expr, col: Expr) => Expr;
  /** Maps a thread's staging element l to (row, col); consecutive l walk the contiguous axis. */
  readonly stage: (l: Expr) => [Expr, Expr];
}

function tileLayout(rows: number, cols: number, rowMajor: boolean, pad: number): TileLayout {
  if (rowMajor) {
    const stride = cols + pad;
    return { size: rows * stride, index: (r, c) => add(mul(r, lit(stride)), c), stage: (l) => [div(l, lit(cols)), mod(l, lit(cols))] };
  }
  const stride = rows + pad;
  return { size: cols * stride, index: (r, c) => add(mul(c, lit(stride)), r), stage: (l) => [mod(l, lit(rows)), div(l, lit(rows))] };
}

/**
 * The tensor-core matmul: each k8 step is an `mma` statement whose `loop` is the same step in plain FP32
 * (reading the same shared-memory words into the same accumulators), so a renderer without tensor cores
 * prints a correct exact kernel.
 */
export function lowerMatmulTf32(group: FusedGroup, low: LowerContext): Kernel {
  const { BM, BN, BK, WARPS_N, FRAG_M, FRAG_N } = MMA_TILE;
  const { em, bindings } = emitterFor(group, low);
  const { A, B, M, K, N, batchShape, batch } = matmulDims(group, 'lowerMatmulTf32');
  if (batch > low.maxWorkgroupsPerDim) throw new BackendError(`matmul batch ${batch} exceeds ${low.maxWorkgroupsPerDim} blocks on z; use chunkSize`);
  // A is staged as an m x k tile, B as a k x n tile (see tileLayout for the orientation and padding).
  const aRowMajor = !transposedInMemory(A), bRowMajor = !transposedInMemory(B);
  const aTile = tileLayout(BM, BK, aRowMajor, aRowMajor ? 4 : 8);
  const bTile = tileLayout(BK, BN, bRowMajor, bRowMajor ? 8 : 4);

  const decl = (name: string, init: Expr): void => em.push({ k: 'decl', name, t: 'i32', init, mutable: false });
  decl('tid', special('lid.x'));
  decl('lane', mod(vr('tid'), lit(32)));
  decl('warp', div(vr('tid'), lit(32)));
  decl('g', div(vr('lane'), lit(4)));
  decl('t4', mod(vr('lane'), lit(4)));
  decl('wm', mul(div(vr('warp'), lit(WARPS_N)), lit(32)));
  decl('wn', mul(mod(vr('warp'), lit(WARPS_N)), lit(32)));
  decl('m0', mul(special('wid.y'), lit(BM)));
  decl('n0', mul(special('wid.x'), lit(BN)));
  decl('bz', special('wid.z'));
  const bIdx = unravel(vr('bz'), batchShape);
  const acc = (mi: number, ni: number, q: number): string => `c_${mi}_${ni}_${q}`;
  for (let mi = 0; mi < FRAG_M; mi++) for (let ni = 0; ni < FRAG_N; ni++) for (let q = 0; q < 4; q++) em.push({ k: 'decl', name: acc(mi, ni, q), t: 'f32', init: f32(0), mutable: true });

  const k0 = vr('k0');
  const g = vr('g'), t4 = vr('t4'), ks = vr('ks');
  // Fragment coordinates inside the block tile (PTX ISA, mma.m16n8k8 with .tf32).
  const fragRow = (mi: number, half: number): Expr => add(vr('wm'), add(g, lit(mi * 16 + half * 8)));
  const fragCol = (ni: number, c: number): Expr => add(vr('wn'), add(mul(t4, lit(2)), lit(ni * 8 + c)));
  const aAt = (mi: number, half: number, kOff: Expr): Expr => aTile.index(fragRow(mi, half), kOff);

  const tileLoop = em.scoped(() => {
    for (let e = 0; e < (BM * BK) / THREADS; e++) {
      const [row, kk] = aTile.stage(add(vr('tid'), lit(THREADS * e)));
      stageElement(em, 'As', aTile.index(row, kk), [add(vr('m0'), row), add(k0, kk)], [M, K], (m, k) => em.at(A, [...bIdx, m, k]));
    }
    for (let e = 0; e < (BK * BN) / THREADS; e++) {
      const [kk, col] = bTile.stage(add(vr('tid'), lit(THREADS * e)));
      stageElement(em, 'Bs', bTile.index(kk, col), [add(k0, kk), add(vr('n0'), col)], [K, N], (k, n) => em.at(B, [...bIdx, k, n]));
    }
    em.push({ k: 'barrier' });
    // The k8 step in plain FP32: what the mma computes, element by element (the renderer may replace it).
    const k8 = vr('k8');
    const kAt = add(ks, k8);
    const step: Stmt[] = [];
    for (let mi = 0; mi < FRAG_M; mi++) for (let h = 0; h < 2; h++) step.push({ k: 'decl', name: `av${mi}_${h}`, t: 'f32', init: { k: 'load', buf: 'As', index: aAt(mi, h, kAt), t: 'f32' }, mutable: false });
    for (let ni = 0; ni < FRAG_N; ni++) for (let c = 0; c < 2; c++) step.push({ k: 'decl', name: `bv${ni}_${c}`, t: 'f32', init: { k: 'load', buf: 'Bs', index: bTile.index(kAt, fragCol(ni, c)), t: 'f32' }, mutable: false });
    for (let mi = 0; mi < FRAG_M; mi++) {
      for (let ni = 0; ni < FRAG_N; ni++) {
        for (let q = 0; q < 4; q++) {
          const prod: Expr = { k: 'binary', op: 'mul', a: vr(`av${mi}_${q >> 1}`, 'f32'), b: vr(`bv${ni}_${q & 1}`, 'f32'), t: 'f32' };
          step.push({ k: 'assign', name: acc(mi, ni, q), e: { k: 'binary', op: 'add', a: vr(acc(mi, ni, q), 'f32'), b: prod, t: 'f32' } });
        }
      }
    }
    const mma: MmaStep = {
      aBuf: 'As',
      bBuf: 'Bs',
      a: Array.from({ length: FRAG_M }, (_, mi) => [aAt(mi, 0, add(ks, t4)), aAt(mi, 1, add(ks, t4)), aAt(mi, 0, add(ks, add(t4, lit(4)))), aAt(mi, 1, add(ks, add(t4, lit(4))))] as const),
      b: Array.from({ length: FRAG_N }, (_, ni) => {
        const col = add(vr('wn'), add(g, lit(ni * 8)));
        return [bTile.index(add(ks, t4), col), bTile.index(add(ks, add(t4, lit(4))), col)] as const;
      }),
      acc: Array.from({ length: FRAG_M }, (_, mi) => Array.from({ length: FRAG_N }, (_, ni) => [acc(mi, ni, 0), acc(mi, ni, 1), acc(mi, ni, 2), acc(mi, ni, 3)] as const)),
    };
    const plain: Stmt = { k: 'for', v: 'k8', start: lit(0), end: lit(8), step: lit(1), body: step };
    em.push({ k: 'for', v: 'ks', start: lit(0), end: lit(BK), step: lit(8), body: [{ k: 'mma', step: mma, loop: plain }] });
    em.push({ k: 'barrier' });
  });
  em.push({ k: 'for', v: 'k0', start: lit(0), end: lit(K), step: lit(BK), body: tileLoop });

  const chain = anchorChain(group);
  for (let mi = 0; mi < FRAG_M; mi++) {
    for (let ni = 0; ni < FRAG_N; ni++) {
      for (let q = 0; q < 4; q++) {
        const m = add(vr('m0'), fragRow(mi, q >> 1)), n = add(vr('n0'), fragCol(ni, q & 1));
        storeTileElement(em, low, group, chain, vr(acc(mi, ni, q), 'f32'), { bIdx, m, n, M, N });
      }
    }
  }
  return kernelOf(low, em, bindings, {
    label: `${low.label} (tf32 mma)`,
    shared: [{ name: 'As', t: 'f32', size: aTile.size }, { name: 'Bs', t: 'f32', size: bTile.size }],
    workgroupSize: [THREADS, 1, 1],
    dispatch: [Math.ceil(N / BN), Math.ceil(M / BM), batch],
  });
}
