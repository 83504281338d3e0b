// The vocabulary of gradient rules: the context that emits nodes, and small builders over it.

import type { DType } from '../../ir/dtype.js';
import type { LeafType, Node } from '../../ir/node.js';
import type { BinaryOp, Op, UnaryOp } from '../../ir/op.js';
import type { OpParams } from '../../ir/params.js';
import type { Shape } from '../../ir/shape.js';

export interface GradContext {
  /** Makes a node of the gradient graph (located at the forward node being differentiated). */
  emit<O extends Op>(op: O, inputs: readonly Node[], params: OpParams[O], leaf?: LeafType): Node;
}

export function fill(ctx: GradContext, shape: Shape, value: number, dtype: DType): Node {
  return ctx.emit('full', [], { value }, { shape, dtype });
}

/** A constant shaped and typed like `like`. */
export function fillLike(ctx: GradContext, like: Node, value: number): Node {
  return fill(ctx, like.shape, value, like.dtype);
}

export function un(ctx: GradContext, op: UnaryOp, x: Node): Node {
  return ctx.emit(op, [x], {});
}

export function bin(ctx: GradContext, op: BinaryOp, a: Node, b: Node): Node {
  return ctx.emit(op, [a, b], {});
}

export const add = (ctx: GradContext, a: Node, b: Node): Node => bin(ctx, 'add', a, b);
export const sub = (ctx: GradContext, a: Node, b: Node): Node => bin(ctx, 'sub', a, b);
export const mul = (ctx: GradContext, a: Node, b: Node): Node => bin(ctx, 'mul', a, b);
export const div = (ctx: GradContext, a: Node, b: Node): Node => bin(ctx, 'div', a, b);
export const neg = (ctx: GradContext, a: Node): Node => un(ctx, 'neg', a);

/** a * c for a number c (as a full node of a's shape). */
export function scale(ctx: GradContext, a: Node, c: number): Node {
  return c === 1 ? a : mul(ctx, a, fillLike(ctx, a, c));
}

/** c - a for a number c. */
export function rsubScalar(ctx: GradContext, c: number, a: Node): Node {
  return sub(ctx, fillLike(ctx, a, c), a);
}

export function where(ctx: GradContext, cond: Node, a: Node, b: Node): Node {
  return ctx.emit('where', [cond, a, b], {});
}

/** cond ? a : 0. */
export function maskOr0(ctx: GradContext, cond: Node, a: Node): Node {
  return where(ctx, cond, a, fillLike(ctx, a, 0));
}

export function reshape(ctx: GradContext, x: Node, shape: Shape): Node {
  return x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i]) ? x : ctx.emit('reshape', [x], { shape: [...shape] });
}

export function permute(ctx: GradContext, x: Node, perm: readonly number[]): Node {
  return perm.every((p, i) => p === i) ? x : ctx.emit('permute', [x], { perm: [...perm] });
}

/** Swaps the last two axes (the transpose of a matrix or a batch of them). */
export function swapLast2(ctx: GradContext, x: Node): Node {
  const r = x.shape.length;
  const perm = [...Array(r).keys()];
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return permute(ctx, x, perm);
}

/** Zero padding; a no-op when every pair is [0, 0]. */
export function pad(ctx: GradContext, x: Node, pads: readonly (readonly [number, number])[]): Node {
  if (pads.every(([a, b]) => a === 0 && b === 0)) return x;
  return ctx.emit('pad', [x], { pads: pads.map(([a, b]) => [a, b] as [number, number]) });
}

/** A unit-step slice; a no-op when it keeps everything. */
export function slice(ctx: GradContext, x: Node, starts: readonly number[], ends: readonly number[]): Node {
  if (starts.every((s) => s === 0) && ends.every((e, i) => e === x.shape[i])) return x;
  return ctx.emit('slice', [x], { starts: [...starts], ends: [...ends] });
}

/**
 * Grows (positive) or trims (negative) each axis at both ends: one pad for the growth, one slice for
 * the trim. This is how transposed windows line up with their input.
 */
export function padOrTrim(ctx: GradContext, x: Node, amounts: readonly (readonly [number, number])[]): Node {
  const grown = pad(ctx, x, amounts.map(([a, b]) => [Math.max(a, 0), Math.max(b, 0)] as const));
  const starts = amounts.map(([a]) => Math.max(-a, 0));
  const ends = amounts.map(([, b], i) => grown.shape[i]! - Math.max(-b, 0));
  return slice(ctx, grown, starts, ends);
}

/** Sums `x` over `axes` (kept with size 1, as the IR does). */
export function sumAxes(ctx: GradContext, x: Node, axes: readonly number[]): Node {
  return axes.length === 0 ? x : ctx.emit('sum', [x], { axes: [...axes] });
}

export function expandTo(ctx: GradContext, x: Node, shape: Shape): Node {
  return x.shape.every((d, i) => d === shape[i]) ? x : ctx.emit('expand', [x], { shape: [...shape] });
}
