// C source of the register-blocked GEMM micro-kernels the CPU lowering calls, generated per tile shape.

import { BackendError } from '../../ir/errors.js';
import type { Emitter } from './emit.js';
import { add, arith, lit, mul, vr, type Expr, type Kernel } from './kernel-ir.js';

/**
 * Two micro-kernels, both accumulating an MR x NR tile into `acc` (row stride `ldacc` floats):
 * - nn: B rows are contiguous along n (NR = NRV vectors); A elements are broadcast (any strides).
 *   Used for x @ W, for packed panels (conv as implicit GEMM) and for edges.
 * - nt: A and B are both contiguous along k (x @ W^T, nn.Linear's layout): vectors run along k and
 *   the MR x NR vector accumulators are summed across lanes once at the end (a shuffle tree).
 * Vectors are GCC/Clang vector extensions of VLEN floats: -march picks AVX-512, AVX2 or SSE/NEON code.
 */
export type MicroKind = 'nn' | 'nt';

export interface MicroShape {
  readonly kind: MicroKind;
  readonly mr: number;
  /** nn: vectors per row (NR = nrv * vlen); nt: columns. */
  readonly nr: number;
  readonly vlen: number;
}

export function microName(s: MicroShape): string {
  return `vmapc_${s.kind}_${s.mr}x${s.nr}_v${s.vlen}`;
}

export function parseMicroName(name: string): MicroShape | undefined {
  const m = /^vmapc_(nn|nt)_(\d+)x(\d+)_v(\d+)$/.exec(name);
  if (!m) return undefined;
  return { kind: m[1] as MicroKind, mr: Number(m[2]), nr: Number(m[3]), vlen: Number(m[4]) };
}

/** An address: element `index` of a binding or shared array. */
export interface Ptr {
  readonly buf: string;
  readonly index: Expr;
}

/** One micro-kernel call: tile `acc` (row stride microCols) += A (mr rows) x B over kc. */
export interface MicroCall {
  readonly shape: MicroShape;
  readonly acc: Ptr;
  /** Row stride of the accumulator block, in floats. */
  readonly ldacc: number;
  readonly a: Ptr;
  readonly lda: Expr;
  /** nn only: A's k stride (nt reads A contiguously along k). */
  readonly ak: Expr;
  readonly b: Ptr;
  /** nn: B's k stride (n is contiguous); nt: B's n stride (k is contiguous). */
  readonly ldb: Expr;
  readonly kc: Expr;
  readonly mr: Expr;
  /** nt only: valid columns (the rest repeat the last). */
  readonly nr: Expr;
}

/**
 * A CPU kernel: kernel IR plus the loops that are micro-kernel calls. Each such loop is a plain scalar
 * loop nest with the same result, so the body alone is a correct program; the C renderer prints the
 * call to the register-blocked routine in its place.
 */
export interface CpuKernel extends Kernel {
  readonly micro: ReadonlyMap<string, MicroCall>;
}

export function isCpuKernel(k: Kernel): k is CpuKernel {
  return (k as Partial<CpuKernel>).micro instanceof Map;
}

/** Emits the scalar loop nest of `call` (rows clamped as the routine does) and registers it under its loop variable. */
export function emitMicro(em: Emitter, calls: Map<string, MicroCall>, call: MicroCall): void {
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
  em.push({ k: 'for', v: i, start: lit(0), end: lit(shape.mr), step: lit(1), body: [jLoop] });
  calls.set(i, call);
}

/** Columns of the tile a micro-kernel computes. */
export function microCols(s: MicroShape): number {
  return s.kind === 'nn' ? s.nr * s.vlen : s.nr;
}

/** The vector type, loads/stores that tolerate any alignment, and a broadcast, for VLEN floats. */
export function vectorPrelude(vlen: number): string {
  const t = `vmapc_f${vlen}`;
  return [
    `typedef float ${t} __attribute__((vector_size(${vlen * 4})));`,
    `static inline ${t} ${t}_ld(const float* p) { ${t} v; memcpy(&v, p, sizeof v); return v; }`,
    `static inline void ${t}_st(float* p, ${t} v) { memcpy(p, &v, sizeof v); }`,
    `static inline ${t} ${t}_bc(float x) { return (${t}){0} + x; }`,
  ].join('\n');
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function nnSource(s: MicroShape): string {
  const v = `vmapc_f${s.vlen}`, V = s.vlen;
  const out: string[] = [];
  out.push(`/* acc[i][j] += sum_k A[i*lda + k*ak] * B[k*ldb + j] for an ${s.mr} x ${s.nr * V} tile; rows past mr repeat row mr-1. */`);
  out.push(`static inline void ${microName(s)}(float* restrict acc, int32_t ldacc, const float* restrict A, int32_t lda, int32_t ak, const float* restrict B, int32_t ldb, int32_t kc, int32_t mr) {`);
  for (const i of range(s.mr)) out.push(`  const float* restrict a${i} = A + (int64_t)(${i} < mr ? ${i} : mr - 1) * lda;`);
  for (const i of range(s.mr)) for (const j of range(s.nr)) out.push(`  ${v} c${i}_${j} = ${v}_ld(acc + ${i} * ldacc + ${j * V});`);
  out.push('  for (int32_t k = 0; k < kc; k++) {');
  out.push('    const float* restrict b = B + (int64_t)k * ldb;');
  for (const j of range(s.nr)) out.push(`    const ${v} b${j} = ${v}_ld(b + ${j * V});`);
  out.push('    const int64_t ka = (int64_t)k * ak;');
  for (const i of range(s.mr)) {
    out.push(`    { const ${v} x = ${v}_bc(a${i}[ka]);${range(s.nr).map((j) => ` c${i}_${j} += x * b${j};`).join('')} }`);
  }
  out.push('  }');
  for (const i of range(s.mr)) for (const j of range(s.nr)) out.push(`  ${v}_st(acc + ${i} * ldacc + ${j * V}, c${i}_${j});`);
  out.push('}');
  return out.join('\n');
}

/**
 * Sums each of `names` across its lanes into the first names.length lanes of one vector: pairs are
 * folded with two shuffles and an add per level (halving the lanes each accumulator occupies).
 */
function laneSums(names: string[], vlen: number, v: string, emit: (line: string) => void, fresh: () => string): string {
  let items = [...names];
  let width = vlen; // lanes per accumulator in each item
  let per = 1; // accumulators per item
  while (width > 1) {
    const next: string[] = [];
    const g = width / 2;
    for (let p = 0; p < items.length; p += 2) {
      const x = items[p]!, y = items[p + 1] ?? `((${v}){0})`;
      // Groups of `width` lanes: take the first halves of each group of x then y, and the second halves.
      const lo: number[] = [], hi: number[] = [];
      for (let src = 0; src < 2; src++) {
        for (let q = 0; q < per; q++) {
          for (let l = 0; l < g; l++) {
            lo.push(src * vlen + q * width + l);
            hi.push(src * vlen + q * width + g + l);
          }
        }
      }
      const name = fresh();
      emit(`  const ${v} ${name} = __builtin_shufflevector(${x}, ${y}, ${lo.join(', ')}) + __builtin_shufflevector(${x}, ${y}, ${hi.join(', ')});`);
      next.push(name);
    }
    items = next;
    width = g;
    per *= 2;
  }
  // Each item now holds `per` sums (some of them zero padding); merge the items when there are several.
  if (items.length !== 1) throw new BackendError(`laneSums: ${names.length} accumulators do not fit one ${vlen}-lane vector`);
  return items[0]!;
}

function ntSource(s: MicroShape): string {
  const v = `vmapc_f${s.vlen}`, V = s.vlen;
  const out: string[] = [];
  out.push(`/* acc[i][j] += sum_k A[i*lda + k] * B[j*ldb + k] for an ${s.mr} x ${s.nr} tile; rows past mr / columns past nr repeat the last. */`);
  out.push(`static inline void ${microName(s)}(float* restrict acc, int32_t ldacc, const float* restrict A, int32_t lda, const float* restrict B, int32_t ldb, int32_t kc, int32_t mr, int32_t nr) {`);
  for (const i of range(s.mr)) out.push(`  const float* restrict a${i} = A + (int64_t)(${i} < mr ? ${i} : mr - 1) * lda;`);
  for (const j of range(s.nr)) out.push(`  const float* restrict b${j} = B + (int64_t)(${j} < nr ? ${j} : nr - 1) * ldb;`);
  for (const i of range(s.mr)) for (const j of range(s.nr)) out.push(`  ${v} c${i}_${j} = (${v}){0};`);
  out.push('  int32_t k = 0;');
  out.push(`  for (; k + ${V} <= kc; k += ${V}) {`);
  for (const i of range(s.mr)) out.push(`    const ${v} x${i} = ${v}_ld(a${i} + k);`);
  for (const j of range(s.nr)) out.push(`    const ${v} y${j} = ${v}_ld(b${j} + k);`);
  for (const i of range(s.mr)) out.push(`   ${range(s.nr).map((j) => ` c${i}_${j} += x${i} * y${j};`).join('')}`);
  out.push('  }');
  // Lane sums: when the tile fits one vector, reduce all of it at once; otherwise row by row.
  const rowsPerVec = Math.max(1, Math.floor(V / nextPow2(s.nr)));
  let counter = 0;
  const fresh = (): string => `r${counter++}`;
  out.push(`  float s[${s.mr}][${V}] __attribute__((aligned(64)));`);
  // __builtin_shufflevector needs Clang or GCC 12; older compilers sum the lanes one by one.
  out.push('#if defined(__clang__) || __GNUC__ >= 12');
  for (let i0 = 0; i0 < s.mr; i0 += rowsPerVec) {
    const rows = range(Math.min(rowsPerVec, s.mr - i0)).map((d) => i0 + d);
    const names: string[] = [];
    for (const i of rows) {
      for (const j of range(nextPow2(s.nr))) names.push(j < s.nr ? `c${i}_${j}` : `((${v}){0})`);
    }
    const total = laneSums(names, V, v, (l) => out.push(l), fresh);
    out.push(`  ${v}_st(s[${i0}], ${total});`);
    // Unpack: the lanes hold row i0+d, column j at d * nextPow2(nr) + j; copy them to their rows.
    for (const [d, i] of rows.entries()) {
      if (d === 0) continue;
      out.push(`  for (int32_t j = 0; j < ${s.nr}; j++) s[${i}][j] = s[${i0}][${d * nextPow2(s.nr)} + j];`);
    }
  }
  out.push('#else');
  for (const i of range(s.mr)) for (const j of range(s.nr)) out.push(`  { float t = 0.0f; for (int32_t l = 0; l < ${V}; l++) t += c${i}_${j}[l]; s[${i}][${j}] = t; }`);
  out.push('#endif');
  out.push('  for (; k < kc; k++) {');
  for (const i of range(s.mr)) out.push(`   ${range(s.nr).map((j) => ` s[${i}][${j}] += a${i}[k] * b${j}[k];`).join('')}`);
  out.push('  }');
  out.push(`  for (int32_t i = 0; i < ${s.mr}; i++) for (int32_t j = 0; j < ${s.nr}; j++) acc[i * ldacc + j] += s[i][j];`);
  out.push('}');
  return out.join('\n');
}

function nextPow2(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(n, 1)));
}

/** The C definition of the micro-kernel called `name` (see microName). */
export function microSource(name: string): string {
  const s = parseMicroName(name);
  if (!s) throw new BackendError(`unknown CPU routine ${name}`);
  if (s.kind === 'nt' && nextPow2(s.nr) > s.vlen) throw new BackendError(`${name}: nt tiles need nr <= the vector length ${s.vlen}`);
  return s.kind === 'nn' ? nnSource(s) : ntSource(s);
}
