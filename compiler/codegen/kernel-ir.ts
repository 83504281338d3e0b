// The kernel IR: a small imperative AST (expressions, statements, kernels) that every renderer prints.

import type { BinaryOp, UnaryOp } from '../../ir/op.js';

/** Scalar types inside kernels. Tensor dtypes f32/i32 map to themselves; u32 is for hashing, bool for masks. */
export type Scalar = 'f32' | 'i32' | 'u32' | 'bool';

export type ArithOp = '+' | '-' | '*' | '/' | '%' | 'min' | 'max' | '^' | '&' | '|' | '<<' | '>>';
export type CmpOp = '<' | '<=' | '>' | '>=' | '==' | '!=';
export type LogicOp = '&&' | '||';

export type Special =
  | 'gid.x' | 'gid.y' | 'gid.z'
  | 'lid.x' | 'lid.y' | 'lid.z'
  | 'wid.x' | 'wid.y' | 'wid.z';

export type Expr =
  | { readonly k: 'lit'; readonly v: number; readonly t: Scalar }
  | { readonly k: 'var'; readonly name: string; readonly t: Scalar }
  | { readonly k: 'special'; readonly which: Special; readonly t: 'i32' }
  | { readonly k: 'arith'; readonly op: ArithOp; readonly a: Expr; readonly b: Expr; readonly t: Scalar }
  | { readonly k: 'cmp'; readonly op: CmpOp; readonly a: Expr; readonly b: Expr; readonly t: 'bool' }
  | { readonly k: 'logic'; readonly op: LogicOp; readonly a: Expr; readonly b: Expr; readonly t: 'bool' }
  | { readonly k: 'unary'; readonly op: UnaryOp; readonly a: Expr; readonly t: Scalar }
  | { readonly k: 'binary'; readonly op: BinaryOp; readonly a: Expr; readonly b: Expr; readonly t: Scalar }
  | { readonly k: 'select'; readonly c: Expr; readonly a: Expr; readonly b: Expr; readonly t: Scalar }
  | { readonly k: 'cast'; readonly a: Expr; readonly t: Scalar }
  | { readonly k: 'load'; readonly buf: string; readonly index: Expr; readonly t: Scalar }
  | { readonly k: 'rand'; readonly dist: 'uniform' | 'normal'; readonly key: number; readonly index: Expr; readonly t: 'f32' };

export type Stmt =
  | { readonly k: 'decl'; readonly name: string; readonly t: Scalar; readonly init: Expr; readonly mutable: boolean }
  | { readonly k: 'assign'; readonly name: string; readonly e: Expr }
  | { readonly k: 'store'; readonly buf: string; readonly index: Expr; readonly e: Expr }
  | { readonly k: 'for'; readonly v: string; readonly start: Expr; readonly end: Expr; readonly step: Expr; readonly body: Stmt[]; readonly parallel?: boolean }
  | { readonly k: 'if'; readonly c: Expr; readonly then: Stmt[]; readonly else?: Stmt[] }
  | { readonly k: 'barrier' }
  | { readonly k: 'return' }
  | { readonly k: 'comment'; readonly text: string }
  /** A call of a register-blocked GEMM routine (C); `loop` computes the same in plain statements. */
  | { readonly k: 'micro'; readonly call: MicroCall; readonly loop: Stmt }
  /** A tensor-core k-step (CUDA mma.sync); `loop` computes the same in plain FP32 statements. */
  | { readonly k: 'mma'; readonly step: MmaStep; readonly loop: Stmt };

/**
 * Register-blocked GEMM micro-kernels (the CPU target):
 * - nn: B rows are contiguous along n (NR = nr vectors); A elements are broadcast (any strides).
 * - nt: A and B are both contiguous along k (x @ W^T): vectors run along k, lane sums at the end.
 */
export type MicroKind = 'nn' | 'nt';

/** The tile a micro-kernel computes; one routine per shape is generated into the C. */
export interface MicroShape {
  readonly kind: MicroKind;
  readonly mr: number;
  /** nn: vectors per row (NR = nr * vlen); nt: columns. */
  readonly nr: number;
  readonly vlen: number;
}

/** An address: element `index` of a binding or shared array. */
export interface Ptr {
  readonly buf: string;
  readonly index: Expr;
}

/** One micro-kernel call: tile `acc` (row stride ldacc) += A (mr rows) x B over kc. */
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

/** One k8 step of TF32 tensor-core work over shared-memory tiles (mma.sync m16n8k8). */
export interface MmaStep {
  readonly aBuf: string;
  readonly bBuf: string;
  /** a[mi] = shared indices of the A fragment registers a0..a3 (rows g, g+8; columns t, t+4). */
  readonly a: readonly (readonly [Expr, Expr, Expr, Expr])[];
  /** b[ni] = shared indices of the B fragment registers b0, b1 (rows t, t+4; column g). */
  readonly b: readonly (readonly [Expr, Expr])[];
  /** acc[mi][ni] = accumulators c0..c3 at (g, 2t), (g, 2t+1), (g+8, 2t), (g+8, 2t+1). */
  readonly acc: readonly (readonly (readonly [string, string, string, string])[])[];
}

/** A storage binding of a kernel: an arena of the execution plan. */
export interface Binding {
  readonly name: string;
  readonly arena: string;
  readonly access: 'read' | 'read_write';
}

/** Whether any statement (nested too) satisfies `pred`. */
export function someStmt(list: readonly Stmt[], pred: (s: Stmt) => boolean): boolean {
  return list.some((s) => {
    if (pred(s)) return true;
    switch (s.k) {
      case 'for': return someStmt(s.body, pred);
      case 'if': return someStmt(s.then, pred) || someStmt(s.else ?? [], pred);
      case 'micro': case 'mma': return someStmt([s.loop], pred);
      default: return false;
    }
  });
}

/** Workgroup (shared) memory of a GPU kernel. */
export interface SharedArray {
  readonly name: string;
  readonly t: Scalar;
  readonly size: number;
}

export interface Kernel {
  readonly name: string;
  /** What the kernel computes, for plans and errors: e.g. `matmul+add+relu -> f32[5,64,128]`. */
  readonly label: string;
  readonly bindings: readonly Binding[];
  readonly shared: readonly SharedArray[];
  /** Threads per workgroup (GPU); CPU kernels use [1, 1, 1]. */
  readonly workgroupSize: readonly [number, number, number];
  /** Workgroups to dispatch (GPU); CPU kernels use [1, 1, 1]. */
  readonly dispatch: readonly [number, number, number];
  /** Whether the body reads the per-run random seed. */
  readonly usesSeed: boolean;
  readonly body: readonly Stmt[];
}

// ---- constructors with light simplification (constant folding, identities) ---------------------

export const lit = (v: number, t: Scalar = 'i32'): Expr => ({ k: 'lit', v, t });
export const f32 = (v: number): Expr => lit(v, 'f32');
export const vr = (name: string, t: Scalar = 'i32'): Expr => ({ k: 'var', name, t });
export const special = (which: Special): Expr => ({ k: 'special', which, t: 'i32' });

const isLit = (e: Expr, v?: number): e is Extract<Expr, { k: 'lit' }> => e.k === 'lit' && (v === undefined || e.v === v);

function foldInt(op: ArithOp, a: number, b: number): number | undefined {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return b === 0 ? undefined : Math.trunc(a / b);
    case '%': return b === 0 ? undefined : a % b;
    case 'min': return Math.min(a, b);
    case 'max': return Math.max(a, b);
    default: return undefined;
  }
}

/** Integer/float arithmetic; folds constants and drops +0, *1, *0 (index math is always i32). */
export function arith(op: ArithOp, a: Expr, b: Expr): Expr {
  const t = a.t;
  if (t === 'i32' && isLit(a) && isLit(b)) {
    const v = foldInt(op, a.v, b.v);
    if (v !== undefined) return lit(v, t);
  }
  if (t === 'i32') {
    if (op === '+' && isLit(b, 0)) return a;
    if (op === '+' && isLit(a, 0)) return b;
    if (op === '-' && isLit(b, 0)) return a;
    if (op === '*' && (isLit(a, 0) || isLit(b, 0))) return lit(0);
    if (op === '*' && isLit(b, 1)) return a;
    if (op === '*' && isLit(a, 1)) return b;
    if ((op === '/' && isLit(b, 1)) || (op === '%' && isLit(b, 1))) return op === '/' ? a : lit(0);
    // (x + c1) + c2 -> x + (c1 + c2): keeps offsets folded into one literal.
    if (op === '+' && isLit(b) && a.k === 'arith' && a.op === '+' && isLit(a.b)) return arith('+', a.a, lit(a.b.v + b.v));
  }
  return { k: 'arith', op, a, b, t };
}

export const add = (a: Expr, b: Expr): Expr => arith('+', a, b);
export const sub = (a: Expr, b: Expr): Expr => arith('-', a, b);
export const mul = (a: Expr, b: Expr): Expr => arith('*', a, b);
export const div = (a: Expr, b: Expr): Expr => arith('/', a, b);
export const mod = (a: Expr, b: Expr): Expr => arith('%', a, b);

export function cmp(op: CmpOp, a: Expr, b: Expr): Expr {
  return { k: 'cmp', op, a, b, t: 'bool' };
}

export function and(a: Expr, b: Expr): Expr {
  if (isLit(a, 1) && a.t === 'bool') return b;
  if (isLit(b, 1) && b.t === 'bool') return a;
  return { k: 'logic', op: '&&', a, b, t: 'bool' };
}

export const TRUE: Expr = lit(1, 'bool');

export function select(c: Expr, a: Expr, b: Expr): Expr {
  if (isLit(c) && c.t === 'bool') return c.v ? a : b;
  return { k: 'select', c, a, b, t: a.t };
}

export function cast(a: Expr, t: Scalar): Expr {
  if (a.t === t) return a;
  if (isLit(a) && t !== 'bool') return lit(t === 'f32' ? a.v : Math.trunc(a.v), t);
  return { k: 'cast', a, t };
}

/** e clamped to [0, size - 1]: a read that stays in bounds (its value is masked when it was outside). */
export function clampIndex(e: Expr, size: number): Expr {
  return arith('max', arith('min', e, lit(size - 1)), lit(0));
}

/**
 * A sliding window's input positions along each spatial axis (out * stride - padding + tap * dilation),
 * clamped into the input, and whether all of them were inside it.
 */
export function windowPositions(out: readonly Expr[], taps: readonly Expr[], p: { stride: readonly number[]; padding: readonly number[]; dilation?: readonly number[] }, inSize: readonly number[]): { pos: Expr[]; inside: Expr } {
  let inside: Expr = lit(1, 'bool');
  const pos = out.map((o, a) => {
    const e = add(sub(mul(o, lit(p.stride[a]!)), lit(p.padding[a]!)), mul(taps[a]!, lit(p.dilation?.[a] ?? 1)));
    inside = and(inside, and(cmp('>=', e, lit(0)), cmp('<', e, lit(inSize[a]!))));
    return clampIndex(e, inSize[a]!);
  });
  return { pos, inside };
}

export const sum = (terms: readonly Expr[]): Expr => terms.reduce((acc, e) => add(acc, e), lit(0));

/** Row-major flat index of idx in shape. */
export function ravel(idx: readonly Expr[], shape: readonly number[]): Expr {
  let flat: Expr = lit(0);
  for (let i = 0; i < shape.length; i++) flat = add(mul(flat, lit(shape[i]!)), idx[i]!);
  return flat;
}

/** Multi-index of a flat index in shape (div/mod; size-1 axes become 0). */
export function unravel(flat: Expr, shape: readonly number[]): Expr[] {
  const idx: Expr[] = new Array(shape.length);
  let inner = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    if (d === 1) idx[i] = lit(0);
    else {
      const q = inner === 1 ? flat : div(flat, lit(inner));
      // The outermost axis needs no modulo when flat is in range.
      idx[i] = i === firstNonUnit(shape) ? q : mod(q, lit(d));
    }
    inner *= d;
  }
  return idx;
}

function firstNonUnit(shape: readonly number[]): number {
  return shape.findIndex((d) => d !== 1);
}

/** A stable text key for memoising emitted values by index. */
export function exprKey(e: Expr): string {
  switch (e.k) {
    case 'lit': return `${e.v}${e.t[0]}`;
    case 'var': return e.name;
    case 'special': return e.which;
    case 'arith': case 'cmp': case 'logic': case 'binary': return `(${exprKey(e.a)}${e.op}${exprKey(e.b)})`;
    case 'unary': return `${e.op}(${exprKey(e.a)})`;
    case 'select': return `sel(${exprKey(e.c)},${exprKey(e.a)},${exprKey(e.b)})`;
    case 'cast': return `${e.t}(${exprKey(e.a)})`;
    case 'load': return `${e.buf}[${exprKey(e.index)}]`;
    case 'rand': return `rand${e.dist}${e.key}[${exprKey(e.index)}]`;
    default: return e satisfies never;
  }
}
