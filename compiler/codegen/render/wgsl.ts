// The WGSL renderer: WGSL's op table and spellings on the shared printer, plus one kernel template.

import type { Expr, Kernel, Scalar, Special, Stmt } from '../kernel-ir.js';
import { helpersFor } from './device-helpers.js';
import { finiteF32 } from './float-literal.js';
import { binaryTable, KernelPrinter, type BinaryTable, type UnaryTable } from './printer.js';

const TYPE: { readonly [S in Scalar]: string } = { f32: 'f32', i32: 'i32', u32: 'u32', bool: 'bool' };

/** A WGSL literal; non-finite floats come from helpers evaluated at run time (WGSL rejects them as constants). */
export function literal(v: number, t: Scalar): string {
  switch (t) {
    case 'f32':
      if (Number.isNaN(v)) return 'vmapc_nan()';
      if (v === Infinity) return 'vmapc_inf()';
      if (v === -Infinity) return '(-vmapc_inf())';
      return finiteF32(v, 'wgsl');
    case 'i32': return v === -2147483648 ? '(-2147483647i - 1i)' : `${v}i`;
    case 'u32': return `${v >>> 0}u`;
    case 'bool': return v ? 'true' : 'false';
    default: return t satisfies never;
  }
}

const UNARY: UnaryTable = {
  neg: (x) => `(-${x})`,
  abs: (x) => `abs(${x})`,
  sign: (x, t) => (t === 'f32' ? `vmapc_signf(${x})` : `sign(${x})`),
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
  relu: (x, t) => (t === 'f32' ? `vmapc_relu(${x})` : `max(${x}, 0i)`),
  gelu: (x) => `(0.5f * ${x} * (1.0f + vmapc_erf(${x} * 0.707106781f)))`,
  gelu_tanh: (x) => `(0.5f * ${x} * (1.0f + tanh(clamp(0.797884561f * (${x} + 0.044715f * ${x} * ${x} * ${x}), -15.0f, 15.0f))))`,
  silu: (x) => `(${x} / (1.0f + exp(-${x})))`,
  // WGSL's round takes halves to the even neighbour, as torch.round does (ir/semantics.ts roundHalfEven).
  floor: (x, t) => (t === 'f32' ? `floor(${x})` : x),
  ceil: (x, t) => (t === 'f32' ? `ceil(${x})` : x),
  round: (x, t) => (t === 'f32' ? `round(${x})` : x),
  log1p: (x) => `vmapc_log1p(${x})`,
  expm1: (x) => `vmapc_expm1(${x})`,
};

const BINARY: BinaryTable = binaryTable((cond, t) => `select(${literal(0, t)}, ${literal(1, t)}, ${cond})`, {
  pow: (a, b) => `vmapc_pow(${a}, ${b})`,
  maximum: (a, b, t) => (t === 'f32' ? `vmapc_maximum(${a}, ${b})` : `max(${a}, ${b})`),
  minimum: (a, b, t) => (t === 'f32' ? `vmapc_minimum(${a}, ${b})` : `min(${a}, ${b})`),
});

const SPECIAL: { readonly [S in Special]: string } = {
  'gid.x': 'i32(g_id.x)', 'gid.y': 'i32(g_id.y)', 'gid.z': 'i32(g_id.z)',
  'lid.x': 'i32(l_id.x)', 'lid.y': 'i32(l_id.y)', 'lid.z': 'i32(l_id.z)',
  'wid.x': 'i32(w_id.x)', 'wid.y': 'i32(w_id.y)', 'wid.z': 'i32(w_id.z)',
};

/** Storage bindings are `array<u32>`: every tensor is read and written through bitcasts. */
class WgslPrinter extends KernelPrinter {
  protected readonly unary = UNARY;
  protected readonly binary = BINARY;

  constructor(private readonly storage: ReadonlySet<string>) {
    super();
  }

  literal(v: number, t: Scalar): string {
    return literal(v, t);
  }

  protected special(which: Special): string {
    return SPECIAL[which];
  }

  protected minMax(op: 'min' | 'max', a: string, b: string): string {
    return `${op}(${a}, ${b})`;
  }

  protected select(c: string, a: string, b: string): string {
    return `select(${b}, ${a}, ${c})`;
  }

  protected override binaryOp(e: Extract<Expr, { k: 'binary' }>): string {
    // Drivers fold x * 0.0 to 0, but Inf * 0 and NaN * 0 are NaN.
    const zero = (x: Expr): boolean => x.k === 'lit' && x.t === 'f32' && x.v === 0;
    if (e.op === 'mul' && (zero(e.a) || zero(e.b))) return `vmapc_mul0(${this.expr(zero(e.a) ? e.b : e.a)})`;
    // Division by zero is left to the driver too (llvmpipe gives 0): IEEE's answer, as ir/semantics.ts says.
    if (e.op === 'div' && zero(e.b)) return `vmapc_div0(${this.expr(e.a)})`;
    return super.binaryOp(e);
  }

  // Float to int follows ir/semantics.ts (vmapc_f2i); WGSL leaves NaN and out-of-range values to the driver.
  protected cast(e: Extract<Expr, { k: 'cast' }>, x: string): string {
    return e.t === 'i32' && e.a.t === 'f32' ? `vmapc_f2i(${x})` : `${TYPE[e.t]}(${x})`;
  }

  protected load(buf: string, index: string, t: Scalar): string {
    return this.storage.has(buf) ? `bitcast<${TYPE[t]}>(${buf}[${index}])` : `${buf}[${index}]`;
  }

  protected rand(dist: 'uniform' | 'normal', key: number, index: string): string {
    return `vmapc_${dist}(params.seed, ${key}u, u32(${index}))`;
  }

  protected decl(s: Extract<Stmt, { k: 'decl' }>, init: string): string {
    return `${s.mutable ? 'var' : 'let'} ${s.name}: ${TYPE[s.t]} = ${init};`;
  }

  protected store(buf: string, index: string, value: Expr): string {
    const v = this.expr(value);
    return this.storage.has(buf) ? `${buf}[${index}] = bitcast<u32>(${v});` : `${buf}[${index}] = ${v};`;
  }

  protected forHead(s: Extract<Stmt, { k: 'for' }>): string[] {
    return [`for (var ${s.v}: i32 = ${this.expr(s.start)}; ${s.v} < ${this.expr(s.end)}; ${s.v} = ${s.v} + ${this.expr(s.step)}) {`];
  }

  protected barrier(): string[] {
    return ['workgroupBarrier();'];
  }

  protected comment(text: string): string {
    return `// ${text}`;
  }
}

/** Renders a kernel as a complete WGSL module with entry point `main`. */
export function renderWgsl(kernel: Kernel): string {
  const printer = new WgslPrinter(new Set(kernel.bindings.map((b) => b.name)));
  const text = printer.stmts(kernel.body, '  ').join('\n');
  const lines = [`// vmapc kernel ${kernel.name}: ${kernel.label}`];
  kernel.bindings.forEach((b, i) => lines.push(`@group(0) @binding(${i}) var<storage, ${b.access}> ${b.name}: array<u32>;`));
  if (kernel.usesSeed) lines.push('struct Params { seed: u32 }', `@group(0) @binding(${kernel.bindings.length}) var<uniform> params: Params;`);
  for (const s of kernel.shared) lines.push(`var<workgroup> ${s.name}: array<${TYPE[s.t]}, ${s.size}>;`);
  lines.push(...helpersFor(text, 'wgsl'));
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
