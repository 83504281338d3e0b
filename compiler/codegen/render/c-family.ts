// The C-family printer shared by the C and CUDA renderers; each language is a small table (as tinygrad's CStyleLanguage).

import type { Expr, Scalar, Special, Stmt } from '../kernel-ir.js';
import { finiteF32 } from './float-literal.js';
import { binaryTable, KernelPrinter, type BinaryTable, type UnaryTable } from './printer.js';

/** What differs between C and CUDA C. */
export interface CLanguage {
  readonly types: { readonly [S in Scalar]: string };
  /** NaN, +Inf, -Inf as expressions. */
  readonly nonFinite: readonly [nan: string, inf: string, ninf: string];
  readonly bool: readonly [no: string, yes: string];
  /** `rsqrt`, which CUDA has and C has not. */
  readonly rsqrt: (x: string) => string;
  readonly special: (which: Special) => string;
  /** Reads element `index` of binding `buf` (bindings hold raw 32-bit words; their view differs). */
  readonly loadBinding: (buf: string, index: string, t: Scalar) => string;
  readonly storeBinding: (buf: string, index: string, value: string, t: Scalar) => string;
  readonly barrier: readonly string[];
  readonly comment: (text: string) => string;
  /** Lines before a serial loop's header (CUDA keeps tile loops rolled). */
  readonly loopPragma: (s: Extract<Stmt, { k: 'for' }>) => readonly string[];
}

const mask = (one: string, zero: string) => (cond: string): string => `((${cond}) ? ${one} : ${zero})`;

/** Kernel IR in a C-family language: the op tables are shared, the language table supplies the rest. */
export class CFamilyPrinter extends KernelPrinter {
  protected readonly unary: UnaryTable;
  protected readonly binary: BinaryTable;

  constructor(protected readonly lang: CLanguage, protected readonly bindings: ReadonlySet<string>) {
    super();
    const isF = (t: Scalar): boolean => t === 'f32';
    this.unary = {
      neg: (x) => `(-${x})`,
      abs: (x, t) => (isF(t) ? `fabsf(${x})` : `vmapc_absi(${x})`),
      sign: (x, t) => (isF(t) ? `vmapc_signf(${x})` : `vmapc_signi(${x})`),
      exp: (x) => `expf(${x})`,
      log: (x) => `logf(${x})`,
      sqrt: (x) => `sqrtf(${x})`,
      rsqrt: lang.rsqrt,
      recip: (x) => `(1.0f / ${x})`,
      sin: (x) => `sinf(${x})`,
      cos: (x) => `cosf(${x})`,
      tanh: (x) => `tanhf(${x})`,
      erf: (x) => `erff(${x})`,
      sigmoid: (x) => `vmapc_sigmoid(${x})`,
      relu: (x, t) => (isF(t) ? `vmapc_relu(${x})` : `vmapc_maxi(${x}, 0)`),
      gelu: (x) => `vmapc_gelu(${x})`,
      gelu_tanh: (x) => `vmapc_gelu_tanh(${x})`,
      silu: (x) => `vmapc_silu(${x})`,
      // Integer tensors are already whole; rintf rounds half to even in the default rounding mode (ir/semantics.ts roundHalfEven).
      floor: (x, t) => (isF(t) ? `floorf(${x})` : x),
      ceil: (x, t) => (isF(t) ? `ceilf(${x})` : x),
      round: (x, t) => (isF(t) ? `rintf(${x})` : x),
      log1p: (x) => `log1pf(${x})`,
      expm1: (x) => `expm1f(${x})`,
    };
    this.binary = binaryTable((c, t) => mask(this.literal(1, t), this.literal(0, t))(c), {
      pow: (a, b, t) => (isF(t) ? `powf(${a}, ${b})` : `vmapc_powi(${a}, ${b})`),
      maximum: (a, b, t) => (isF(t) ? `vmapc_maximum(${a}, ${b})` : `vmapc_maxi(${a}, ${b})`),
      minimum: (a, b, t) => (isF(t) ? `vmapc_minimum(${a}, ${b})` : `vmapc_mini(${a}, ${b})`),
    });
  }

  literal(v: number, t: Scalar): string {
    switch (t) {
      case 'f32': {
        const [nan, inf, ninf] = this.lang.nonFinite;
        return Number.isNaN(v) ? nan : v === Infinity ? inf : v === -Infinity ? ninf : finiteF32(v, 'c');
      }
      // Negative literals are parenthesised so `-x` of one never prints as the `--` operator.
      case 'i32': return v === -2147483648 ? '(-2147483647 - 1)' : v < 0 ? `(${v})` : `${v}`;
      case 'u32': return `${v >>> 0}u`;
      case 'bool': return this.lang.bool[v ? 1 : 0]!;
      default: return t satisfies never;
    }
  }

  protected special(which: Special): string {
    return this.lang.special(which);
  }

  protected minMax(op: 'min' | 'max', a: string, b: string, t: Scalar): string {
    return t === 'f32' ? `f${op}f(${a}, ${b})` : `vmapc_${op}i(${a}, ${b})`;
  }

  protected select(c: string, a: string, b: string): string {
    return `(${c} ? ${a} : ${b})`;
  }

  protected cast(e: Extract<Expr, { k: 'cast' }>, x: string): string {
    if (e.t === 'i32' && e.a.t === 'f32') return `vmapc_f2i(${x})`;
    if (e.t === 'bool') return `(${x} != ${this.literal(0, e.a.t)})`;
    return `((${this.lang.types[e.t]})(${x}))`;
  }

  protected load(buf: string, index: string, t: Scalar): string {
    return this.bindings.has(buf) ? this.lang.loadBinding(buf, index, t) : `${buf}[${index}]`;
  }

  protected rand(dist: 'uniform' | 'normal', key: number, index: string): string {
    return `vmapc_${dist}(seed, ${key}u, (${this.lang.types.u32})(${index}))`;
  }

  protected decl(s: Extract<Stmt, { k: 'decl' }>, init: string): string {
    return `${s.mutable ? '' : 'const '}${this.lang.types[s.t]} ${s.name} = ${init};`;
  }

  protected store(buf: string, index: string, value: Expr): string {
    const v = this.expr(value);
    return this.bindings.has(buf) ? this.lang.storeBinding(buf, index, v, value.t) : `${buf}[${index}] = ${v};`;
  }

  protected forHead(s: Extract<Stmt, { k: 'for' }>): string[] {
    const v = s.v;
    return [...this.lang.loopPragma(s), `for (${this.lang.types.i32} ${v} = ${this.expr(s.start)}; ${v} < ${this.expr(s.end)}; ${v} += ${this.expr(s.step)}) {`];
  }

  protected barrier(): string[] {
    return [...this.lang.barrier];
  }

  protected comment(text: string): string {
    return this.lang.comment(text);
  }
}
