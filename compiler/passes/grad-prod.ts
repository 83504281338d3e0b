// The derivative of prod: each element's partial is the product of the others, with zeros handled as torch does.

import type { Node, NodeOf } from '../../ir/node.js';
import { bin, div, expandTo, fillLike, mul, sumAxes, where, type GradContext } from './grad-context.js';

/**
 * d prod(x) / d x_i = the product of the other elements of x_i's row, expanded to x's shape. Dividing
 * the product by x_i (torch's prod_backward when a row has no zero) fails at zeros, so zeros are
 * counted: with none, prod / x_i; with exactly one, the zero's partial is the product of the nonzeros
 * and every other partial is 0; with two or more, every partial is 0.
 */
export function othersProduct(ctx: GradContext, node: NodeOf<'prod'>): Node {
  const x = node.inputs[0]!;
  const { axes } = node.params;
  const zero = fillLike(ctx, x, 0), one = fillLike(ctx, x, 1);
  const isZero = bin(ctx, 'cmp_eq', x, zero);
  const zeros = expandTo(ctx, sumAxes(ctx, isZero, axes), x.shape);
  const nonzero = where(ctx, isZero, one, x);
  const prodNonzero = expandTo(ctx, ctx.emit('prod', [nonzero], { axes: [...axes] }), x.shape);
  const onlyZero = mul(ctx, bin(ctx, 'cmp_eq', zeros, one), isZero);
  const keep = where(ctx, bin(ctx, 'cmp_eq', zeros, zero), one, onlyZero);
  return where(ctx, keep, div(ctx, prodNonzero, nonzero), zero);
}
