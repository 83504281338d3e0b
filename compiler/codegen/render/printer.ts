// The language-neutral part of every renderer: the op table, literal dispatch and the statement printer.

import type { BinaryOp, UnaryOp } from '../../../ir/op.js';
import type { Expr, Scalar, Special, Stmt } from '../kernel-ir.js';

/** How an IR unary op prints; t is the operand type (f32 or i32). */
export type UnaryTable = { readonly [O in UnaryOp]: (x: string, t: Scalar) => string };

/** How an IR binary op prints; t is the operand type. */
export type BinaryTable = { readonly [O in BinaryOp]: (a: string, b: string, t: Scalar) => string };

const COMPARE = { cmp_lt: '<', cmp_le: '<=', cmp_gt: '>', cmp_ge: '>=', cmp_eq: '==', cmp_ne: '!=' } as const;

/**
 * The binary table every language shares: infix arithmetic, comparisons as 0/1 masks of the operand
 * type; `calls` gives the ops that are helper calls in the language (pow, maximum, minimum).
 */
export function binaryTable(mask: (cond: string, t: Scalar) => string, calls: Pick<BinaryTable, 'pow' | 'maximum' | 'minimum'>): BinaryTable {
  const cmp = (op: keyof typeof COMPARE) => (a: string, b: string, t: Scalar): string => mask(`${a} ${COMPARE[op]} ${b}`, t);
  return {
    add: (a, b) => `(${a} + ${b})`,
    sub: (a, b) => `(${a} - ${b})`,
    mul: (a, b) => `(${a} * ${b})`,
    div: (a, b) => `(${a} / ${b})`,
    ...calls,
    cmp_lt: cmp('cmp_lt'),
    cmp_le: cmp('cmp_le'),
    cmp_gt: cmp('cmp_gt'),
    cmp_ge: cmp('cmp_ge'),
    cmp_eq: cmp('cmp_eq'),
    cmp_ne: cmp('cmp_ne'),
  };
}

type For = Extract<Stmt, { k: 'for' }>;

/**
 * Prints kernel IR. A language fills in its tables and the few spellings that differ (declarations,
 * loops, loads, casts); the walk over expressions and statements is the same for all.
 */
export abstract class KernelPrinter {
  protected abstract readonly unary: UnaryTable;
  protected abstract readonly binary: BinaryTable;
  abstract literal(v: number, t: Scalar): string;
  protected abstract special(which: Special): string;
  /** Integer min/max of index math (`arith` min/max). */
  protected abstract minMax(op: 'min' | 'max', a: string, b: string, t: Scalar): string;
  protected abstract select(c: string, a: string, b: string): string;
  protected abstract cast(e: Extract<Expr, { k: 'cast' }>, x: string): string;
  protected abstract load(buf: string, index: string, t: Scalar): string;
  protected abstract rand(dist: 'uniform' | 'normal', key: number, index: string): string;
  protected abstract decl(s: Extract<Stmt, { k: 'decl' }>, init: string): string;
  protected abstract store(buf: string, index: string, value: Expr): string;
  protected abstract forHead(s: For): string[];
  protected abstract barrier(): string[];
  protected abstract comment(text: string): string;

  /** A binary IR op; a language may intercept one (WGSL's x * 0.0). */
  protected binaryOp(e: Extract<Expr, { k: 'binary' }>): string {
    return this.binary[e.op](this.expr(e.a), this.expr(e.b), e.a.t);
  }

  expr(e: Expr): string {
    switch (e.k) {
      case 'lit': return this.literal(e.v, e.t);
      case 'var': return e.name;
      case 'special': return this.special(e.which);
      case 'arith':
        if (e.op === 'min' || e.op === 'max') return this.minMax(e.op, this.expr(e.a), this.expr(e.b), e.t);
        return `(${this.expr(e.a)} ${e.op} ${this.expr(e.b)})`;
      case 'cmp': case 'logic': return `(${this.expr(e.a)} ${e.op} ${this.expr(e.b)})`;
      case 'unary': return this.unary[e.op](this.expr(e.a), e.a.t);
      case 'binary': return this.binaryOp(e);
      case 'select': return this.select(this.expr(e.c), this.expr(e.a), this.expr(e.b));
      case 'cast': return this.cast(e, this.expr(e.a));
      case 'load': return this.load(e.buf, this.expr(e.index), e.t);
      case 'rand': return this.rand(e.dist, e.key, this.expr(e.index));
      default: return e satisfies never;
    }
  }

  stmts(list: readonly Stmt[], indent: string): string[] {
    return list.flatMap((s) => this.stmt(s, indent));
  }

  /** A `micro` statement: its plain loop unless the language has the routine (C). */
  protected micro(s: Extract<Stmt, { k: 'micro' }>, ind: string): string[] {
    return this.stmt(s.loop, ind);
  }

  /** An `mma` statement: its plain loop unless the language has tensor cores (CUDA). */
  protected mma(s: Extract<Stmt, { k: 'mma' }>, ind: string): string[] {
    return this.stmt(s.loop, ind);
  }

  /** The body of a loop; C adds per-task scratch arrays to parallel loops. */
  protected loopBody(s: For, ind: string): string[] {
    return this.stmts(s.body, ind + '  ');
  }

  stmt(s: Stmt, ind: string): string[] {
    switch (s.k) {
      case 'decl': return [`${ind}${this.decl(s, this.expr(s.init))}`];
      case 'assign': return [`${ind}${s.name} = ${this.expr(s.e)};`];
      case 'store': return [`${ind}${this.store(s.buf, this.expr(s.index), s.e)}`];
      case 'for': return [...this.forHead(s).map((l) => ind + l), ...this.loopBody(s, ind), `${ind}}`];
      case 'if': {
        const out = [`${ind}if (${this.expr(s.c)}) {`, ...this.stmts(s.then, ind + '  ')];
        if (s.else?.length) out.push(`${ind}} else {`, ...this.stmts(s.else, ind + '  '));
        out.push(`${ind}}`);
        return out;
      }
      case 'barrier': return this.barrier().map((l) => ind + l);
      case 'return': return [`${ind}return;`];
      case 'comment': return [`${ind}${this.comment(s.text)}`];
      case 'micro': return this.micro(s, ind);
      case 'mma': return this.mma(s, ind);
      default: return s satisfies never;
    }
  }
}
