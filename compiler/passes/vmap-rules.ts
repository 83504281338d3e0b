// Batching rules, one per op: three generic batchers plus hand-written rules that say why they differ.

import { VmapError } from '../../ir/errors.js';
import type { Node, NodeOf } from '../../ir/node.js';
import type { Op } from '../../ir/op.js';
import { insertAxis, numelOf, shapesEqual } from '../../ir/shape.js';
import {
  bdimAt, mappedAt, moveBdim, notMapped, shiftAxis, type BatchContext, type Batched,
} from './batching.js';

export type BatchRule<O extends Op> = (ctx: BatchContext, node: NodeOf<O>, args: readonly Batched[]) => Batched;

const allUnmapped = (args: readonly Batched[]): boolean => args.every((a) => a.bdim === null);

/** Re-emits the op unchanged: used when no operand is mapped. */
function same<O extends Op>(ctx: BatchContext, node: NodeOf<O>, args: readonly Batched[]): Batched {
  return notMapped(ctx.emit(node.op, args.map((a) => a.node), node.params as never));
}

/**
 * Generic batcher 1, elementwise: operands share one batch dim. Mapped operands keep theirs when
 * they agree; unmapped ones are broadcast to M along it (a view, never a copy of the data).
 */
function elementwise<O extends Op>(ctx: BatchContext, node: NodeOf<O>, args: readonly Batched[]): Batched {
  if (allUnmapped(args)) return same(ctx, node, args);
  const dims = new Set(args.filter((a) => a.bdim !== null).map((a) => a.bdim!));
  const d = dims.size === 1 ? [...dims][0]! : 0;
  return mappedAt(ctx.emit(node.op, args.map((a) => bdimAt(ctx, a, d)), node.params as never), d);
}

/** Generic batcher 2, reducer: the reduced axes shift past the batch dim, which stays where it is. */
function reducer(ctx: BatchContext, node: NodeOf<'sum' | 'max' | 'prod' | 'min'>, args: readonly Batched[]): Batched {
  const [x] = args as [Batched];
  if (x.bdim === null) return same(ctx, node, args);
  const axes = node.params.axes.map((a) => shiftAxis(a, x.bdim!));
  return mappedAt(ctx.emit(node.op, [x.node], { axes }), x.bdim);
}

/**
 * Generic batcher 3, leading-batch: ops whose leading axes are independent rows (pools) accept the
 * batch dim as one more leading axis, so it moves to the front and the params stay as they are.
 */
function leadingBatch<O extends Op>(ctx: BatchContext, node: NodeOf<O>, args: readonly Batched[]): Batched {
  const [x] = args as [Batched];
  if (x.bdim === null) return same(ctx, node, args);
  return mappedAt(ctx.emit(node.op, [moveBdim(ctx, x, 0)], node.params as never), 0);
}

const leaf = <O extends Op>(ctx: BatchContext, node: NodeOf<O>): Batched =>
  notMapped(ctx.emit(node.op, [], node.params as never, { shape: node.shape, dtype: node.dtype }));

/** matmul: a Linear over M members becomes one batched matmul, whichever side is mapped. */
const matmul: BatchRule<'matmul'> = (ctx, node, args) => {
  const [a, b] = args as [Batched, Batched];
  if (allUnmapped(args)) return same(ctx, node, args);
  const r = node.inputs[0]!.shape.length;
  const [m, k] = node.inputs[0]!.shape.slice(r - 2) as [number, number];
  const n = node.inputs[1]!.shape[r - 1]!;
  // Mapped rows against a shared 2-D right operand: fold members into rows, one [M*m, k] @ [k, n].
  if (b.bdim === null && r === 2 && a.bdim !== 1) {
    const rows = ctx.emit('reshape', [moveBdim(ctx, a, 0)], { shape: [ctx.axisSize * m, k] });
    const out = ctx.emit('matmul', [rows, b.node], {});
    return mappedAt(ctx.emit('reshape', [out], { shape: [ctx.axisSize, m, n] }), 0);
  }
  // Otherwise the member axis is one more batch dim; a shared operand is broadcast, not copied.
  return mappedAt(ctx.emit('matmul', [bdimAt(ctx, a, 0), bdimAt(ctx, b, 0)], {}), 0);
};

/**
 * conv: the generic batchers do not apply because conv mixes channels. Members fold into the
 * batch (shared weight), into output channels (shared input), or into channel groups (both mapped).
 */
const conv: BatchRule<'conv'> = (ctx, node, args) => {
  const [x, w] = args as [Batched, Batched];
  if (allUnmapped(args)) return same(ctx, node, args);
  const M = ctx.axisSize;
  const xs = node.inputs[0]!.shape, ws = node.inputs[1]!.shape, os = node.shape;
  const [N, C] = xs as [number, number];
  const O = ws[0]!;
  const g = node.params.groups;
  if (w.bdim === null) {
    const xf = ctx.emit('reshape', [moveBdim(ctx, x, 0)], { shape: [M * N, C, ...xs.slice(2)] });
    const y = ctx.emit('conv', [xf, w.node], node.params);
    return mappedAt(ctx.emit('reshape', [y], { shape: [M, ...os] }), 0);
  }
  const wf = ctx.emit('reshape', [moveBdim(ctx, w, 0)], { shape: [M * O, ...ws.slice(1)] });
  if (x.bdim === null && g === 1) {
    // One conv with M*O output channels; members come out as channel blocks.
    const y = ctx.emit('conv', [x.node, wf], node.params);
    const split = ctx.emit('reshape', [y], { shape: [N, M, O, ...os.slice(2)] });
    return mappedAt(split, 1);
  }
  // Members become M*g groups: input channels [N, M*C, ...], weights [M*O, C/g, ...].
  const xm = bdimAt(ctx, x, 1);
  const xf = ctx.emit('reshape', [xm], { shape: [N, M * C, ...xs.slice(2)] });
  const y = ctx.emit('conv', [xf, wf], { ...node.params, groups: M * g });
  return mappedAt(ctx.emit('reshape', [y], { shape: [N, M, O, ...os.slice(2)] }), 1);
};

/** rand: has no operands, so whether it is mapped is the user's choice (vmap's randomness flag). */
const rand: BatchRule<'rand'> = (ctx, node) => {
  switch (ctx.randomness) {
    case 'error':
      throw new VmapError(
        "vmap: called a random operation while in randomness='error' mode. Use randomness='different' " +
          "(independent values per member) or 'same' (one draw shared by all members), or draw outside vmap",
      );
    case 'same':
      return notMapped(ctx.emit('rand', [], { ...node.params, key: ctx.randKey() }, { shape: node.shape, dtype: node.dtype }));
    case 'different':
      return mappedAt(ctx.emit('rand', [], { ...node.params, key: ctx.randKey() }, { shape: [ctx.axisSize, ...node.shape], dtype: node.dtype }), 0);
    default:
      return ctx.randomness satisfies never;
  }
};

/** take: which axis the member dim lands on depends on which operand is mapped. */
const take: BatchRule<'take'> = (ctx, node, args) => {
  const [x, idx] = args as [Batched, Batched];
  const axis = node.params.axis;
  if (allUnmapped(args)) return same(ctx, node, args);
  if (idx.bdim === null) return mappedAt(ctx.emit('take', [moveBdim(ctx, x, 0), idx.node], { axis: axis + 1 }), 0);
  if (x.bdim === null) return mappedAt(ctx.emit('take', [x.node, idx.node], { axis }), axis + idx.bdim);
  // Both mapped: a gather over each member's own table, so an index past a member's last row raises
  // instead of reading the next member's table. x becomes [M, ...pre, ...ids, len, ...post] by views
  // (the index dims broadcast in front of `axis`), the indices [M, ...pre, ...ids, ...post].
  const xs = node.inputs[0]!.shape;
  const pre = xs.slice(0, axis), post = xs.slice(axis + 1), len = xs[axis]!;
  const ids0 = moveBdim(ctx, idx, 0);
  const scalar = ids0.shape.length === 1; // a 0-d index per member
  const idShape = scalar ? [1] : ids0.shape.slice(1);
  const ids = scalar ? ctx.emit('reshape', [ids0], { shape: [ctx.axisSize, 1] }) : ids0;
  const M = ctx.axisSize, k = idShape.length;
  const gathered = [M, ...pre, ...idShape, ...post];
  const ones = (n: number): number[] => Array.from({ length: n }, () => 1);
  const view = (n: Node, reshaped: number[], expanded: number[]): Node => {
    const r = shapesEqual(n.shape, reshaped) ? n : ctx.emit('reshape', [n], { shape: reshaped });
    return shapesEqual(reshaped, expanded) ? r : ctx.emit('expand', [r], { shape: expanded });
  };
  const xView = view(moveBdim(ctx, x, 0), [M, ...pre, ...ones(k - 1), len, ...post], [M, ...pre, ...idShape.slice(0, k - 1), len, ...post]);
  const idView = view(ids, [M, ...ones(pre.length), ...idShape, ...ones(post.length)], gathered);
  const out = ctx.emit('gather', [xView, idView], { axis: 1 + pre.length + k - 1 });
  return mappedAt(scalar ? ctx.emit('reshape', [out], { shape: [M, ...pre, ...post] }) : out, 0);
};

/** one_hot appends the class axis, so the member axis of the indices stays where it is. */
const oneHot: BatchRule<'one_hot'> = (ctx, node, args) => {
  const [idx] = args as [Batched];
  if (idx.bdim === null) return same(ctx, node, args);
  return mappedAt(ctx.emit('one_hot', [idx.node], node.params), idx.bdim);
};

const reshape: BatchRule<'reshape'> = (ctx, node, args) => {
  const [x] = args as [Batched];
  if (x.bdim === null) return same(ctx, node, args);
  return mappedAt(ctx.emit('reshape', [moveBdim(ctx, x, 0)], { shape: [ctx.axisSize, ...node.params.shape] }), 0);
};

const permute: BatchRule<'permute'> = (ctx, node, args) => {
  const [x] = args as [Batched];
  if (x.bdim === null) return same(ctx, node, args);
  const b = x.bdim;
  return mappedAt(ctx.emit('permute', [x.node], { perm: [b, ...node.params.perm.map((p) => shiftAxis(p, b))] }), 0);
};

const expand: BatchRule<'expand'> = (ctx, node, args) => {
  const [x] = args as [Batched];
  if (x.bdim === null) return same(ctx, node, args);
  return mappedAt(ctx.emit('expand', [moveBdim(ctx, x, 0)], { shape: [ctx.axisSize, ...node.params.shape] }), 0);
};

const slice: BatchRule<'slice'> = (ctx, node, args) => {
  const [x] = args as [Batched];
  if (x.bdim === null) return same(ctx, node, args);
  const b = x.bdim;
  return mappedAt(ctx.emit('slice', [x.node], {
    starts: insertAxis(node.params.starts, b, 0),
    ends: insertAxis(node.params.ends, b, ctx.axisSize),
  }), b);
};

const pad: BatchRule<'pad'> = (ctx, node, args) => {
  const [x] = args as [Batched];
  if (x.bdim === null) return same(ctx, node, args);
  const pads = [...node.params.pads];
  pads.splice(x.bdim, 0, [0, 0]);
  return mappedAt(ctx.emit('pad', [x.node], { pads }), x.bdim);
};

const concat: BatchRule<'concat'> = (ctx, node, args) => {
  if (allUnmapped(args)) return same(ctx, node, args);
  return mappedAt(ctx.emit('concat', args.map((a) => bdimAt(ctx, a, 0)), { axis: node.params.axis + 1 }), 0);
};

/** argmax, argmin and cumsum work along one axis and keep the operand's rank: the axis shifts past the batch dim, which stays. */
const alongAxis: BatchRule<'argmax' | 'argmin' | 'cumsum'> = (ctx, node, args) => {
  const [x] = args as [Batched];
  if (x.bdim === null) return same(ctx, node, args);
  return mappedAt(ctx.emit(node.op, [x.node], { ...node.params, axis: shiftAxis(node.params.axis, x.bdim) } as never), x.bdim);
};

/**
 * gather and scatter_add index with a tensor of the operand's rank, so the generic elementwise batcher
 * does not fit (the indexed axis must move with the batch dim). Every operand gets the batch dim at 0
 * (an unmapped one as a broadcast view) and the axis shifts by one: member i indexes its own slice.
 */
const indexedAlongAxis: BatchRule<'gather' | 'scatter_add'> = (ctx, node, args) => {
  if (allUnmapped(args)) return same(ctx, node, args);
  return mappedAt(ctx.emit(node.op, args.map((a) => bdimAt(ctx, a, 0)), { axis: node.params.axis + 1 }), 0);
};

const inputRule: BatchRule<'input'> = (_ctx, node) => {
  throw new VmapError(`vmap pass: input %${node.params.name} must be bound by the pass, not batched by a rule`);
};

type BatchRuleTable = { readonly [O in Op]: BatchRule<O> };

/** Total over the op enum: adding an op without a batching rule is a compile error. */
export const BATCH_RULES: BatchRuleTable = {
  input: inputRule,
  constant: leaf,
  full: leaf,
  rand,

  neg: elementwise, abs: elementwise, sign: elementwise, exp: elementwise, log: elementwise,
  sqrt: elementwise, rsqrt: elementwise, recip: elementwise, sin: elementwise, cos: elementwise,
  tanh: elementwise, erf: elementwise, sigmoid: elementwise, relu: elementwise,
  gelu: elementwise, gelu_tanh: elementwise, silu: elementwise,
  floor: elementwise, ceil: elementwise, round: elementwise, log1p: elementwise, expm1: elementwise,
  add: elementwise, sub: elementwise, mul: elementwise, div: elementwise, pow: elementwise,
  maximum: elementwise, minimum: elementwise,
  cmp_lt: elementwise, cmp_le: elementwise, cmp_gt: elementwise, cmp_ge: elementwise,
  cmp_eq: elementwise, cmp_ne: elementwise,
  where: elementwise,
  cast: elementwise,

  sum: reducer,
  max: reducer,
  argmax: alongAxis,
  prod: reducer,
  min: reducer,
  argmin: alongAxis,
  cumsum: alongAxis,

  matmul,
  conv,
  max_pool: leadingBatch,
  avg_pool: leadingBatch,

  reshape, permute, expand, slice, pad, concat,
  take,
  one_hot: oneHot,
  gather: indexedAlongAxis,
  scatter_add: indexedAlongAxis,
};

export function batchRule<O extends Op>(op: O): BatchRule<O> {
  return BATCH_RULES[op] as BatchRule<O>;
}

export function numelOfNode(n: Node): number {
  return numelOf(n.shape);
}
