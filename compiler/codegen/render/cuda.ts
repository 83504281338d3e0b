// The CUDA C renderer: tables of op syntax plus one kernel template; kernels compile with NVRTC, no #include.

import type { BinaryOp, UnaryOp } from '../../../ir/op.js';
import type { Expr, Kernel, Scalar, Stmt } from '../kernel-ir.js';
import { isMmaKernel, type MmaStep } from '../matmul-cuda.js';
import { finiteF32 } from './float-literal.js';

const TYPE: { readonly [S in Scalar]: string } = { f32: 'float', i32: 'int', u32: 'unsigned int', bool: 'bool' };

function fmtF32(v: number): string {
  if (Number.isNaN(v)) return '__uint_as_float(0x7fc00000u)';
  if (v === Infinity) return '__uint_as_float(0x7f800000u)';
  if (v === -Infinity) return '__uint_as_float(0xff800000u)';
  return finiteF32(v, 'c');
}

export function literal(v: number, t: Scalar): string {
  switch (t) {
    case 'f32': return fmtF32(v);
    // Negative literals are parenthesised so `-x` of one never prints as the `--` operator.
    case 'i32': return v === -2147483648 ? '(-2147483647 - 1)' : v < 0 ? `(${v})` : `${v}`;
    case 'u32': return `${v >>> 0}u`;
    case 'bool': return v ? 'true' : 'false';
    default: return t satisfies never;
  }
}

const one = (t: Scalar): string => literal(1, t);
const zero = (t: Scalar): string => literal(0, t);
const isInt = (t: Scalar): boolean => t === 'i32' || t === 'u32';

/** IR unary ops in CUDA C; t is the operand type (f32 or i32). Float math is the accurate (non-intrinsic) libdevice family. */
const UNARY: { readonly [O in UnaryOp]: (x: string, t: Scalar) => string } = {
  neg: (x) => `(-${x})`,
  abs: (x, t) => (isInt(t) ? `vm_iabs(${x})` : `fabsf(${x})`),
  sign: (x, t) => (isInt(t) ? `vm_isign(${x})` : `vm_signf(${x})`),
  exp: (x) => `expf(${x})`,
  log: (x) => `logf(${x})`,
  sqrt: (x) => `sqrtf(${x})`,
  rsqrt: (x) => `rsqrtf(${x})`,
  recip: (x) => `(1.0f / ${x})`,
  sin: (x) => `sinf(${x})`,
  cos: (x) => `cosf(${x})`,
  tanh: (x) => `tanhf(${x})`,
  erf: (x) => `erff(${x})`,
  sigmoid: (x) => `vm_sigmoid(${x})`,
  relu: (x, t) => (isInt(t) ? `vm_imax(${x}, 0)` : `vm_relu(${x})`),
  gelu: (x) => `vm_gelu(${x})`,
  gelu_tanh: (x) => `vm_gelu_tanh(${x})`,
  silu: (x) => `vm_silu(${x})`,
};

const mask = (cond: string, t: Scalar): string => `((${cond}) ? ${one(t)} : ${zero(t)})`;

const BINARY: { readonly [O in BinaryOp]: (a: string, b: string, t: Scalar) => string } = {
  add: (a, b) => `(${a} + ${b})`,
  sub: (a, b) => `(${a} - ${b})`,
  mul: (a, b) => `(${a} * ${b})`,
  div: (a, b) => `(${a} / ${b})`,
  pow: (a, b, t) => (isInt(t) ? `vm_ipow(${a}, ${b})` : `powf(${a}, ${b})`),
  maximum: (a, b, t) => (isInt(t) ? `vm_imax(${a}, ${b})` : `vm_maxf(${a}, ${b})`),
  minimum: (a, b, t) => (isInt(t) ? `vm_imin(${a}, ${b})` : `vm_minf(${a}, ${b})`),
  cmp_lt: (a, b, t) => mask(`${a} < ${b}`, t),
  cmp_le: (a, b, t) => mask(`${a} <= ${b}`, t),
  cmp_gt: (a, b, t) => mask(`${a} > ${b}`, t),
  cmp_ge: (a, b, t) => mask(`${a} >= ${b}`, t),
  cmp_eq: (a, b, t) => mask(`${a} == ${b}`, t),
  cmp_ne: (a, b, t) => mask(`${a} != ${b}`, t),
};

interface Helper {
  readonly deps: readonly string[];
  readonly code: string;
}

const fn = (sig: string, body: string): string => `static __device__ __forceinline__ ${sig} {\n${body}\n}`;

/**
 * Device helpers, included only when a kernel calls them. Each is guarded by a macro, so the sources of
 * several kernels concatenate into one translation unit (the runtime compiles a plan as one program).
 */
const HELPERS: Record<string, Helper> = {
  vm_iabs: { deps: [], code: fn('int vm_iabs(int x)', '  return x < 0 ? -x : x;') },
  vm_isign: { deps: [], code: fn('int vm_isign(int x)', '  return (x > 0) - (x < 0);') },
  vm_imax: { deps: [], code: fn('int vm_imax(int a, int b)', '  return a > b ? a : b;') },
  vm_imin: { deps: [], code: fn('int vm_imin(int a, int b)', '  return a < b ? a : b;') },
  vm_ipow: { deps: [], code: fn('int vm_ipow(int a, int b)', '  return (int)pow((double)a, (double)b);') },
  // Sign of +-0 and NaN is the input itself, as Math.sign and torch.sign give.
  vm_signf: { deps: [], code: fn('float vm_signf(float x)', '  return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x);') },
  // NaN propagates through relu, maximum and minimum (fmaxf/fminf would drop it), as in the CPU reference.
  vm_relu: { deps: [], code: fn('float vm_relu(float x)', '  return (x > 0.0f || x != x) ? x : 0.0f;') },
  vm_maxf: { deps: [], code: fn('float vm_maxf(float a, float b)', '  return (a != a || b != b) ? a + b : fmaxf(a, b);') },
  vm_minf: { deps: [], code: fn('float vm_minf(float a, float b)', '  return (a != a || b != b) ? a + b : fminf(a, b);') },
  // NaN and +-Inf become 0, as in the CPU reference (a plain cast saturates Inf to INT_MAX).
  vm_f2i: { deps: [], code: fn('int vm_f2i(float x)', '  return (x != x || fabsf(x) > 3.402823466e38f) ? 0 : (int)x;') },
  vm_sigmoid: { deps: [], code: fn('float vm_sigmoid(float x)', '  return 1.0f / (1.0f + expf(-x));') },
  vm_silu: { deps: [], code: fn('float vm_silu(float x)', '  return x / (1.0f + expf(-x));') },
  vm_gelu: { deps: [], code: fn('float vm_gelu(float x)', '  return 0.5f * x * (1.0f + erff(x * 0.707106781f));') },
  vm_gelu_tanh: {
    deps: [],
    code: fn('float vm_gelu_tanh(float x)', '  return 0.5f * x * (1.0f + tanhf(0.797884561f * (x + 0.044715f * x * x * x)));'),
  },
  // runtime/rng.ts, bit for bit: the same 32-bit finaliser, the same 24-bit uniforms.
  vm_hash: {
    deps: [],
    code: fn(
      'unsigned int vm_hash(unsigned int x)',
      '  x ^= x >> 16;\n  x *= 0x7feb352du;\n  x ^= x >> 15;\n  x *= 0x846ca68bu;\n  return x ^ (x >> 16);',
    ),
  },
  vm_bits: {
    deps: ['vm_hash'],
    code: fn('unsigned int vm_bits(unsigned int seed, unsigned int key, unsigned int i)', '  return vm_hash(i ^ vm_hash(key ^ vm_hash(seed)));'),
  },
  vm_uniform: {
    deps: ['vm_bits'],
    code: fn('float vm_uniform(unsigned int seed, unsigned int key, unsigned int i)', '  return (float)(vm_bits(seed, key, i) >> 8) * 5.9604644775390625e-8f;'),
  },
  // Box-Muller in double precision and rounded once, as the reference computes it.
  vm_normal: {
    deps: ['vm_bits'],
    code: fn(
      'float vm_normal(unsigned int seed, unsigned int key, unsigned int i)',
      [
        '  double u1 = ((double)(vm_bits(seed, key, 2u * i) >> 8) + 1.0) * 5.9604644775390625e-8;',
        '  double u2 = (double)(vm_bits(seed, key, 2u * i + 1u) >> 8) * 5.9604644775390625e-8;',
        '  return (float)(sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));',
      ].join('\n'),
    ),
  },
  // Tensor cores: round to TF32 (nearest, ties away), then one m16n8k8 step accumulating in f32.
  vm_tf32: {
    deps: [],
    code: fn('unsigned int vm_tf32(float x)', '  unsigned int r;\n  asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(x));\n  return r;'),
  },
  vm_mma_tf32: {
    deps: [],
    code: fn(
      'void vm_mma_tf32(float& d0, float& d1, float& d2, float& d3, unsigned int a0, unsigned int a1, unsigned int a2, unsigned int a3, unsigned int b0, unsigned int b1)',
      [
        '  asm volatile("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};"',
        '               : "+f"(d0), "+f"(d1), "+f"(d2), "+f"(d3)',
        '               : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1));',
      ].join('\n'),
    ),
  },
};

/** The helpers a body calls, with their dependencies first, in a stable order. */
function helpersFor(text: string): string[] {
  const out: string[] = [];
  const add = (name: string): void => {
    if (out.includes(name)) return;
    for (const d of HELPERS[name]!.deps) add(d);
    out.push(name);
  };
  for (const name of Object.keys(HELPERS)) if (text.includes(`${name}(`)) add(name);
  return out;
}

function guarded(name: string): string {
  const macro = `VMAPC_HELPER_${name.toUpperCase()}`;
  return `#ifndef ${macro}\n#define ${macro}\n${HELPERS[name]!.code}\n#endif`;
}

function hasBarrier(list: readonly Stmt[]): boolean {
  return list.some((s) => s.k === 'barrier' || (s.k === 'for' && hasBarrier(s.body)) || (s.k === 'if' && (hasBarrier(s.then) || hasBarrier(s.else ?? []))));
}

class CudaPrinter {
  constructor(
    private readonly storage: ReadonlySet<string>,
    private readonly wg: readonly [number, number, number],
    private readonly mma: MmaStep | undefined,
  ) {}

  private special(which: Extract<Expr, { k: 'special' }>['which']): string {
    const [kind, axis] = which.split('.') as ['gid' | 'lid' | 'wid', 'x' | 'y' | 'z'];
    const size = this.wg['xyz'.indexOf(axis)]!;
    if (kind === 'lid') return `((int)threadIdx.${axis})`;
    if (kind === 'wid') return `((int)blockIdx.${axis})`;
    return `((int)(blockIdx.${axis} * ${size}u + threadIdx.${axis}))`;
  }

  expr(e: Expr): string {
    switch (e.k) {
      case 'lit': return literal(e.v, e.t);
      case 'var': return e.name;
      case 'special': return this.special(e.which);
      case 'arith':
        if (e.op === 'min' || e.op === 'max') {
          if (e.t === 'f32') return `f${e.op}f(${this.expr(e.a)}, ${this.expr(e.b)})`;
          return `vm_i${e.op}(${this.expr(e.a)}, ${this.expr(e.b)})`;
        }
        return `(${this.expr(e.a)} ${e.op} ${this.expr(e.b)})`;
      case 'cmp': case 'logic': return `(${this.expr(e.a)} ${e.op} ${this.expr(e.b)})`;
      case 'unary': return UNARY[e.op](this.expr(e.a), e.a.t);
      case 'binary': return BINARY[e.op](this.expr(e.a), this.expr(e.b), e.a.t);
      case 'select': return `(${this.expr(e.c)} ? ${this.expr(e.a)} : ${this.expr(e.b)})`;
      case 'cast':
        if (e.t === 'bool') return `(${this.expr(e.a)} != ${zero(e.a.t)})`;
        if (e.t === 'i32' && e.a.t === 'f32') return `vm_f2i(${this.expr(e.a)})`;
        return `((${TYPE[e.t]})(${this.expr(e.a)}))`;
      case 'load': {
        const raw = `${e.buf}[${this.expr(e.index)}]`;
        if (!this.storage.has(e.buf)) return raw;
        return e.t === 'f32' ? `__uint_as_float(${raw})` : e.t === 'i32' ? `((int)${raw})` : e.t === 'bool' ? `(${raw} != 0u)` : raw;
      }
      case 'rand': return `vm_${e.dist}(seed, ${e.key}u, (unsigned int)(${this.expr(e.index)}))`;
      default: return e satisfies never;
    }
  }

  private storeValue(e: Expr): string {
    const v = this.expr(e);
    const t = e.t;
    switch (t) {
      case 'f32': return `__float_as_uint(${v})`;
      case 'i32': return `(unsigned int)(${v})`;
      case 'u32': return v;
      case 'bool': return `(${v} ? 1u : 0u)`;
      default: return t satisfies never;
    }
  }

  stmts(list: readonly Stmt[], indent: string): string[] {
    return list.flatMap((s) => this.stmt(s, indent));
  }

  /** The tensor-core form of the loop the matmul lowering marked: fragment loads, TF32 rounding, mma.sync. */
  private mmaLoop(s: Extract<Stmt, { k: 'for' }>, m: MmaStep, ind: string): string[] {
    const inner = ind + '  ';
    const out = [`${ind}for (int ${s.v} = ${this.expr(s.start)}; ${s.v} < ${this.expr(s.end)}; ${s.v} += ${this.expr(s.step)}) {`];
    m.a.forEach((regs, mi) => regs.forEach((idx, r) => out.push(`${inner}const unsigned int fa${mi}_${r} = vm_tf32(${m.aBuf}[${this.expr(idx)}]);`)));
    m.b.forEach((regs, ni) => regs.forEach((idx, r) => out.push(`${inner}const unsigned int fb${ni}_${r} = vm_tf32(${m.bBuf}[${this.expr(idx)}]);`)));
    m.acc.forEach((row, mi) =>
      row.forEach((c, ni) => out.push(`${inner}vm_mma_tf32(${c.join(', ')}, fa${mi}_0, fa${mi}_1, fa${mi}_2, fa${mi}_3, fb${ni}_0, fb${ni}_1);`)),
    );
    out.push(`${ind}}`);
    return out;
  }

  stmt(s: Stmt, ind: string): string[] {
    switch (s.k) {
      case 'decl': return [`${ind}${s.mutable ? '' : 'const '}${TYPE[s.t]} ${s.name} = ${this.expr(s.init)};`];
      case 'assign': return [`${ind}${s.name} = ${this.expr(s.e)};`];
      case 'store':
        return this.storage.has(s.buf)
          ? [`${ind}${s.buf}[${this.expr(s.index)}] = ${this.storeValue(s.e)};`]
          : [`${ind}${s.buf}[${this.expr(s.index)}] = ${this.expr(s.e)};`];
      case 'for':
        if (this.mma && s.v === this.mma.loop) return this.mmaLoop(s, this.mma, ind);
        return [
          // A loop with a barrier is a tile loop: unrolling it only hoists the next tile's loads into registers.
          ...(hasBarrier(s.body) ? [`${ind}#pragma unroll 1`] : []),
          `${ind}for (int ${s.v} = ${this.expr(s.start)}; ${s.v} < ${this.expr(s.end)}; ${s.v} += ${this.expr(s.step)}) {`,
          ...this.stmts(s.body, ind + '  '),
          `${ind}}`,
        ];
      case 'if': {
        const out = [`${ind}if (${this.expr(s.c)}) {`, ...this.stmts(s.then, ind + '  ')];
        if (s.else?.length) out.push(`${ind}} else {`, ...this.stmts(s.else, ind + '  '));
        out.push(`${ind}}`);
        return out;
      }
      case 'barrier': return [`${ind}__syncthreads();`];
      case 'return': return [`${ind}return;`];
      case 'comment': return [`${ind}// ${s.text.replace(/\s+/g, ' ')}`];
      default: return s satisfies never;
    }
  }
}

/**
 * Renders a kernel as a self-contained CUDA C translation unit: an `extern "C" __global__` entry named
 * after the kernel, taking one `unsigned int*` per arena binding (f32 and i32 share the words) and, when
 * it draws random numbers, the per-run seed last.
 */
export function renderCuda(kernel: Kernel): string {
  const mma = isMmaKernel(kernel) ? kernel.mma : undefined;
  const printer = new CudaPrinter(new Set(kernel.bindings.map((b) => b.name)), kernel.workgroupSize, mma);
  const shared = kernel.shared.map((s) => `  __shared__ ${TYPE[s.t]} ${s.name}[${s.size}];`);
  const body = printer.stmts(kernel.body, '  ');
  const text = [...body, ...(mma ? ['vm_tf32(', 'vm_mma_tf32('] : [])].join('\n');
  const params = kernel.bindings.map((b) => `${b.access === 'read' ? 'const ' : ''}unsigned int* __restrict__ ${b.name}`);
  if (kernel.usesSeed) params.push('const unsigned int seed');
  const [x, y, z] = kernel.workgroupSize;
  return [
    `// vmapc kernel ${kernel.name}: ${kernel.label.replace(/\s+/g, ' ')}`,
    ...helpersFor(text).map(guarded),
    `extern "C" __global__ void __launch_bounds__(${x * y * z}) ${kernel.name}(${params.join(', ')}) {`,
    ...shared,
    ...body,
    '}',
    '',
  ].join('\n');
}
