// Shape and dtype inference: one rule per op, a total table, so a new op without a rule does not compile.

import { dtypeOfArray, isFloat, type DType } from './dtype.js';
import { ShapeError } from './errors.js';
import type { Node, LeafType } from './node.js';
import { OP_KIND, type Op } from './op.js';
import type { OpParams } from './params.js';
import { fmtShape, isPermutation, numelOf, shapesEqual, windowOutSize, type Shape } from './shape.js';

type InferRule<O extends Op> = (inputs: readonly Node[], params: OpParams[O], leaf: LeafType | undefined) => LeafType;

function fail(op: string, msg: string): never {
  throw new ShapeError(`${op}: ${msg}`);
}

function arity(op: string, inputs: readonly Node[], n: number): void {
  if (inputs.length !== n) fail(op, `expected ${n} input(s), got ${inputs.length}`);
}

function needLeaf(op: string, leaf: LeafType | undefined): LeafType {
  if (!leaf) fail(op, 'a leaf op needs its shape and dtype');
  if (leaf.shape.some((d) => !Number.isInteger(d) || d < 0)) fail(op, `invalid shape ${fmtShape(leaf.shape)}`);
  return leaf;
}

function needFloat(op: string, d: DType): void {
  if (!isFloat(d)) fail(op, `needs a floating-point input, got ${d}`);
}

function needInt(op: string, d: DType, what: string): void {
  if (isFloat(d)) fail(op, `${what} must be an integer tensor (i32 or i64), got ${d}`);
}

function checkAxes(op: string, axes: readonly number[], rank: number): void {
  const sorted = axes.every((a, i) => i === 0 || a > axes[i - 1]!);
  if (!sorted || axes.some((a) => !Number.isInteger(a) || a < 0 || a >= rank)) {
    fail(op, `axes ${fmtShape(axes)} must be sorted, unique and in [0, ${rank})`);
  }
}

const FLOAT_ONLY_UNARY = new Set<Op>(['exp', 'log', 'sqrt', 'rsqrt', 'recip', 'sin', 'cos', 'tanh', 'erf', 'sigmoid', 'gelu', 'gelu_tanh', 'silu', 'log1p', 'expm1']);
const FLOAT_ONLY_BINARY = new Set<Op>(['div', 'pow']);

function unary(op: Op): InferRule<Op> {
  return (inputs) => {
    arity(op, inputs, 1);
    const x = inputs[0]!;
    if (FLOAT_ONLY_UNARY.has(op)) needFloat(op, x.dtype);
    return { shape: x.shape, dtype: x.dtype };
  };
}

function binary(op: Op): InferRule<Op> {
  return (inputs) => {
    arity(op, inputs, 2);
    const [a, b] = inputs as [Node, Node];
    if (!shapesEqual(a.shape, b.shape)) fail(op, `operand shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} differ (the IR does not broadcast; expand first)`);
    if (a.dtype !== b.dtype) fail(op, `operand dtypes ${a.dtype} and ${b.dtype} differ`);
    if (FLOAT_ONLY_BINARY.has(op)) needFloat(op, a.dtype);
    return { shape: a.shape, dtype: a.dtype };
  };
}

function reduceShape(shape: Shape, axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

function reduce(op: 'sum' | 'max' | 'prod' | 'min'): InferRule<'sum' | 'max' | 'prod' | 'min'> {
  return (inputs, p) => {
    arity(op, inputs, 1);
    const x = inputs[0]!;
    checkAxes(op, p.axes, x.shape.length);
    if ((op === 'max' || op === 'min') && p.axes.some((a) => x.shape[a] === 0)) fail(op, `cannot take the ${op} over an empty axis of ${fmtShape(x.shape)}`);
    return { shape: reduceShape(x.shape, p.axes), dtype: x.dtype };
  };
}

function argReduce(op: 'argmax' | 'argmin'): InferRule<'argmax' | 'argmin'> {
  return (inputs, p) => {
    arity(op, inputs, 1);
    const x = inputs[0]!;
    checkAxes(op, [p.axis], x.shape.length);
    if (x.shape[p.axis] === 0) fail(op, `cannot take the ${op} over an empty axis of ${fmtShape(x.shape)}`);
    return { shape: reduceShape(x.shape, [p.axis]), dtype: 'i32' };
  };
}

/**
 * gather and scatter_add index with a tensor of the operand's rank: idx.shape[d] <= x.shape[d] on
 * every axis but `axis`, as torch.gather and torch.scatter_add require.
 */
function checkIndexShape(op: string, x: Node, idx: Node, axis: number): void {
  checkAxes(op, [axis], x.shape.length);
  needInt(op, idx.dtype, 'indices');
  if (idx.shape.length !== x.shape.length) fail(op, `index ${fmtShape(idx.shape)} must have the rank of the operand ${fmtShape(x.shape)}`);
  const bad = idx.shape.findIndex((d, i) => i !== axis && d > x.shape[i]!);
  if (bad >= 0) fail(op, `index ${fmtShape(idx.shape)} is larger than the operand ${fmtShape(x.shape)} at axis ${bad} (only axis ${axis} may differ)`);
}

function pool(op: 'max_pool' | 'avg_pool'): InferRule<'max_pool' | 'avg_pool'> {
  return (inputs, p) => {
    arity(op, inputs, 1);
    const x = inputs[0]!;
    const s = p.kernel.length;
    needFloat(op, x.dtype);
    if (s < 1 || p.stride.length !== s || p.padding.length !== s) fail(op, 'kernel, stride and padding must have one entry per pooled axis');
    if (x.shape.length < s + 1) fail(op, `input ${fmtShape(x.shape)} has too few axes for a ${s}-d pool`);
    const lead = x.shape.slice(0, x.shape.length - s);
    const spatial = x.shape.slice(x.shape.length - s).map((d, i) => {
      const k = p.kernel[i]!, st = p.stride[i]!, pd = p.padding[i]!;
      if (k < 1 || st < 1 || pd < 0) fail(op, `invalid kernel ${k}, stride ${st} or padding ${pd}`);
      if (pd > k / 2) fail(op, `padding ${pd} should be at most half of kernel size ${k}`);
      const o = windowOutSize(d, k, st, pd);
      if (o < 1) fail(op, `input ${fmtShape(x.shape)} is too small for kernel ${fmtShape(p.kernel)}`);
      return o;
    });
    return { shape: [...lead, ...spatial], dtype: x.dtype };
  };
}

type InferTable = { readonly [O in Op]: InferRule<O> };

export const INFER: InferTable = {
  input: (inputs, _p, leaf) => (arity('input', inputs, 0), needLeaf('input', leaf)),
  constant: (inputs, p, leaf) => {
    arity('constant', inputs, 0);
    const t = needLeaf('constant', leaf);
    if (p.data.length !== numelOf(t.shape)) fail('constant', `data has ${p.data.length} elements but shape ${fmtShape(t.shape)} needs ${numelOf(t.shape)}`);
    if (dtypeOfArray(p.data) !== t.dtype) fail('constant', `data is ${dtypeOfArray(p.data)} but the node is ${t.dtype}`);
    return t;
  },
  full: (inputs, p, leaf) => {
    arity('full', inputs, 0);
    if (typeof p.value !== 'number') fail('full', 'value must be a number');
    return needLeaf('full', leaf);
  },
  rand: (inputs, _p, leaf) => {
    arity('rand', inputs, 0);
    const t = needLeaf('rand', leaf);
    needFloat('rand', t.dtype);
    return t;
  },

  neg: unary('neg'), abs: unary('abs'), sign: unary('sign'), exp: unary('exp'), log: unary('log'),
  sqrt: unary('sqrt'), rsqrt: unary('rsqrt'), recip: unary('recip'), sin: unary('sin'), cos: unary('cos'),
  tanh: unary('tanh'), erf: unary('erf'), sigmoid: unary('sigmoid'), relu: unary('relu'),
  gelu: unary('gelu'), gelu_tanh: unary('gelu_tanh'), silu: unary('silu'),
  floor: unary('floor'), ceil: unary('ceil'), round: unary('round'), log1p: unary('log1p'), expm1: unary('expm1'),

  add: binary('add'), sub: binary('sub'), mul: binary('mul'), div: binary('div'), pow: binary('pow'),
  maximum: binary('maximum'), minimum: binary('minimum'),
  cmp_lt: binary('cmp_lt'), cmp_le: binary('cmp_le'), cmp_gt: binary('cmp_gt'), cmp_ge: binary('cmp_ge'),
  cmp_eq: binary('cmp_eq'), cmp_ne: binary('cmp_ne'),

  where: (inputs) => {
    arity('where', inputs, 3);
    const [c, a, b] = inputs as [Node, Node, Node];
    if (!shapesEqual(c.shape, a.shape) || !shapesEqual(a.shape, b.shape)) {
      fail('where', `shapes ${fmtShape(c.shape)}, ${fmtShape(a.shape)}, ${fmtShape(b.shape)} differ`);
    }
    if (a.dtype !== b.dtype) fail('where', `branch dtypes ${a.dtype} and ${b.dtype} differ`);
    return { shape: a.shape, dtype: a.dtype };
  },
  cast: (inputs, p) => (arity('cast', inputs, 1), { shape: inputs[0]!.shape, dtype: p.to }),

  sum: reduce('sum') as InferRule<'sum'>,
  max: reduce('max') as InferRule<'max'>,
  argmax: argReduce('argmax') as InferRule<'argmax'>,
  prod: reduce('prod') as InferRule<'prod'>,
  min: reduce('min') as InferRule<'min'>,
  argmin: argReduce('argmin') as InferRule<'argmin'>,

  cumsum: (inputs, p) => {
    arity('cumsum', inputs, 1);
    const x = inputs[0]!;
    checkAxes('cumsum', [p.axis], x.shape.length);
    if (typeof p.reverse !== 'boolean') fail('cumsum', 'reverse must be a boolean');
    return { shape: x.shape, dtype: x.dtype };
  },

  matmul: (inputs) => {
    arity('matmul', inputs, 2);
    const [a, b] = inputs as [Node, Node];
    const r = a.shape.length;
    if (r < 2 || b.shape.length !== r) fail('matmul', `operands must have the same rank >= 2, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
    if (!shapesEqual(a.shape.slice(0, r - 2), b.shape.slice(0, r - 2))) fail('matmul', `batch dims of ${fmtShape(a.shape)} and ${fmtShape(b.shape)} differ`);
    if (a.shape[r - 1] !== b.shape[r - 2]) fail('matmul', `inner dims differ: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)} (${a.shape[r - 1]} vs ${b.shape[r - 2]})`);
    if (a.dtype !== b.dtype) fail('matmul', `dtypes ${a.dtype} and ${b.dtype} differ`);
    needFloat('matmul', a.dtype);
    return { shape: [...a.shape.slice(0, r - 1), b.shape[r - 1]!], dtype: a.dtype };
  },
  conv: (inputs, p) => {
    arity('conv', inputs, 2);
    const [x, w] = inputs as [Node, Node];
    const s = p.stride.length;
    if (s < 1 || p.padding.length !== s || p.dilation.length !== s) fail('conv', 'stride, padding and dilation must have one entry per spatial axis');
    if (x.shape.length !== s + 2 || w.shape.length !== s + 2) fail('conv', `a ${s}-d conv needs input [N, C, ...${s} spatial] and weight [O, C/groups, ...${s} kernel], got ${fmtShape(x.shape)} and ${fmtShape(w.shape)}`);
    const g = p.groups;
    const [n, c] = x.shape as [number, number];
    const o = w.shape[0]!;
    if (!Number.isInteger(g) || g < 1 || c % g !== 0 || o % g !== 0) fail('conv', `groups=${g} must divide in_channels=${c} and out_channels=${o}`);
    if (w.shape[1] !== c / g) fail('conv', `weight ${fmtShape(w.shape)} expects ${w.shape[1]! * g} input channels, but input ${fmtShape(x.shape)} has ${c}`);
    if (x.dtype !== w.dtype) fail('conv', `dtypes ${x.dtype} and ${w.dtype} differ`);
    needFloat('conv', x.dtype);
    const spatial = x.shape.slice(2).map((d, i) => {
      const k = w.shape[2 + i]!, st = p.stride[i]!, pd = p.padding[i]!, dl = p.dilation[i]!;
      if (st < 1 || pd < 0 || dl < 1) fail('conv', `invalid stride ${st}, padding ${pd} or dilation ${dl}`);
      const out = windowOutSize(d, k, st, pd, dl);
      if (out < 1) fail('conv', `input ${fmtShape(x.shape)} (padded) is smaller than kernel ${fmtShape(w.shape.slice(2))}`);
      return out;
    });
    return { shape: [n, o, ...spatial], dtype: x.dtype };
  },

  max_pool: pool('max_pool') as InferRule<'max_pool'>,
  avg_pool: pool('avg_pool') as InferRule<'avg_pool'>,

  reshape: (inputs, p) => {
    arity('reshape', inputs, 1);
    const x = inputs[0]!;
    if (p.shape.some((d) => !Number.isInteger(d) || d < 0)) fail('reshape', `invalid shape ${fmtShape(p.shape)}`);
    if (numelOf(p.shape) !== numelOf(x.shape)) fail('reshape', `cannot reshape ${fmtShape(x.shape)} (${numelOf(x.shape)} elements) to ${fmtShape(p.shape)}`);
    return { shape: p.shape, dtype: x.dtype };
  },
  permute: (inputs, p) => {
    arity('permute', inputs, 1);
    const x = inputs[0]!;
    if (!isPermutation(p.perm, x.shape.length)) fail('permute', `${fmtShape(p.perm)} is not a permutation of the ${x.shape.length} axes of ${fmtShape(x.shape)}`);
    return { shape: p.perm.map((a) => x.shape[a]!), dtype: x.dtype };
  },
  expand: (inputs, p) => {
    arity('expand', inputs, 1);
    const x = inputs[0]!;
    const ok = p.shape.length === x.shape.length && x.shape.every((d, i) => d === p.shape[i] || d === 1);
    if (!ok) fail('expand', `cannot expand ${fmtShape(x.shape)} to ${fmtShape(p.shape)} (same rank; only size-1 axes grow)`);
    return { shape: p.shape, dtype: x.dtype };
  },
  slice: (inputs, p) => {
    arity('slice', inputs, 1);
    const x = inputs[0]!;
    const r = x.shape.length;
    if (p.starts.length !== r || p.ends.length !== r) fail('slice', `starts and ends need ${r} entries for ${fmtShape(x.shape)}`);
    const shape = x.shape.map((d, i) => {
      const s = p.starts[i]!, e = p.ends[i]!;
      if (!(0 <= s && s <= e && e <= d)) fail('slice', `range [${s}, ${e}) is out of bounds for axis ${i} of ${fmtShape(x.shape)}`);
      return e - s;
    });
    return { shape, dtype: x.dtype };
  },
  pad: (inputs, p) => {
    arity('pad', inputs, 1);
    const x = inputs[0]!;
    if (p.pads.length !== x.shape.length || p.pads.some(([a, b]) => a < 0 || b < 0)) fail('pad', `pads need one non-negative [before, after] per axis of ${fmtShape(x.shape)}`);
    return { shape: x.shape.map((d, i) => d + p.pads[i]![0] + p.pads[i]![1]), dtype: x.dtype };
  },
  concat: (inputs, p) => {
    if (inputs.length < 1) fail('concat', 'needs at least one input');
    const first = inputs[0]!;
    const r = first.shape.length;
    checkAxes('concat', [p.axis], r);
    let total = 0;
    for (const x of inputs) {
      const ok = x.shape.length === r && x.shape.every((d, i) => i === p.axis || d === first.shape[i]);
      if (!ok) fail('concat', `shapes ${inputs.map((i) => fmtShape(i.shape)).join(', ')} differ outside axis ${p.axis}`);
      if (x.dtype !== first.dtype) fail('concat', `dtypes ${first.dtype} and ${x.dtype} differ`);
      total += x.shape[p.axis]!;
    }
    const shape = [...first.shape];
    shape[p.axis] = total;
    return { shape, dtype: first.dtype };
  },

  take: (inputs, p) => {
    arity('take', inputs, 2);
    const [x, idx] = inputs as [Node, Node];
    checkAxes('take', [p.axis], x.shape.length);
    needInt('take', idx.dtype, 'indices');
    return { shape: [...x.shape.slice(0, p.axis), ...idx.shape, ...x.shape.slice(p.axis + 1)], dtype: x.dtype };
  },
  one_hot: (inputs, p) => {
    arity('one_hot', inputs, 1);
    const idx = inputs[0]!;
    needInt('one_hot', idx.dtype, 'indices');
    if (!Number.isInteger(p.numClasses) || p.numClasses < 1) fail('one_hot', `numClasses must be a positive integer, got ${p.numClasses}`);
    return { shape: [...idx.shape, p.numClasses], dtype: p.dtype };
  },
  gather: (inputs, p) => {
    arity('gather', inputs, 2);
    const [x, idx] = inputs as [Node, Node];
    checkIndexShape('gather', x, idx, p.axis);
    return { shape: idx.shape, dtype: x.dtype };
  },
  scatter_add: (inputs, p) => {
    arity('scatter_add', inputs, 3);
    const [x, idx, src] = inputs as [Node, Node, Node];
    checkIndexShape('scatter_add', x, idx, p.axis);
    if (!shapesEqual(idx.shape, src.shape)) fail('scatter_add', `index ${fmtShape(idx.shape)} and source ${fmtShape(src.shape)} shapes differ`);
    if (src.dtype !== x.dtype) fail('scatter_add', `source dtype ${src.dtype} differs from the operand's ${x.dtype}`);
    return { shape: x.shape, dtype: x.dtype };
  },
};

export function inferNode<O extends Op>(op: O, inputs: readonly Node[], params: OpParams[O], leaf?: LeafType): LeafType {
  const rule = INFER[op] as InferRule<O>;
  if (OP_KIND[op] !== 'leaf' && leaf) {
    const t = rule(inputs, params, undefined);
    if (!shapesEqual(t.shape, leaf.shape) || t.dtype !== leaf.dtype) {
      fail(op, `declared type ${leaf.dtype}${fmtShape(leaf.shape)} does not match inferred ${t.dtype}${fmtShape(t.shape)}`);
    }
    return t;
  }
  return rule(inputs, params, leaf);
}
