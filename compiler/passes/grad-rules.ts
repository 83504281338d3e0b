// Gradient rules, one per op: each maps a node's cotangent to its operands' cotangents, as IR nodes.

import { isFloat } from '../../ir/dtype.js';
import { GradError } from '../../ir/errors.js';
import type { Node, NodeOf } from '../../ir/node.js';
import type { Op } from '../../ir/op.js';
import { invertPerm } from '../../ir/shape.js';
import {
  add, bin, div, expandTo, fillLike, maskOr0, mul, neg, pad, permute, reshape, rsubScalar, scale, slice,
  sub, sumAxes, swapLast2, un, where, type GradContext,
} from './grad-context.js';
import { othersProduct } from './grad-prod.js';
import { avgPoolGrad, convInputGrad, convWeightGrad, maxPoolGrad } from './grad-window.js';

/**
 * One cotangent per operand; null means zero (the operand does not change the output, or it is an
 * integer operand that has no gradient). `needs[i]` says whether operand i's cotangent is wanted, so a
 * rule may skip work for the others (what it emits for them is dead and never reaches the graph).
 */
export type GradRule<O extends Op> = (ctx: GradContext, node: NodeOf<O>, ct: Node, needs: readonly boolean[]) => readonly (Node | null)[];

/**
 * Ops whose output does not move when a float operand moves a little (comparisons, sign), or whose
 * differentiable-looking output comes from integer operands (one_hot), or whose output is an integer
 * (argmax). Their rules return zero cotangents; the reasons are listed for the docs and the tests.
 */
export const ZERO_GRAD_REASONS = {
  sign: 'piecewise constant: its derivative is 0 wherever it exists (PyTorch returns 0 too)',
  cmp_lt: 'comparisons are piecewise constant 0/1 masks', cmp_le: 'comparisons are piecewise constant 0/1 masks',
  cmp_gt: 'comparisons are piecewise constant 0/1 masks', cmp_ge: 'comparisons are piecewise constant 0/1 masks',
  cmp_eq: 'comparisons are piecewise constant 0/1 masks', cmp_ne: 'comparisons are piecewise constant 0/1 masks',
  floor: 'piecewise constant: its derivative is 0 wherever it exists (PyTorch returns 0 too)',
  ceil: 'piecewise constant: its derivative is 0 wherever it exists (PyTorch returns 0 too)',
  round: 'piecewise constant: its derivative is 0 wherever it exists (PyTorch returns 0 too)',
  argmax: 'its output is an integer index',
  argmin: 'its output is an integer index',
  one_hot: 'its only operand is an integer index tensor',
} as const satisfies Partial<Record<Op, string>>;

const zeros = <O extends Op>(_ctx: GradContext, node: NodeOf<O>): readonly (Node | null)[] => node.inputs.map(() => null);

/** Leaves have no operands, so nothing flows further (rand is a constant draw for the gradient). */
const leaf = (): readonly (Node | null)[] => [];

const fullOf = (ctx: GradContext, like: Node, v: number): Node => fillLike(ctx, like, v);

const unaryRule = <O extends Op>(f: (ctx: GradContext, x: Node, y: Node, ct: Node) => Node): GradRule<O> =>
  (ctx, node, ct) => [f(ctx, node.inputs[0]!, node as Node, ct)];

const SQRT_1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const GELU_TANH_C = Math.sqrt(2 / Math.PI);
const GELU_TANH_A = 0.044715;

/** gelu(x) = x Phi(x): the derivative is Phi(x) + x phi(x). */
function geluDeriv(ctx: GradContext, x: Node): Node {
  const cdf = scale(ctx, add(ctx, fullOf(ctx, x, 1), un(ctx, 'erf', scale(ctx, x, SQRT_1_2))), 0.5);
  const pdf = scale(ctx, un(ctx, 'exp', scale(ctx, mul(ctx, x, x), -0.5)), INV_SQRT_2PI);
  return add(ctx, cdf, mul(ctx, x, pdf));
}

/** gelu_tanh(x) = x/2 (1 + t), t = tanh(c (x + a x^3)): derivative (1+t)/2 + x/2 (1-t^2) c (1 + 3a x^2). */
function geluTanhDeriv(ctx: GradContext, x: Node): Node {
  const x2 = mul(ctx, x, x);
  const inner = scale(ctx, add(ctx, x, scale(ctx, mul(ctx, x2, x), GELU_TANH_A)), GELU_TANH_C);
  const t = un(ctx, 'tanh', inner);
  const dInner = scale(ctx, add(ctx, fullOf(ctx, x, 1), scale(ctx, x2, 3 * GELU_TANH_A)), GELU_TANH_C);
  const left = scale(ctx, add(ctx, fullOf(ctx, x, 1), t), 0.5);
  const right = mul(ctx, scale(ctx, x, 0.5), mul(ctx, rsubScalar(ctx, 1, mul(ctx, t, t)), dInner));
  return add(ctx, left, right);
}

/**
 * maximum/minimum: the cotangent goes to the operand that won; on a tie each gets half, as PyTorch
 * does. `wins` is cmp_gt for maximum and cmp_lt for minimum.
 */
function extremum<O extends 'maximum' | 'minimum'>(wins: 'cmp_gt' | 'cmp_lt'): GradRule<O> {
  return (ctx, node, ct) => {
    const [a, b] = node.inputs as [Node, Node];
    const half = scale(ctx, ct, 0.5);
    const tie = bin(ctx, 'cmp_eq', a, b);
    const share = (first: Node, second: Node): Node => where(ctx, bin(ctx, wins, first, second), ct, maskOr0(ctx, tie, half));
    return [share(a, b), share(b, a)];
  };
}

/**
 * pow: d/da = b a^(b-1), zeroed where b == 0 (so 0^0 does not give nan); d/db = a^b log a, zeroed
 * where a == 0 and b >= 0 (the limit), as PyTorch's pow_backward does.
 */
const pow: GradRule<'pow'> = (ctx, node, ct, needs) => {
  const [a, b] = node.inputs as [Node, Node];
  const y = node as Node;
  const zero = fullOf(ctx, a, 0);
  const da = needs[0]
    ? where(ctx, bin(ctx, 'cmp_eq', b, zero), zero, mul(ctx, ct, mul(ctx, b, bin(ctx, 'pow', a, sub(ctx, b, fullOf(ctx, b, 1))))))
    : null;
  const db = needs[1]
    ? where(ctx, mul(ctx, bin(ctx, 'cmp_eq', a, zero), bin(ctx, 'cmp_ge', b, zero)), zero, mul(ctx, ct, mul(ctx, y, un(ctx, 'log', a))))
    : null;
  return [da, db];
};

/** max and min over axes (amax, amin): the cotangent is shared evenly among the tied extremes, as torch.amax does. */
const extremeReduce: GradRule<'max' | 'min'> = (ctx, node, ct) => {
  const x = node.inputs[0]!;
  const hit = bin(ctx, 'cmp_eq', x, expandTo(ctx, node as Node, x.shape));
  const count = sumAxes(ctx, hit, node.params.axes);
  return [mul(ctx, hit, expandTo(ctx, div(ctx, ct, count), x.shape))];
};

const matmul: GradRule<'matmul'> = (ctx, node, ct, needs) => {
  const [a, b] = node.inputs as [Node, Node];
  return [
    needs[0] ? ctx.emit('matmul', [ct, swapLast2(ctx, b)], {}) : null,
    needs[1] ? ctx.emit('matmul', [swapLast2(ctx, a), ct], {}) : null,
  ];
};

const conv: GradRule<'conv'> = (ctx, node, ct, needs) => [
  needs[0] ? convInputGrad(ctx, node, ct) : null,
  needs[1] ? convWeightGrad(ctx, node, ct) : null,
];

/** expand: the cotangent is summed over the broadcast axes (kept with size 1, so no reshape). */
const expand: GradRule<'expand'> = (ctx, node, ct) => {
  const x = node.inputs[0]!;
  const axes = x.shape.map((d, i) => (d === 1 && node.shape[i] !== 1 ? i : -1)).filter((i) => i >= 0);
  return [sumAxes(ctx, ct, axes)];
};

const concat: GradRule<'concat'> = (ctx, node, ct) => {
  const ax = node.params.axis;
  let start = 0;
  return node.inputs.map((x) => {
    const starts = ct.shape.map((_, i) => (i === ax ? start : 0));
    const ends = ct.shape.map((d, i) => (i === ax ? start + x.shape[ax]! : d));
    start += x.shape[ax]!;
    return slice(ctx, ct, starts, ends);
  });
};

/**
 * take(x, idx, axis) gathers rows; its transpose scatter-adds them back. With x viewed as [P, len, Q]
 * and the cotangent as [P, n, Q] (n = numel idx), that is one_hot(idx)^T [len, n] @ cotangent: rows
 * picked twice add up. No scatter op is needed.
 */
const take: GradRule<'take'> = (ctx, node, ct) => {
  const [x, idx] = node.inputs as [Node, Node];
  const ax = node.params.axis;
  const len = x.shape[ax]!;
  const P = x.shape.slice(0, ax).reduce((a, b) => a * b, 1);
  const Q = x.shape.slice(ax + 1).reduce((a, b) => a * b, 1);
  const n = idx.shape.reduce((a, b) => a * b, 1);
  const hot = ctx.emit('one_hot', [reshape(ctx, idx, [n])], { numClasses: len, dtype: x.dtype });
  const hotT = permute(ctx, hot, [1, 0]);
  const rows = reshape(ctx, ct, P === 1 ? [n, Q] : [P, n, Q]);
  const lhs = P === 1 ? hotT : expandTo(ctx, reshape(ctx, hotT, [1, len, n]), [P, len, n]);
  return [reshape(ctx, ctx.emit('matmul', [lhs, rows], {}), x.shape), null];
};

/** prod: each element gets the cotangent times the product of the others in its row (zeros handled in grad-prod.ts). */
const prod: GradRule<'prod'> = (ctx, node, ct) => [mul(ctx, expandTo(ctx, ct, node.inputs[0]!.shape), othersProduct(ctx, node))];

/** gather reads; its transpose adds the cotangent back where it read (a scatter_add into zeros). */
const gather: GradRule<'gather'> = (ctx, node, ct) => {
  const [x, idx] = node.inputs as [Node, Node];
  return [ctx.emit('scatter_add', [fillLike(ctx, x, 0), idx, ct], { axis: node.params.axis }), null];
};

/** scatter_add passes the cotangent to x unchanged and gathers it back for src, from where src was added. */
const scatterAdd: GradRule<'scatter_add'> = (ctx, node, ct, needs) => [
  ct, null, needs[2] ? ctx.emit('gather', [ct, node.inputs[1]!], { axis: node.params.axis }) : null,
];

const cast: GradRule<'cast'> = (ctx, node, ct) => {
  const x = node.inputs[0]!;
  if (!isFloat(x.dtype) || !isFloat(node.dtype)) return [null];
  return [x.dtype === ct.dtype ? ct : ctx.emit('cast', [ct], { to: x.dtype })];
};

const inputRule: GradRule<'input'> = (_ctx, node) => {
  if (node.inputs.length) throw new GradError(`grad pass: input %${node.params.name} cannot have operands`);
  return [];
};

type GradRuleTable = { readonly [O in Op]: GradRule<O> };

/** Total over the op enum: adding an op without a gradient rule is a compile error. */
export const GRAD_RULES: GradRuleTable = {
  input: inputRule,
  constant: leaf,
  full: leaf,
  rand: leaf,

  neg: unaryRule((ctx, _x, _y, ct) => neg(ctx, ct)),
  abs: unaryRule((ctx, x, _y, ct) => mul(ctx, ct, un(ctx, 'sign', x))),
  sign: zeros,
  exp: unaryRule((ctx, _x, y, ct) => mul(ctx, ct, y)),
  log: unaryRule((ctx, x, _y, ct) => div(ctx, ct, x)),
  sqrt: unaryRule((ctx, _x, y, ct) => div(ctx, ct, scale(ctx, y, 2))),
  rsqrt: unaryRule((ctx, _x, y, ct) => mul(ctx, ct, scale(ctx, mul(ctx, y, mul(ctx, y, y)), -0.5))),
  recip: unaryRule((ctx, _x, y, ct) => neg(ctx, mul(ctx, ct, mul(ctx, y, y)))),
  sin: unaryRule((ctx, x, _y, ct) => mul(ctx, ct, un(ctx, 'cos', x))),
  cos: unaryRule((ctx, x, _y, ct) => neg(ctx, mul(ctx, ct, un(ctx, 'sin', x)))),
  tanh: unaryRule((ctx, _x, y, ct) => mul(ctx, ct, rsubScalar(ctx, 1, mul(ctx, y, y)))),
  erf: unaryRule((ctx, x, _y, ct) => mul(ctx, ct, scale(ctx, un(ctx, 'exp', neg(ctx, mul(ctx, x, x))), TWO_OVER_SQRT_PI))),
  sigmoid: unaryRule((ctx, _x, y, ct) => mul(ctx, ct, mul(ctx, y, rsubScalar(ctx, 1, y)))),
  // relu'(0) = 0, as in PyTorch.
  relu: unaryRule((ctx, x, _y, ct) => maskOr0(ctx, bin(ctx, 'cmp_gt', x, fullOf(ctx, x, 0)), ct)),
  gelu: unaryRule((ctx, x, _y, ct) => mul(ctx, ct, geluDeriv(ctx, x))),
  gelu_tanh: unaryRule((ctx, x, _y, ct) => mul(ctx, ct, geluTanhDeriv(ctx, x))),
  // silu(x) = x s(x): the derivative is s (1 + x (1 - s)).
  silu: unaryRule((ctx, x, _y, ct) => {
    const s = un(ctx, 'sigmoid', x);
    return mul(ctx, ct, mul(ctx, s, add(ctx, fullOf(ctx, x, 1), mul(ctx, x, rsubScalar(ctx, 1, s)))));
  }),
  floor: zeros, ceil: zeros, round: zeros,
  log1p: unaryRule((ctx, x, _y, ct) => div(ctx, ct, add(ctx, fullOf(ctx, x, 1), x))),
  expm1: unaryRule((ctx, x, y, ct) => mul(ctx, ct, add(ctx, y, fullOf(ctx, x, 1)))),

  add: (_ctx, _node, ct) => [ct, ct],
  sub: (ctx, _node, ct, needs) => [ct, needs[1] ? neg(ctx, ct) : null],
  mul: (ctx, node, ct, needs) => [needs[0] ? mul(ctx, ct, node.inputs[1]!) : null, needs[1] ? mul(ctx, ct, node.inputs[0]!) : null],
  // d(a/b) = ct/b, -ct a/b^2 = -(ct/b) y.
  div: (ctx, node, ct, needs) => {
    const q = div(ctx, ct, node.inputs[1]!);
    return [q, needs[1] ? neg(ctx, mul(ctx, q, node as Node)) : null];
  },
  pow,
  maximum: extremum('cmp_gt'),
  minimum: extremum('cmp_lt'),
  cmp_lt: zeros, cmp_le: zeros, cmp_gt: zeros, cmp_ge: zeros, cmp_eq: zeros, cmp_ne: zeros,

  // The condition selects; it has no gradient (and may be an integer mask).
  where: (ctx, node, ct) => {
    const c = node.inputs[0]!;
    return [null, maskOr0(ctx, c, ct), where(ctx, c, fillLike(ctx, ct, 0), ct)];
  },
  cast,

  sum: (ctx, node, ct) => [expandTo(ctx, ct, node.inputs[0]!.shape)],
  max: extremeReduce,
  argmax: zeros,
  prod,
  min: extremeReduce,
  argmin: zeros,
  // The transpose of a prefix sum is a suffix sum.
  cumsum: (ctx, node, ct) => [ctx.emit('cumsum', [ct], { axis: node.params.axis, reverse: !node.params.reverse })],

  matmul,
  conv,
  max_pool: (ctx, node, ct) => [maxPoolGrad(ctx, node, ct)],
  avg_pool: (ctx, node, ct) => [avgPoolGrad(ctx, node, ct)],

  reshape: (ctx, node, ct) => [reshape(ctx, ct, node.inputs[0]!.shape)],
  permute: (ctx, node, ct) => [permute(ctx, ct, invertPerm(node.params.perm))],
  expand,
  // slice and pad are each other's transposes.
  slice: (ctx, node, ct) => [pad(ctx, ct, node.params.starts.map((s, i) => [s, node.inputs[0]!.shape[i]! - node.params.ends[i]!] as const))],
  pad: (ctx, node, ct) => [slice(ctx, ct, node.params.pads.map(([lo]) => lo), node.params.pads.map(([lo], i) => lo + node.inputs[0]!.shape[i]!))],
  concat,

  take,
  one_hot: zeros,
  gather,
  scatter_add: scatterAdd,
};

export function gradRule<O extends Op>(op: O): GradRule<O> {
  return GRAD_RULES[op] as GradRule<O>;
}

/** Whether `op`'s rule always returns zero cotangents (see ZERO_GRAD_REASONS). */
export function isZeroGradOp(op: Op): op is keyof typeof ZERO_GRAD_REASONS {
  return Object.prototype.hasOwnProperty.call(ZERO_GRAD_REASONS, op);
}
