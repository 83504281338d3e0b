// The WGSL renderer: tables of op syntax plus one kernel template.

import type { BinaryOp, UnaryOp } from '../../../ir/op.js';
import type { Expr, Kernel, Scalar, Stmt } from '../kernel-ir.js';
import { finiteF32 } from './float-literal.js';

const TYPE: { readonly [S in Scalar]: string } = { f32: 'f32', i32: 'i32', u32: 'u32', bool: 'bool' };

function fmtF32(v: number): string {
  // WGSL rejects non-finite constant expressions, so these come from helpers evaluated at run time.
  if (Number.isNaN(v)) return 'vmapc_nan()';
  if (v === Infinity) return 'vmapc_inf()';
  if (v === -Infinity) return '(-vmapc_inf())';
  return finiteF32(v, 'wgsl');
}

export function literal(v: number, t: Scalar): string {
  switch (t) {
    case 'f32': return fmtF32(v);
    case 'i32': return v === -2147483648 ? '(-2147483647i - 1i)' : `${v}i`;
    case 'u32': return `${v >>> 0}u`;
    case 'bool': return v ? 'true' : 'false';
    default: return t satisfies never;
  }
}

const zero = (t: Scalar): string => literal(0, t);

/** IR unary ops in WGSL; t is the operand type (f32 or i32). */
const UNARY: { readonly [O in UnaryOp]: (x: string, t: Scalar) => string } = {
  neg: (x) => `(-${x})`,
  abs: (x) => `abs(${x})`,
  sign: (x) => `sign(${x})`,
  exp: (x) => `exp(${x})`,
  log: (x) => `log(${x})`,
  sqrt: (x) => `sqrt(${x})`,
  rsqrt: (x) => `inverseSqrt(${x})`,
  recip: (x) => `(1.0f / ${x})`,
  sin: (x) => `sin(${x})`,
  cos: (x) => `cos(${x})`,
  // Clamped: tanh(15) is 1 in f32, and some drivers overflow inside tanh for large |x|; clamp would turn NaN into 15.
  tanh: (x) => `select(tanh(clamp(${x}, -15.0f, 15.0f)), ${x}, ${x} != ${x})`,
  erf: (x) => `vmapc_erf(${x})`,
  sigmoid: (x) => `(1.0f / (1.0f + exp(-${x})))`,
  // WGSL's max/min may drop a NaN operand, and drivers fold !(x <= 0) into x > 0; keep NaN as the CPU reference does.
  relu: (x, t) => (t === 'f32' ? `select(max(${x}, 0.0f), ${x}, ${x} != ${x})` : `max(${x}, ${zero(t)})`),
  gelu: (x) => `(0.5f * ${x} * (1.0f + vmapc_erf(${x} * 0.707106781f)))`,
  gelu_tanh: (x) => `(0.5f * ${x} * (1.0f + tanh(clamp(0.797884561f * (${x} + 0.044715f * ${x} * ${x} * ${x}), -15.0f, 15.0f))))`,
  silu: (x) => `(${x} / (1.0f + exp(-${x})))`,
};

const mask = (cond: string, t: Scalar): string => `select(${zero(t)}, ${literal(1, t)}, ${cond})`;

const BINARY: { readonly [O in BinaryOp]: (a: string, b: string, t: Scalar) => string } = {
  add: (a, b) => `(${a} + ${b})`,
  sub: (a, b) => `(${a} - ${b})`,
  mul: (a, b) => `(${a} * ${b})`,
  div: (a, b) => `(${a} / ${b})`,
  pow: (a, b) => `vmapc_pow(${a}, ${b})`,
  maximum: (a, b, t) => (t === 'f32' ? `vmapc_maximum(${a}, ${b})` : `max(${a}, ${b})`),
  minimum: (a, b, t) => (t === 'f32' ? `vmapc_minimum(${a}, ${b})` : `min(${a}, ${b})`),
  cmp_lt: (a, b, t) => mask(`${a} < ${b}`, t),
  cmp_le: (a, b, t) => mask(`${a} <= ${b}`, t),
  cmp_gt: (a, b, t) => mask(`${a} > ${b}`, t),
  cmp_ge: (a, b, t) => mask(`${a} >= ${b}`, t),
  cmp_eq: (a, b, t) => mask(`${a} == ${b}`, t),
  cmp_ne: (a, b, t) => mask(`${a} != ${b}`, t),
};

/** Helper functions, included only when a kernel calls them. */
const HELPERS: Record<string, string> = {
  vmapc_inf: `fn vmapc_inf() -> f32 {
  var bits = 0x7f800000u;
  return bitcast<f32>(bits);
}`,
  vmapc_f2i: `fn vmapc_f2i(x: f32) -> i32 {
  return select(i32(x), 0i, x != x || abs(x) > 3.4028234e38f);
}`,
  vmapc_mul0: `fn vmapc_mul0(x: f32) -> f32 {
  return select(0.0f, vmapc_nan(), x != x || abs(x) > 3.4028234e38f);
}`,
  vmapc_nan: `fn vmapc_nan() -> f32 {
  var bits = 0x7fc00000u;
  return bitcast<f32>(bits);
}`,
  vmapc_erf: `fn vmapc_erf(x: f32) -> f32 {
  // Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7).
  let ax = abs(x);
  let t = 1.0f / (1.0f + 0.3275911f * ax);
  let y = 1.0f - (((((1.061405429f * t - 1.453152027f) * t) + 1.421413741f) * t - 0.284496736f) * t + 0.254829592f) * t * exp(-ax * ax);
  return select(y, -y, x < 0.0f);
}`,
  vmapc_maximum: `fn vmapc_maximum(a: f32, b: f32) -> f32 {
  // torch.maximum: NaN if either is NaN (WGSL's max may return the other operand).
  return select(max(a, b), vmapc_nan(), a != a || b != b);
}`,
  vmapc_minimum: `fn vmapc_minimum(a: f32, b: f32) -> f32 {
  return select(min(a, b), vmapc_nan(), a != a || b != b);
}`,
  vmapc_pow: `fn vmapc_pow(a: f32, b: f32) -> f32 {
  // WGSL pow is undefined for a < 0 and for 0^0; follow C's pow.
  if (b == 0.0f) { return 1.0f; }
  let p = pow(abs(a), b);
  if (a >= 0.0f) { return p; }
  if (b != trunc(b)) { return vmapc_nan(); }
  return select(p, -p, abs(b % 2.0f) == 1.0f);
}`,
  vmapc_bits: `fn vmapc_hash(x0: u32) -> u32 {
  var x = x0;
  x = x ^ (x >> 16u);
  x = x * 0x7feb352du;
  x = x ^ (x >> 15u);
  x = x * 0x846ca68bu;
  return x ^ (x >> 16u);
}
fn vmapc_bits(seed: u32, key: u32, i: u32) -> u32 {
  return vmapc_hash(i ^ vmapc_hash(key ^ vmapc_hash(seed)));
}
fn vmapc_uniform(seed: u32, key: u32, i: u32) -> f32 {
  return f32(vmapc_bits(seed, key, i) >> 8u) * 5.9604645e-8f;
}
fn vmapc_normal(seed: u32, key: u32, i: u32) -> f32 {
  let u1 = (f32(vmapc_bits(seed, key, 2u * i) >> 8u) + 1.0f) * 5.9604645e-8f;
  let u2 = f32(vmapc_bits(seed, key, 2u * i + 1u) >> 8u) * 5.9604645e-8f;
  return sqrt(-2.0f * log(u1)) * cos(6.28318531f * u2);
}`,
};

const SPECIAL: Record<string, string> = {
  'gid.x': 'i32(g_id.x)', 'gid.y': 'i32(g_id.y)', 'gid.z': 'i32(g_id.z)',
  'lid.x': 'i32(l_id.x)', 'lid.y': 'i32(l_id.y)', 'lid.z': 'i32(l_id.z)',
  'wid.x': 'i32(w_id.x)', 'wid.y': 'i32(w_id.y)', 'wid.z': 'i32(w_id.z)',
};

class WgslPrinter {
  constructor(private readonly storage: ReadonlySet<string>) {}

  expr(e: Expr): string {
    switch (e.k) {
      case 'lit': return literal(e.v, e.t);
      case 'var': return e.name;
      case 'special': return SPECIAL[e.which]!;
      case 'arith':
        return e.op === 'min' || e.op === 'max' ? `${e.op}(${this.expr(e.a)}, ${this.expr(e.b)})` : `(${this.expr(e.a)} ${e.op} ${this.expr(e.b)})`;
      case 'cmp': case 'logic': return `(${this.expr(e.a)} ${e.op} ${this.expr(e.b)})`;
      case 'unary': return UNARY[e.op](this.expr(e.a), e.a.t);
      case 'binary': {
        // Drivers fold x * 0.0 to 0, but Inf * 0 and NaN * 0 are NaN.
        const zero = (x: Expr): boolean => x.k === 'lit' && x.t === 'f32' && x.v === 0;
        if (e.op === 'mul' && (zero(e.a) || zero(e.b))) return `vmapc_mul0(${this.expr(zero(e.a) ? e.b : e.a)})`;
        return BINARY[e.op](this.expr(e.a), this.expr(e.b), e.a.t);
      }
      case 'select': return `select(${this.expr(e.b)}, ${this.expr(e.a)}, ${this.expr(e.c)})`;
      // Float to int: NaN and ±Inf become 0, as in the CPU reference (WGSL leaves them to the driver).
      case 'cast': return e.t === 'i32' && e.a.t === 'f32' ? `vmapc_f2i(${this.expr(e.a)})` : `${TYPE[e.t]}(${this.expr(e.a)})`;
      case 'load':
        return this.storage.has(e.buf) ? `bitcast<${TYPE[e.t]}>(${e.buf}[${this.expr(e.index)}])` : `${e.buf}[${this.expr(e.index)}]`;
      case 'rand': return `vmapc_${e.dist}(params.seed, ${e.key}u, u32(${this.expr(e.index)}))`;
      default: return e satisfies never;
    }
  }

  stmts(list: readonly Stmt[], indent: string): string[] {
    return list.flatMap((s) => this.stmt(s, indent));
  }

  stmt(s: Stmt, ind: string): string[] {
    switch (s.k) {
      case 'decl': return [`${ind}${s.mutable ? 'var' : 'let'} ${s.name}: ${TYPE[s.t]} = ${this.expr(s.init)};`];
      case 'assign': return [`${ind}${s.name} = ${this.expr(s.e)};`];
      case 'store':
        return this.storage.has(s.buf)
          ? [`${ind}${s.buf}[${this.expr(s.index)}] = bitcast<u32>(${this.expr(s.e)});`]
          : [`${ind}${s.buf}[${this.expr(s.index)}] = ${this.expr(s.e)};`];
      case 'for':
        return [
          `${ind}for (var ${s.v}: i32 = ${this.expr(s.start)}; ${s.v} < ${this.expr(s.end)}; ${s.v} = ${s.v} + ${this.expr(s.step)}) {`,
          ...this.stmts(s.body, ind + '  '),
          `${ind}}`,
        ];
      case 'if': {
        const out = [`${ind}if (${this.expr(s.c)}) {`, ...this.stmts(s.then, ind + '  ')];
        if (s.else?.length) out.push(`${ind}} else {`, ...this.stmts(s.else, ind + '  '));
        out.push(`${ind}}`);
        return out;
      }
      case 'barrier': return [`${ind}workgroupBarrier();`];
      case 'return': return [`${ind}return;`];
      case 'comment': return [`${ind}// ${s.text}`];
      default: return s satisfies never;
    }
  }
}

/** Renders a kernel as a complete WGSL module with entry point `main`. */
export function renderWgsl(kernel: Kernel): string {
  const printer = new WgslPrinter(new Set(kernel.bindings.map((b) => b.name)));
  const body = printer.stmts(kernel.body, '  ');
  const lines = [`// vmapc kernel ${kernel.name}: ${kernel.label}`];
  kernel.bindings.forEach((b, i) => lines.push(`@group(0) @binding(${i}) var<storage, ${b.access}> ${b.name}: array<u32>;`));
  if (kernel.usesSeed) lines.push('struct Params { seed: u32 }', `@group(0) @binding(${kernel.bindings.length}) var<uniform> params: Params;`);
  for (const s of kernel.shared) lines.push(`var<workgroup> ${s.name}: array<${TYPE[s.t]}, ${s.size}>;`);
  const text = body.join('\n');
  for (const [name, code] of Object.entries(HELPERS)) {
    const used = name === 'vmapc_bits' ? text.includes('vmapc_uniform(') || text.includes('vmapc_normal(') : name === 'vmapc_nan' ? text.includes('vmapc_nan(') || text.includes('vmapc_pow(') || text.includes('vmapc_mul0(') || text.includes('vmapc_maximum(') || text.includes('vmapc_minimum(') : text.includes(`${name}(`);
    if (used) lines.push(code);
  }
  const [x, y, z] = kernel.workgroupSize;
  lines.push(
    `@compute @workgroup_size(${x}, ${y}, ${z})`,
    'fn main(@builtin(global_invocation_id) g_id: vec3<u32>, @builtin(local_invocation_id) l_id: vec3<u32>, @builtin(workgroup_id) w_id: vec3<u32>) {',
    text,
    '}',
    '',
  );
  return lines.join('\n');
}
