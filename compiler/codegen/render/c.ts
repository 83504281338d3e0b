// The C renderer: tables of op syntax plus one kernel template (OpenMP loops, GEMM micro-kernel calls).

import type { BinaryOp, UnaryOp } from '../../../ir/op.js';
import { isCpuKernel, microName, microSource, vectorPrelude, type MicroCall } from '../gemm-micro.js';
import type { Expr, Kernel, Scalar, Stmt } from '../kernel-ir.js';
import { POOL } from './c-pool.js';
import { finiteF32 } from './float-literal.js';

const TYPE: { readonly [S in Scalar]: string } = { f32: 'float', i32: 'int32_t', u32: 'uint32_t', bool: 'int' };

function fmtF32(v: number): string {
  if (Number.isNaN(v)) return 'NAN';
  if (v === Infinity) return 'INFINITY';
  if (v === -Infinity) return '(-INFINITY)';
  return finiteF32(v, 'c');
}

export function literal(v: number, t: Scalar): string {
  switch (t) {
    case 'f32': return fmtF32(v);
    case 'i32': return v === -2147483648 ? '(-2147483647 - 1)' : v < 0 ? `(${v})` : `${v}`;
    case 'u32': return `${v >>> 0}u`;
    case 'bool': return v ? '1' : '0';
    default: return t satisfies never;
  }
}

const zero = (t: Scalar): string => literal(0, t);
const isF = (t: Scalar): boolean => t === 'f32';

/** IR unary ops in C; t is the operand type (f32 or i32). */
const UNARY: { readonly [O in UnaryOp]: (x: string, t: Scalar) => string } = {
  neg: (x) => `(-${x})`,
  abs: (x, t) => (isF(t) ? `fabsf(${x})` : `vmapc_absi(${x})`),
  sign: (x, t) => (isF(t) ? `vmapc_signf(${x})` : `((${x} > 0) - (${x} < 0))`),
  exp: (x) => `expf(${x})`,
  log: (x) => `logf(${x})`,
  sqrt: (x) => `sqrtf(${x})`,
  rsqrt: (x) => `(1.0f / sqrtf(${x}))`,
  recip: (x) => `(1.0f / ${x})`,
  sin: (x) => `sinf(${x})`,
  cos: (x) => `cosf(${x})`,
  tanh: (x) => `tanhf(${x})`,
  erf: (x) => `erff(${x})`,
  sigmoid: (x) => `(1.0f / (1.0f + expf(-${x})))`,
  relu: (x, t) => (isF(t) ? `vmapc_relu(${x})` : `(${x} > 0 ? ${x} : 0)`),
  gelu: (x) => `(0.5f * ${x} * (1.0f + erff(${x} * 0.707106781f)))`,
  gelu_tanh: (x) => `(0.5f * ${x} * (1.0f + tanhf(0.797884561f * (${x} + 0.044715f * ${x} * ${x} * ${x}))))`,
  silu: (x) => `(${x} / (1.0f + expf(-${x})))`,
};

const mask = (cond: string, t: Scalar): string => `((${cond}) ? ${literal(1, t)} : ${zero(t)})`;

const BINARY: { readonly [O in BinaryOp]: (a: string, b: string, t: Scalar) => string } = {
  add: (a, b) => `(${a} + ${b})`,
  sub: (a, b) => `(${a} - ${b})`,
  mul: (a, b) => `(${a} * ${b})`,
  div: (a, b) => `(${a} / ${b})`,
  pow: (a, b) => `powf(${a}, ${b})`,
  maximum: (a, b, t) => (isF(t) ? `vmapc_maxf(${a}, ${b})` : `vmapc_maxi(${a}, ${b})`),
  minimum: (a, b, t) => (isF(t) ? `vmapc_minf(${a}, ${b})` : `vmapc_mini(${a}, ${b})`),
  cmp_lt: (a, b, t) => mask(`${a} < ${b}`, t),
  cmp_le: (a, b, t) => mask(`${a} <= ${b}`, t),
  cmp_gt: (a, b, t) => mask(`${a} > ${b}`, t),
  cmp_ge: (a, b, t) => mask(`${a} >= ${b}`, t),
  cmp_eq: (a, b, t) => mask(`${a} == ${b}`, t),
  cmp_ne: (a, b, t) => mask(`${a} != ${b}`, t),
};

/** Helpers, each behind an include guard so kernels concatenate into one library. */
const HELPERS: Record<string, string> = {
  vmapc_mini: 'static inline int32_t vmapc_mini(int32_t a, int32_t b) { return a < b ? a : b; }',
  vmapc_maxi: 'static inline int32_t vmapc_maxi(int32_t a, int32_t b) { return a > b ? a : b; }',
  vmapc_absi: 'static inline int32_t vmapc_absi(int32_t a) { return a < 0 ? -a : a; }',
  // NaN propagates through max/min/relu/sign as in torch.
  vmapc_maxf: 'static inline float vmapc_maxf(float a, float b) { return (a > b || a != a) ? a : b; }',
  vmapc_minf: 'static inline float vmapc_minf(float a, float b) { return (a < b || a != a) ? a : b; }',
  vmapc_relu: 'static inline float vmapc_relu(float x) { return (x > 0.0f || x != x) ? x : 0.0f; }',
  vmapc_signf: 'static inline float vmapc_signf(float x) { return x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : x; }',
  // Float to int truncates toward zero; NaN and out-of-range values give 0 (C leaves them undefined).
  vmapc_f2i: 'static inline int32_t vmapc_f2i(float x) { return (x > -2147483648.0f && x < 2147483648.0f) ? (int32_t)x : 0; }',
  vmapc_uniform: `static inline uint32_t vmapc_hash(uint32_t x) {
  x ^= x >> 16; x *= 0x7feb352du; x ^= x >> 15; x *= 0x846ca68bu; return x ^ (x >> 16);
}
static inline uint32_t vmapc_bits(uint32_t seed, uint32_t key, uint32_t i) {
  return vmapc_hash(i ^ vmapc_hash(key ^ vmapc_hash(seed)));
}
static inline float vmapc_uniform(uint32_t seed, uint32_t key, uint32_t i) {
  return (float)(vmapc_bits(seed, key, i) >> 8) * 5.9604644775390625e-8f;
}
static inline float vmapc_normal(uint32_t seed, uint32_t key, uint32_t i) {
  const float u1 = ((float)(vmapc_bits(seed, key, 2u * i) >> 8) + 1.0f) * 5.9604644775390625e-8f;
  const float u2 = (float)(vmapc_bits(seed, key, 2u * i + 1u) >> 8) * 5.9604644775390625e-8f;
  return sqrtf(-2.0f * logf(u1)) * cosf(6.28318530717958647692f * u2);
}`,
};

const PRELUDE = ['#include <stdint.h>', '#include <string.h>', '#include <math.h>'].join('\n');

function guarded(name: string, code: string): string {
  return `#ifndef VMAPC_HAVE_${name}\n#define VMAPC_HAVE_${name}\n${code}\n#endif`;
}

class CPrinter {
  constructor(
    private readonly bindings: ReadonlySet<string>,
    private readonly shared: readonly { name: string; t: Scalar; size: number }[],
    private readonly micro: ReadonlyMap<string, MicroCall>,
  ) {}

  expr(e: Expr): string {
    switch (e.k) {
      case 'lit': return literal(e.v, e.t);
      case 'var': return e.name;
      case 'special': return '0';
      case 'arith':
        if (e.op === 'min' || e.op === 'max') return e.t === 'f32' ? `f${e.op}f(${this.expr(e.a)}, ${this.expr(e.b)})` : `vmapc_${e.op}i(${this.expr(e.a)}, ${this.expr(e.b)})`;
        return `(${this.expr(e.a)} ${e.op} ${this.expr(e.b)})`;
      case 'cmp': case 'logic': return `(${this.expr(e.a)} ${e.op} ${this.expr(e.b)})`;
      case 'unary': return UNARY[e.op](this.expr(e.a), e.a.t);
      case 'binary': return BINARY[e.op](this.expr(e.a), this.expr(e.b), e.a.t);
      case 'select': return `(${this.expr(e.c)} ? ${this.expr(e.a)} : ${this.expr(e.b)})`;
      case 'cast': {
        const x = this.expr(e.a);
        if (e.t === 'i32' && e.a.t === 'f32') return `vmapc_f2i(${x})`;
        if (e.t === 'bool') return `(${x} != ${zero(e.a.t)})`;
        return `((${TYPE[e.t]})${x})`;
      }
      case 'load': return `${this.ref(e.buf, e.t)}[${this.expr(e.index)}]`;
      case 'rand': return `vmapc_${e.dist}(seed, ${e.key}u, (uint32_t)(${this.expr(e.index)}))`;
      default: return e satisfies never;
    }
  }

  /** Bindings are float arrays; i32 tensors in them are read and written through an int32_t view. */
  private ref(buf: string, t: Scalar): string {
    return this.bindings.has(buf) && t !== 'f32' ? `((${TYPE[t]}*)${buf})` : buf;
  }

  stmts(list: readonly Stmt[], indent: string): string[] {
    return list.flatMap((s) => this.stmt(s, indent));
  }

  private call(c: MicroCall, ind: string): string {
    const p = (x: { buf: string; index: Expr }): string => `${x.buf} + ${this.expr(x.index)}`;
    const e = (x: Expr): string => this.expr(x);
    const args = c.shape.kind === 'nn'
      ? [p(c.acc), String(c.ldacc), p(c.a), e(c.lda), e(c.ak), p(c.b), e(c.ldb), e(c.kc), e(c.mr)]
      : [p(c.acc), String(c.ldacc), p(c.a), e(c.lda), p(c.b), e(c.ldb), e(c.kc), e(c.mr), e(c.nr)];
    return `${ind}${microName(c.shape)}(${args.join(', ')});`;
  }

  stmt(s: Stmt, ind: string): string[] {
    switch (s.k) {
      case 'decl': return [`${ind}${s.mutable ? '' : 'const '}${TYPE[s.t]} ${s.name} = ${this.expr(s.init)};`];
      case 'assign': return [`${ind}${s.name} = ${this.expr(s.e)};`];
      case 'store': return [`${ind}${this.ref(s.buf, s.e.t)}[${this.expr(s.index)}] = ${this.expr(s.e)};`];
      case 'for': {
        const call = this.micro.get(s.v);
        if (call) return [this.call(call, ind)];
        const head = `${ind}for (int32_t ${s.v} = ${this.expr(s.start)}; ${s.v} < ${this.expr(s.end)}; ${s.v} += ${this.expr(s.step)}) {`;
        if (!s.parallel) return [head, ...this.stmts(s.body, ind + '  '), `${ind}}`];
        // A parallel iteration is a task: its scratch (the kernel's shared arrays) is private to it.
        const scratch = this.shared.map((a) => `${ind}  ${TYPE[a.t]} ${a.name}[${a.size}] __attribute__((aligned(64)));`);
        return [`${ind}#pragma omp parallel for schedule(dynamic, 1)`, head, ...scratch, ...this.stmts(s.body, ind + '  '), `${ind}}`];
      }
      case 'if': {
        const out = [`${ind}if (${this.expr(s.c)}) {`, ...this.stmts(s.then, ind + '  ')];
        if (s.else?.length) out.push(`${ind}} else {`, ...this.stmts(s.else, ind + '  '));
        out.push(`${ind}}`);
        return out;
      }
      case 'barrier': return [];
      case 'return': return [`${ind}return;`];
      case 'comment': return [`${ind}/* ${s.text.replace(/\*\//g, '* /')} */`];
      default: return s satisfies never;
    }
  }
}

function hasParallel(list: readonly Stmt[]): boolean {
  return list.some((s) => (s.k === 'for' && (s.parallel || hasParallel(s.body))) || (s.k === 'if' && (hasParallel(s.then) || hasParallel(s.else ?? []))));
}

/** The C signature of a kernel: one float pointer per binding, then the run's seed. */
export function cSignature(kernel: Kernel): string {
  return `void ${kernel.name}(${[...kernel.bindings.map((b) => `float* restrict ${b.name}`), 'uint32_t seed'].join(', ')})`;
}


/** The helpers, vector types and micro-kernels a rendered body uses, each under its include guard. */
function preamble(text: string, micro: ReadonlyMap<string, MicroCall>, pool: boolean): string[] {
  const lines = [guarded('PRELUDE', PRELUDE)];
  for (const [name, code] of Object.entries(HELPERS)) if (text.includes(`${name}(`) || (name === 'vmapc_uniform' && text.includes('vmapc_normal('))) lines.push(guarded(name, code));
  if (pool) lines.push(guarded('POOL', POOL));
  for (const v of new Set([...micro.values()].map((c) => c.shape.vlen))) lines.push(guarded(`VEC${v}`, vectorPrelude(v)));
  for (const name of new Set([...micro.values()].map((c) => microName(c.shape)))) lines.push(guarded(name, microSource(name)));
  return lines;
}

const isTaskLoop = (s: Stmt | undefined): s is Extract<Stmt, { k: 'for' }> =>
  !!s && s.k === 'for' && !!s.parallel && s.start.k === 'lit' && s.start.v === 0 && s.step.k === 'lit' && s.step.v === 1;

/**
 * Renders a kernel as a C translation unit: the prelude and helpers it uses (each under an include
 * guard, so the kernels of a plan concatenate into one library) and the kernel function. A body that
 * is one parallel task loop becomes a task function, run by OpenMP or (without it) by a pthread pool;
 * each task's scratch (the kernel's shared arrays) is its own.
 */
export function renderC(kernel: Kernel): string {
  const micro = isCpuKernel(kernel) ? kernel.micro : new Map<string, MicroCall>();
  const bindings = new Set(kernel.bindings.map((b) => b.name));
  const scratch = (ind: string): string[] => kernel.shared.map((a) => `${ind}${TYPE[a.t]} ${a.name}[${a.size}] __attribute__((aligned(64)));`);
  const head = `/* vmapc kernel ${kernel.name}: ${kernel.label} */`;
  const only = kernel.body.length === 1 ? kernel.body[0] : undefined;
  if (isTaskLoop(only)) {
    const printer = new CPrinter(bindings, [], micro);
    const text = printer.stmts(only.body, '  ').join('\n');
    const ctx = `${kernel.name}_ctx`, task = `${kernel.name}_task`;
    const fields = [...kernel.bindings.map((b) => `float* ${b.name};`), 'uint32_t seed;'];
    const end = printer.expr(only.end);
    return [
      head,
      ...preamble(text, micro, true),
      `struct ${ctx} { ${fields.join(' ')} };`,
      `static void ${task}(const void* ctx_, int32_t ${only.v}) {`,
      `  const struct ${ctx}* c_ = (const struct ${ctx}*)ctx_;`,
      ...kernel.bindings.map((b) => `  float* restrict ${b.name} = c_->${b.name};`),
      `  const uint32_t seed = c_->seed;`,
      '  (void)seed;',
      ...scratch('  '),
      text,
      '}',
      `${cSignature(kernel)} {`,
      `  const struct ${ctx} c_ = { ${[...kernel.bindings.map((b) => b.name), 'seed'].join(', ')} };`,
      '#ifdef _OPENMP',
      '  #pragma omp parallel for schedule(dynamic, 1)',
      `  for (int32_t t_ = 0; t_ < ${end}; t_++) ${task}(&c_, t_);`,
      '#else',
      `  vmapc_parallel(${end}, ${task}, &c_);`,
      '#endif',
      '}',
      '',
    ].join('\n');
  }
  const top = !hasParallel(kernel.body);
  const printer = new CPrinter(bindings, top ? [] : kernel.shared, micro);
  const text = printer.stmts(kernel.body, '  ').join('\n');
  const lines = [head, ...preamble(text, micro, false), `${cSignature(kernel)} {`];
  if (!kernel.usesSeed) lines.push('  (void)seed;');
  if (top) lines.push(...scratch('  '));
  lines.push(text, '}', '');
  return lines.join('\n');
}
