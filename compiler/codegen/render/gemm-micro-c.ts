// C text of the register-blocked GEMM micro-kernels the CPU lowering calls (one routine per tile shape).

import { BackendError } from '../../../ir/errors.js';
import type { MicroKind, MicroShape } from '../kernel-ir.js';

/** The routine's C name for a tile shape, e.g. `vmapc_nt_4x4_v8`. */
export function microName(s: MicroShape): string {
  return `vmapc_${s.kind}_${s.mr}x${s.nr}_v${s.vlen}`;
}

/** The tile shape of a routine name (see microName). */
export function parseMicroName(name: string): MicroShape | undefined {
  const m = /^vmapc_(nn|nt)_(\d+)x(\d+)_v(\d+)$/.exec(name);
  if (!m) return undefined;
  return { kind: m[1] as MicroKind, mr: Number(m[2]), nr: Number(m[3]), vlen: Number(m[4]) };
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
