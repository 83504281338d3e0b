// Forward-mode (jvp) rules, one per op: each maps its operands' tangents to the node's tangent, as IR nodes.

import { isFloat } from '../../ir/dtype.js';
import { GradError } from '../../ir/errors.js';
import type { Node, NodeOf } from '../../ir/node.js';
import type { Op } from '../../ir/op.js';
import { add, bin, div, expandTo, fill, fillLike, mul, pad, rsubScalar, sumAxes, where, type GradContext } from './grad-context.js';
import { gradRule, type GradRule } from './grad-rules.js';
import { othersProduct } from './grad-prod.js';
import { extractTap, geometry } from './grad-window.js';

/** What a jvp rule emits through: the same node factory the grad rules use. */
export type JvpContext = GradContext;

/**
 * The tangent of `node` given one tangent per operand (null: zero, or an operand that is not
 * differentiated, such as integer indices). Returns null when the tangent is zero. Only called when
 * at least one operand has a tangent and the node is floating point.
 */
export type JvpRule<O extends Op> = (ctx: JvpContext, node: NodeOf<O>, tangents: readonly (Node | null)[]) => Node | null;

/** Adds tangent contributions, skipping zeros (null). */
function sumOf(ctx: JvpContext, parts: readonly (Node | null)[]): Node | null {
  let acc: Node | null = null;
  for (const p of parts) if (p) acc = acc ? add(ctx, acc, p) : p;
  return acc;
}

/** The tangent is zero: leaves (a random draw is a constant), piecewise-constant ops and integer outputs. */
const zero = (): Node | null => null;

/**
 * Generic rule 1, elementwise: an elementwise op's Jacobian with respect to each operand is diagonal,
 * hence its own transpose. So operand k's tangent passed through the grad rule *as a cotangent* comes
 * out in slot k as J_k t_k, and the node's tangent is the sum over operands. Every derivative formula
 * (ties shared evenly by maximum, relu'(0) = 0, pow's 0^0 cases) is written once, in grad-rules.ts.
 * Only for ops whose operands and result have the same dtype (cast has its own rule).
 */
function elementwise<O extends Op>(ctx: JvpContext, node: NodeOf<O>, tangents: readonly (Node | null)[]): Node | null {
  const rule = gradRule(node.op) as unknown as GradRule<Op>;
  return sumOf(ctx, tangents.map((t, k) => {
    if (!t) return null;
    const needs = tangents.map((_, j) => j === k);
    return rule(ctx, node as never, t, needs)[k] ?? null;
  }));
}

/**
 * Generic rule 2, linear: movement ops, sum, avg_pool, concat, take (in its table): the op applied to
 * the tangents is the tangent. Float operands without a tangent are zeros; the others (indices) stay.
 */
function linear<O extends Op>(ctx: JvpContext, node: NodeOf<O>, tangents: readonly (Node | null)[]): Node | null {
  const ins = node.inputs.map((x, k) => tangents[k] ?? (isFloat(x.dtype) ? fillLike(ctx, x, 0) : x));
  return ctx.emit(node.op, ins, node.params as never);
}

/** Generic rule 3, multilinear (matmul, conv): the product rule, one term per operand with a tangent. */
function multilinear<O extends Op>(ctx: JvpContext, node: NodeOf<O>, tangents: readonly (Node | null)[]): Node | null {
  return sumOf(ctx, tangents.map((t, k) => (t ? ctx.emit(node.op, node.inputs.map((x, j) => (j === k ? t : x)), node.params as never) : null)));
}

/** cast between float types carries the tangent over, cast to the new type; to or from an integer it is zero. */
const cast: JvpRule<'cast'> = (ctx, node, [t]) => {
  if (!t || !isFloat(node.inputs[0]!.dtype) || !isFloat(node.dtype)) return null;
  return t.dtype === node.dtype ? t : ctx.emit('cast', [t], { to: node.dtype });
};

/** max and min over axes (amax, amin): the mean of the tangents at the tied extremes, as PyTorch's forward AD (and the grad rule) share ties. */
const extremeReduce: JvpRule<'max' | 'min'> = (ctx, node, [t]) => {
  const x = node.inputs[0]!;
  const hit = bin(ctx, 'cmp_eq', x, expandTo(ctx, node as Node, x.shape));
  const { axes } = node.params;
  return div(ctx, sumAxes(ctx, mul(ctx, hit, t!), axes), sumAxes(ctx, hit, axes));
};

/** prod: sum over the row of each tangent times the product of the others (the grad rule's partials, grad-prod.ts). */
const prod: JvpRule<'prod'> = (ctx, node, [t]) => sumAxes(ctx, mul(ctx, t!, othersProduct(ctx, node)), node.params.axes);

/**
 * max_pool: the tangent at the first maximum of each window in scan order (PyTorch gathers the tangent
 * at its saved indices; the grad rule routes cotangents to the same element). Padding reads as -inf
 * for the values and 0 for the tangent; `taken` marks windows an earlier tap already claimed.
 */
const maxPool: JvpRule<'max_pool'> = (ctx, node, [t]) => {
  const x = node.inputs[0]!;
  const geo = geometry(x, node as Node, node.params);
  const unpadded = geo.pads.every(([a, b]) => a === 0 && b === 0);
  const padded = [...geo.lead, ...geo.padded];
  const xp = unpadded ? x : where(ctx, pad(ctx, fill(ctx, x.shape, 1, x.dtype), geo.pads), pad(ctx, x, geo.pads), fill(ctx, padded, -Infinity, x.dtype));
  const tp = pad(ctx, t!, geo.pads);
  let taken: Node | undefined;
  let acc: Node | undefined;
  for (const tap of geo.taps) {
    const hit = bin(ctx, 'cmp_eq', extractTap(ctx, xp, geo, tap), node as Node);
    const first = taken ? mul(ctx, hit, rsubScalar(ctx, 1, taken)) : hit;
    taken = taken ? add(ctx, taken, first) : first;
    const part = mul(ctx, first, extractTap(ctx, tp, geo, tap));
    acc = acc ? add(ctx, acc, part) : part;
  }
  return acc!;
};

const inputRule: JvpRule<'input'> = (_ctx, node) => {
  throw new GradError(`jvp pass: input %${node.params.name} gets its tangent from the pass, not from a rule`);
};

type JvpRuleTable = { readonly [O in Op]: JvpRule<O> };

/** Total over the op enum: adding an op without a jvp rule is a compile error. */
export const JVP_RULES: JvpRuleTable = {
  input: inputRule,
  constant: zero,
  full: zero,
  rand: zero,

  neg: elementwise, abs: elementwise, sign: zero, exp: elementwise, log: elementwise,
  sqrt: elementwise, rsqrt: elementwise, recip: elementwise, sin: elementwise, cos: elementwise,
  tanh: elementwise, erf: elementwise, sigmoid: elementwise, relu: elementwise,
  gelu: elementwise, gelu_tanh: elementwise, silu: elementwise,
  floor: zero, ceil: zero, round: zero, log1p: elementwise, expm1: elementwise,

  add: elementwise, sub: elementwise, mul: elementwise, div: elementwise, pow: elementwise,
  maximum: elementwise, minimum: elementwise,
  cmp_lt: zero, cmp_le: zero, cmp_gt: zero, cmp_ge: zero, cmp_eq: zero, cmp_ne: zero,
  where: elementwise,
  cast,

  sum: linear,
  max: extremeReduce,
  argmax: zero,
  prod,
  min: extremeReduce,
  argmin: zero,
  cumsum: linear,

  matmul: multilinear,
  conv: multilinear,
  max_pool: maxPool,
  avg_pool: linear,

  reshape: linear, permute: linear, expand: linear, slice: linear, pad: linear, concat: linear,
  take: linear,
  one_hot: zero,
  gather: linear,
  scatter_add: linear,
};

export function jvpRule<O extends Op>(op: O): JvpRule<O> {
  return JVP_RULES[op] as JvpRule<O>;
}
