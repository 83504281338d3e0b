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
  | { readonly k: 'comment'; readonly text: string };

/** A storage binding of a kernel: an arena of the execution plan. */
export interface Binding {
  readonly name: string;
  readonly arena: string;
  readonly access: 'read' | 'read_write';
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
