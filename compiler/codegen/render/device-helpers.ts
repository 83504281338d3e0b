// Every math and RNG helper a kernel may call, written once per language side by side (WGSL; C and CUDA share C text).

import type { OpSemantics } from '../../../ir/semantics.js';

/** The languages kernels are printed in. */
export type KernelLanguage = 'wgsl' | 'c' | 'cuda';

/**
 * One helper. `c` is the C text shared by the C and CUDA renderers: `FN` stands for the function
 * qualifier of the language (`static inline`, `static __device__ __forceinline__`); it uses only `int`,
 * `unsigned int` and `float` (and `double` on the host side), which mean the same in both.
 */
interface DeviceHelper {
  /** Helpers it calls (emitted first). */
  readonly deps?: readonly string[];
  /** The row of ir/semantics.ts it implements, when it fixes a behaviour backends could disagree on. */
  readonly semantics?: keyof typeof OpSemantics;
  readonly wgsl?: string;
  readonly c?: string;
  /** CUDA-only text (replaces `c` for CUDA). */
  readonly cuda?: string;
}

const HELPERS: Readonly<Record<string, DeviceHelper>> = {
  // ---- non-finite constants (WGSL rejects non-finite constant expressions) ----------------------
  vmapc_nan: { wgsl: 'fn vmapc_nan() -> f32 {\n  var bits = 0x7fc00000u;\n  return bitcast<f32>(bits);\n}' },
  vmapc_inf: { wgsl: 'fn vmapc_inf() -> f32 {\n  var bits = 0x7f800000u;\n  return bitcast<f32>(bits);\n}' },

  // ---- casts ---------------------------------------------------------------------------------
  vmapc_f2i: {
    semantics: 'castFloatToInt',
    wgsl: 'fn vmapc_f2i(x: f32) -> i32 {\n  return select(0i, i32(x), x >= -2147483648.0f && x < 2147483648.0f);\n}',
    c: 'FN int vmapc_f2i(float x) { return (x >= -2147483648.0f && x < 2147483648.0f) ? (int)x : 0; }',
  },

  // ---- NaN-propagating max / min / relu / sign ------------------------------------------------
  vmapc_maximum: {
    semantics: 'nanInMaxMin',
    deps: ['vmapc_nan'],
    wgsl: 'fn vmapc_maximum(a: f32, b: f32) -> f32 {\n  return select(max(a, b), vmapc_nan(), a != a || b != b);\n}',
    c: 'FN float vmapc_maximum(float a, float b) { return (a > b || a != a) ? a : b; }',
  },
  vmapc_minimum: {
    semantics: 'nanInMaxMin',
    deps: ['vmapc_nan'],
    wgsl: 'fn vmapc_minimum(a: f32, b: f32) -> f32 {\n  return select(min(a, b), vmapc_nan(), a != a || b != b);\n}',
    c: 'FN float vmapc_minimum(float a, float b) { return (a < b || a != a) ? a : b; }',
  },
  vmapc_relu: {
    semantics: 'nanInMaxMin',
    // Drivers fold !(x <= 0) into x > 0, so NaN is tested on its own.
    wgsl: 'fn vmapc_relu(x: f32) -> f32 {\n  return select(max(x, 0.0f), x, x != x);\n}',
    c: 'FN float vmapc_relu(float x) { return (x > 0.0f || x != x) ? x : 0.0f; }',
  },
  vmapc_signf: {
    semantics: 'signOfNan',
    // WGSL's sign() may give 0 for NaN (llvmpipe does); ±0 and NaN return themselves.
    wgsl: 'fn vmapc_signf(x: f32) -> f32 {\n  return select(select(x, -1.0f, x < 0.0f), 1.0f, x > 0.0f);\n}',
    c: 'FN float vmapc_signf(float x) { return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x); }',
  },
  vmapc_mul0: {
    // x * 0.0 as IEEE has it: drivers fold it to 0, but Inf * 0 and NaN * 0 are NaN.
    deps: ['vmapc_nan'],
    wgsl: 'fn vmapc_mul0(x: f32) -> f32 {\n  return select(0.0f, vmapc_nan(), x != x || abs(x) > 3.4028234e38f);\n}',
  },
  vmapc_div0: {
    // x / 0.0 as IEEE has it (WGSL leaves division by zero to the driver; llvmpipe gives 0): the unbiased
    // variance of one element is 0 / 0.
    semantics: 'varianceOfOne',
    deps: ['vmapc_nan', 'vmapc_inf'],
    wgsl: 'fn vmapc_div0(x: f32) -> f32 {\n  return select(select(vmapc_nan(), -vmapc_inf(), x < 0.0f), vmapc_inf(), x > 0.0f);\n}',
  },

  // ---- integers ------------------------------------------------------------------------------
  vmapc_absi: { c: 'FN int vmapc_absi(int a) { return a < 0 ? -a : a; }' },
  vmapc_signi: { c: 'FN int vmapc_signi(int x) { return (x > 0) - (x < 0); }' },
  vmapc_maxi: { c: 'FN int vmapc_maxi(int a, int b) { return a > b ? a : b; }' },
  vmapc_mini: { c: 'FN int vmapc_mini(int a, int b) { return a < b ? a : b; }' },
  vmapc_powi: { c: 'FN int vmapc_powi(int a, int b) { return (int)pow((double)a, (double)b); }' },

  // ---- float math ----------------------------------------------------------------------------
  vmapc_pow: {
    // WGSL's pow is undefined for a < 0 and for 0^0; follow C's pow.
    deps: ['vmapc_nan'],
    wgsl: [
      'fn vmapc_pow(a: f32, b: f32) -> f32 {',
      '  if (b == 0.0f) { return 1.0f; }',
      '  let p = pow(abs(a), b);',
      '  if (a >= 0.0f) { return p; }',
      '  if (b != trunc(b)) { return vmapc_nan(); }',
      '  return select(p, -p, abs(b % 2.0f) == 1.0f);',
      '}',
    ].join('\n'),
  },
  vmapc_erf: {
    // WGSL has no erf: Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7). C and CUDA call erff.
    wgsl: [
      'fn vmapc_erf(x: f32) -> f32 {',
      '  let ax = abs(x);',
      '  let t = 1.0f / (1.0f + 0.3275911f * ax);',
      '  let y = 1.0f - (((((1.061405429f * t - 1.453152027f) * t) + 1.421413741f) * t - 0.284496736f) * t + 0.254829592f) * t * exp(-ax * ax);',
      '  return select(y, -y, x < 0.0f);',
      '}',
    ].join('\n'),
  },
  vmapc_log1p: {
    // WGSL has no log1p, and log(1 + x) loses x's digits near 0 (its log may also have an absolute error
    // of 2^-21): log1p(x) = 2 atanh(z), z = x / (2 + x), by its odd series where 1 + x is in [0.7, 1.42]
    // (|z| <= 0.18, 7 terms: below f32's epsilon), else log(1 + x). -1 gives -Inf, below -1 NaN. C and CUDA call log1pf.
    semantics: 'log1pExpm1NearZero',
    deps: ['vmapc_nan', 'vmapc_inf'],
    wgsl: [
      'fn vmapc_log1p(x: f32) -> f32 {',
      '  if (x > -0.3f && x < 0.42f) {',
      '    let z = x / (2.0f + x);',
      '    let z2 = z * z;',
      '    return 2.0f * z * (1.0f + z2 * (0.33333333f + z2 * (0.2f + z2 * (0.14285714f + z2 * (0.11111111f + z2 * (0.09090909f + z2 * 0.07692308f))))));',
      '  }',
      '  if (x == -1.0f) { return -vmapc_inf(); }',
      '  if (x < -1.0f) { return vmapc_nan(); }',
      '  if (x > 3.4028234e38f) { return x; }',
      '  return log(1.0f + x);',
      '}',
    ].join('\n'),
  },
  vmapc_expm1: {
    // WGSL has no expm1, and exp(x) - 1 loses x's digits near 0: its Taylor series (Horner, 9 terms) for
    // |x| < 0.35, else exp(x) - 1. C and CUDA call expm1f.
    semantics: 'log1pExpm1NearZero',
    wgsl: [
      'fn vmapc_expm1(x: f32) -> f32 {',
      '  if (abs(x) < 0.35f) {',
      '    return x * (1.0f + x * (0.5f + x * (0.16666667f + x * (0.041666668f + x * (0.008333334f + x * (0.0013888889f + x * (0.0001984127f + x * (0.0000248016f + x * 0.0000027557319f))))))));',
      '  }',
      '  return exp(x) - 1.0f;',
      '}',
    ].join('\n'),
  },
  vmapc_sigmoid: { c: 'FN float vmapc_sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }' },
  vmapc_silu: { c: 'FN float vmapc_silu(float x) { return x / (1.0f + expf(-x)); }' },
  vmapc_gelu: { c: 'FN float vmapc_gelu(float x) { return 0.5f * x * (1.0f + erff(x * 0.707106781f)); }' },
  vmapc_gelu_tanh: { c: 'FN float vmapc_gelu_tanh(float x) { return 0.5f * x * (1.0f + tanhf(0.797884561f * (x + 0.044715f * x * x * x))); }' },

  // ---- random numbers: runtime/rng.ts bit for bit (the same 32-bit finaliser, 24-bit uniforms) ----
  vmapc_hash: {
    wgsl: 'fn vmapc_hash(x0: u32) -> u32 {\n  var x = x0;\n  x = x ^ (x >> 16u);\n  x = x * 0x7feb352du;\n  x = x ^ (x >> 15u);\n  x = x * 0x846ca68bu;\n  return x ^ (x >> 16u);\n}',
    c: 'FN unsigned int vmapc_hash(unsigned int x) {\n  x ^= x >> 16; x *= 0x7feb352du; x ^= x >> 15; x *= 0x846ca68bu; return x ^ (x >> 16);\n}',
  },
  vmapc_bits: {
    deps: ['vmapc_hash'],
    wgsl: 'fn vmapc_bits(seed: u32, key: u32, i: u32) -> u32 {\n  return vmapc_hash(i ^ vmapc_hash(key ^ vmapc_hash(seed)));\n}',
    c: 'FN unsigned int vmapc_bits(unsigned int seed, unsigned int key, unsigned int i) {\n  return vmapc_hash(i ^ vmapc_hash(key ^ vmapc_hash(seed)));\n}',
  },
  vmapc_uniform: {
    semantics: 'randomPrecision',
    deps: ['vmapc_bits'],
    wgsl: 'fn vmapc_uniform(seed: u32, key: u32, i: u32) -> f32 {\n  return f32(vmapc_bits(seed, key, i) >> 8u) * 5.9604645e-8f;\n}',
    c: 'FN float vmapc_uniform(unsigned int seed, unsigned int key, unsigned int i) {\n  return (float)(vmapc_bits(seed, key, i) >> 8) * 5.9604644775390625e-8f;\n}',
  },
  vmapc_normal: {
    // Box-Muller. C and CUDA compute it in double and round once (equal to the reference's f64 up to the
    // last bit of f32); WGSL has no f64 and computes it in f32.
    semantics: 'randomPrecision',
    deps: ['vmapc_bits'],
    wgsl: [
      'fn vmapc_normal(seed: u32, key: u32, i: u32) -> f32 {',
      '  let u1 = (f32(vmapc_bits(seed, key, 2u * i) >> 8u) + 1.0f) * 5.9604645e-8f;',
      '  let u2 = f32(vmapc_bits(seed, key, 2u * i + 1u) >> 8u) * 5.9604645e-8f;',
      '  return sqrt(-2.0f * log(u1)) * cos(6.28318531f * u2);',
      '}',
    ].join('\n'),
    c: [
      'FN float vmapc_normal(unsigned int seed, unsigned int key, unsigned int i) {',
      '  const double u1 = ((double)(vmapc_bits(seed, key, 2u * i) >> 8) + 1.0) * 5.9604644775390625e-8;',
      '  const double u2 = (double)(vmapc_bits(seed, key, 2u * i + 1u) >> 8) * 5.9604644775390625e-8;',
      '  return (float)(sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));',
      '}',
    ].join('\n'),
  },

  // ---- CUDA tensor cores: round to TF32 (nearest, ties away), then one m16n8k8 step in f32 ----
  vmapc_tf32: {
    cuda: 'FN unsigned int vmapc_tf32(float x) {\n  unsigned int r;\n  asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(x));\n  return r;\n}',
  },
  vmapc_mma_tf32: {
    cuda: [
      'FN void vmapc_mma_tf32(float& d0, float& d1, float& d2, float& d3, unsigned int a0, unsigned int a1, unsigned int a2, unsigned int a3, unsigned int b0, unsigned int b1) {',
      '  asm volatile("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};"',
      '               : "+f"(d0), "+f"(d1), "+f"(d2), "+f"(d3)',
      '               : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1));',
      '}',
    ].join('\n'),
  },
};

const QUALIFIER: { readonly [L in KernelLanguage]: string } = { wgsl: '', c: 'static inline', cuda: 'static __device__ __forceinline__' };

function textOf(name: string, lang: KernelLanguage): string | undefined {
  const h = HELPERS[name]!;
  const code = lang === 'wgsl' ? h.wgsl : lang === 'cuda' ? h.cuda ?? h.c : h.c;
  return code?.replace(/^FN /gm, `${QUALIFIER[lang]} `);
}

/** The include guard every helper and prelude piece of the C family sits under (plans concatenate kernels). */
export function guarded(name: string, code: string): string {
  return `#ifndef VMAPC_HAVE_${name}\n#define VMAPC_HAVE_${name}\n${code}\n#endif`;
}

/**
 * The helpers `text` calls in `lang`, their dependencies first, in the table's order. C-family helpers
 * come under include guards; WGSL helpers are plain functions (one kernel per module).
 */
export function helpersFor(text: string, lang: KernelLanguage): string[] {
  const out: string[] = [];
  const add = (name: string): void => {
    if (out.includes(name)) return;
    for (const d of HELPERS[name]!.deps ?? []) add(d);
    out.push(name);
  };
  for (const name of Object.keys(HELPERS)) if (text.includes(`${name}(`) && textOf(name, lang) !== undefined) add(name);
  return out.flatMap((name) => {
    const code = textOf(name, lang);
    if (code === undefined) return [];
    return [lang === 'wgsl' ? code : guarded(name, code)];
  });
}
