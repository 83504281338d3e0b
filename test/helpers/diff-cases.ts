// The differentiation test cases of every IR op (inputs, how to build the node), shared by the grad and jvp rule tests.

import { arrayFrom, type DType, type TypedArray } from '../../ir/dtype.js';
import { asNode, makeNode, type LeafType, type Node } from '../../ir/node.js';
import type { Op } from '../../ir/op.js';
import type { OpParams } from '../../ir/params.js';
import { numelOf } from '../../ir/shape.js';
import { Generator } from '../../runtime/rng.js';

/** One input of a case: f64 unless said, random in [lo, hi) unless `data` is given. */
export interface InputDef {
  readonly shape: readonly number[];
  readonly dtype?: DType;
  /** Fixed values; otherwise uniform in [lo, hi). */
  readonly data?: readonly number[];
  readonly lo?: number;
  readonly hi?: number;
}

/** One use of an op: a small graph over the inputs whose derivative is checked. */
export interface OpCase {
  readonly label: string;
  readonly inputs: readonly InputDef[];
  readonly build: (x: Node[]) => Node;
  /** Finite-difference step and tolerances (defaults 1e-6, rtol 1e-5, atol 1e-7). */
  readonly h?: number;
  readonly rtol?: number;
  readonly atol?: number;
}

/** Every op has cases or a stated reason to skip: the table is total, so a new op must be added here. */
export type CaseTable = { readonly [O in Op]: readonly OpCase[] | { readonly skip: string } };

const n = <O extends Op>(op: O, ins: readonly Node[], params: OpParams[O], leaf?: LeafType): Node => asNode(makeNode(op, ins, params, leaf));
const f = (shape: readonly number[], extra: Partial<InputDef> = {}): InputDef => ({ shape, ...extra });
const full = (like: Node, value: number): Node => n('full', [], { value }, { shape: like.shape, dtype: like.dtype });

const unaryCase = (op: Op, lo = -2, hi = 2): OpCase[] => [{ label: op, inputs: [f([2, 3], { lo, hi })], build: ([x]) => n(op, [x!], {} as never) }];
const binaryCase = (op: Op, b: Partial<InputDef> = {}, a: Partial<InputDef> = {}): OpCase[] => [
  { label: op, inputs: [f([2, 3], a), f([2, 3], b)], build: ([x, y]) => n(op, [x!, y!], {} as never) },
];

const convCase = (label: string, xs: number[], ws: number[], p: OpParams['conv']): OpCase => ({
  label, inputs: [f(xs), f(ws)], build: ([x, w]) => n('conv', [x!, w!], p),
});
const poolCase = (op: 'max_pool' | 'avg_pool', label: string, xs: number[], p: { kernel: number[]; stride: number[]; padding: number[] }, countIncludePad = true): OpCase => ({
  label, inputs: [f(xs)], build: ([x]) => (op === 'max_pool' ? n('max_pool', [x!], p) : n('avg_pool', [x!], { ...p, countIncludePad })),
});

export const DIFF_CASES: CaseTable = {
  input: { skip: 'a graph argument: gradients are taken with respect to it, it has no operands of its own' },
  constant: [{ label: 'x * constant', inputs: [f([4])], build: ([x]) => n('mul', [x!, n('constant', [], { data: Float64Array.from([1.5, -2, 0.25, 3]) }, { shape: [4], dtype: 'f64' })], {}) }],
  full: [{ label: 'x * full', inputs: [f([3])], build: ([x]) => n('mul', [x!, full(x!, -1.75)], {}) }],
  rand: [{
    label: 'dropout-style mask: x * (rand >= 0.5), the draw is a constant',
    inputs: [f([12])],
    build: ([x]) => n('mul', [x!, n('cmp_ge', [n('rand', [], { key: 0, dist: 'uniform' }, { shape: [12], dtype: 'f64' }), full(x!, 0.5)], {})], {}),
  }],

  neg: unaryCase('neg'), abs: unaryCase('abs'), sign: unaryCase('sign'), exp: unaryCase('exp'),
  log: unaryCase('log', 0.5, 2), sqrt: unaryCase('sqrt', 0.5, 2), rsqrt: unaryCase('rsqrt', 0.5, 2),
  recip: unaryCase('recip', 0.5, 2), sin: unaryCase('sin'), cos: unaryCase('cos'), tanh: unaryCase('tanh'),
  erf: unaryCase('erf'), sigmoid: unaryCase('sigmoid'), relu: unaryCase('relu'), gelu: unaryCase('gelu', -3, 3),
  gelu_tanh: unaryCase('gelu_tanh', -3, 3), silu: unaryCase('silu', -3, 3),
  // Away from the jumps at integers (and halves, for round), the derivative is 0.
  floor: [{ label: 'floor', inputs: [f([2, 3], { data: [0.3, 1.6, -0.4, -1.7, 2.2, 0.8] })], build: ([x]) => n('floor', [x!], {}) }],
  ceil: [{ label: 'ceil', inputs: [f([2, 3], { data: [0.3, 1.6, -0.4, -1.7, 2.2, 0.8] })], build: ([x]) => n('ceil', [x!], {}) }],
  round: [{ label: 'round', inputs: [f([2, 3], { data: [0.3, 1.6, -0.4, -1.7, 2.2, 0.8] })], build: ([x]) => n('round', [x!], {}) }],
  log1p: unaryCase('log1p', -0.9, 2), expm1: unaryCase('expm1'),

  add: binaryCase('add'), sub: binaryCase('sub'), mul: binaryCase('mul'),
  div: binaryCase('div', { lo: 0.5, hi: 2 }),
  pow: binaryCase('pow', { lo: -1.5, hi: 1.5 }, { lo: 0.5, hi: 2 }),
  maximum: binaryCase('maximum'), minimum: binaryCase('minimum'),
  cmp_lt: binaryCase('cmp_lt'), cmp_le: binaryCase('cmp_le'), cmp_gt: binaryCase('cmp_gt'),
  cmp_ge: binaryCase('cmp_ge'), cmp_eq: binaryCase('cmp_eq'), cmp_ne: binaryCase('cmp_ne'),

  where: [
    { label: 'integer condition', inputs: [f([2, 3], { dtype: 'i32', data: [1, 0, 0, 1, 1, 0] }), f([2, 3]), f([2, 3])], build: ([c, a, b]) => n('where', [c!, a!, b!], {}) },
    { label: 'condition from the operands', inputs: [f([2, 3]), f([2, 3])], build: ([a, b]) => n('where', [n('cmp_gt', [a!, b!], {}), n('mul', [a!, b!], {}), b!], {}) },
  ],
  cast: [
    { label: 'f64 -> f64', inputs: [f([3])], build: ([x]) => n('cast', [x!], { to: 'f64' }) },
    { label: 'f64 -> f32 -> f64', inputs: [f([3])], build: ([x]) => n('cast', [n('cast', [x!], { to: 'f32' })], { to: 'f64' }), h: 1e-2, rtol: 1e-4, atol: 1e-5 },
    { label: 'x * (f64 -> i32 -> f64): the integer path is constant', inputs: [f([4], { lo: 0.2, hi: 3.8 })], build: ([x]) => n('mul', [x!, n('cast', [n('cast', [x!], { to: 'i32' })], { to: 'f64' })], {}) },
  ],

  sum: [
    { label: 'axes [1]', inputs: [f([2, 3, 4])], build: ([x]) => n('sum', [x!], { axes: [1] }) },
    { label: 'axes [0, 2]', inputs: [f([2, 3, 4])], build: ([x]) => n('sum', [x!], { axes: [0, 2] }) },
  ],
  max: [
    { label: 'axes [1]', inputs: [f([2, 3, 4])], build: ([x]) => n('max', [x!], { axes: [1] }) },
    { label: 'axes [0, 2]', inputs: [f([2, 3, 4])], build: ([x]) => n('max', [x!], { axes: [0, 2] }) },
  ],
  argmax: [{
    label: 'take(x, argmax(x)): the index is constant, the gathered value is not',
    inputs: [f([3, 4])],
    build: ([x]) => n('take', [x!, n('reshape', [n('argmax', [x!], { axis: 1 })], { shape: [3] })], { axis: 1 }),
  }],

  prod: [
    { label: 'axes [1]', inputs: [f([2, 3, 4])], build: ([x]) => n('prod', [x!], { axes: [1] }) },
    { label: 'axes [0, 2]', inputs: [f([2, 3, 2], { lo: 0.5, hi: 1.5 })], build: ([x]) => n('prod', [x!], { axes: [0, 2] }) },
    {
      // Rows with no zero, one zero, and two zeros: the partials torch's prod_backward gives.
      label: 'rows with zeros',
      inputs: [f([3, 3], { data: [1.5, -2, 0.5, 0, 3, -1.25, 0, 2, 0] })],
      build: ([x]) => n('prod', [x!], { axes: [1] }),
    },
  ],
  min: [
    { label: 'axes [1]', inputs: [f([2, 3, 4])], build: ([x]) => n('min', [x!], { axes: [1] }) },
    { label: 'axes [0, 2]', inputs: [f([2, 3, 4])], build: ([x]) => n('min', [x!], { axes: [0, 2] }) },
  ],
  argmin: [{
    label: 'take(x, argmin(x)): the index is constant, the gathered value is not',
    inputs: [f([3, 4])],
    build: ([x]) => n('take', [x!, n('reshape', [n('argmin', [x!], { axis: 1 })], { shape: [3] })], { axis: 1 }),
  }],
  cumsum: [
    { label: 'axis 1', inputs: [f([2, 5])], build: ([x]) => n('cumsum', [x!], { axis: 1, reverse: false }) },
    { label: 'axis 0 reversed', inputs: [f([4, 2, 3])], build: ([x]) => n('cumsum', [x!], { axis: 0, reverse: true }) },
  ],

  matmul: [
    { label: '[3,4] @ [4,2]', inputs: [f([3, 4]), f([4, 2])], build: ([a, b]) => n('matmul', [a!, b!], {}) },
    { label: 'batched [2,3,4] @ [2,4,5]', inputs: [f([2, 3, 4]), f([2, 4, 5])], build: ([a, b]) => n('matmul', [a!, b!], {}) },
  ],
  conv: [
    convCase('1-d, stride 2, padding 1, groups 2', [2, 4, 7], [6, 2, 3], { stride: [2], padding: [1], dilation: [1], groups: 2 }),
    convCase('1-d, stride 3 leaves rows unread', [1, 2, 8], [2, 2, 3], { stride: [3], padding: [0], dilation: [1], groups: 1 }),
    convCase('1-d, kernel 1 with padding 1', [1, 2, 4], [3, 2, 1], { stride: [1], padding: [1], dilation: [1], groups: 1 }),
    convCase('2-d, stride [2,1], padding [1,0], dilation [1,2]', [2, 2, 5, 6], [3, 2, 3, 2], { stride: [2, 1], padding: [1, 0], dilation: [1, 2], groups: 1 }),
    convCase('2-d depthwise, padding 1', [1, 3, 4, 4], [3, 1, 3, 3], { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 3 }),
  ],
  max_pool: [
    poolCase('max_pool', '2-d 2x2 stride 2, odd size', [2, 2, 5, 5], { kernel: [2, 2], stride: [2, 2], padding: [0, 0] }),
    poolCase('max_pool', '2-d 3x3 stride 2 padding 1', [1, 2, 5, 6], { kernel: [3, 3], stride: [2, 2], padding: [1, 1] }),
    poolCase('max_pool', '1-d overlapping windows', [2, 7], { kernel: [3], stride: [1], padding: [0] }),
  ],
  avg_pool: [
    poolCase('avg_pool', '2-d 2x2 stride 2, odd size', [2, 2, 5, 5], { kernel: [2, 2], stride: [2, 2], padding: [0, 0] }),
    poolCase('avg_pool', '2-d 3x3 stride 2 padding 1, count_include_pad', [1, 2, 5, 6], { kernel: [3, 3], stride: [2, 2], padding: [1, 1] }, true),
    poolCase('avg_pool', '2-d 3x3 stride 2 padding 1, exclude pad', [1, 2, 5, 6], { kernel: [3, 3], stride: [2, 2], padding: [1, 1] }, false),
    poolCase('avg_pool', '1-d overlapping windows, padding 1, exclude pad', [2, 6], { kernel: [3], stride: [1], padding: [1] }, false),
  ],

  reshape: [{ label: '[2,3,2] -> [3,4]', inputs: [f([2, 3, 2])], build: ([x]) => n('reshape', [x!], { shape: [3, 4] }) }],
  permute: [{ label: '[2,3,4] perm [2,0,1]', inputs: [f([2, 3, 4])], build: ([x]) => n('permute', [x!], { perm: [2, 0, 1] }) }],
  expand: [{ label: '[3,1,1] -> [3,5,2]', inputs: [f([3, 1, 1])], build: ([x]) => n('expand', [x!], { shape: [3, 5, 2] }) }],
  slice: [{ label: '[4,5] [1:3, 2:5]', inputs: [f([4, 5])], build: ([x]) => n('slice', [x!], { starts: [1, 2], ends: [3, 5] }) }],
  pad: [{ label: '[2,3] pads [[1,0],[2,1]]', inputs: [f([2, 3])], build: ([x]) => n('pad', [x!], { pads: [[1, 0], [2, 1]] }) }],
  concat: [{ label: 'three inputs on axis 1', inputs: [f([2, 1]), f([2, 3]), f([2, 2])], build: (xs) => n('concat', xs, { axis: 1 }) }],

  take: [
    { label: 'axis 0, repeated indices add up', inputs: [f([4, 3]), f([5], { dtype: 'i32', data: [0, 2, 2, 3, 2] })], build: ([x, i]) => n('take', [x!, i!], { axis: 0 }) },
    { label: 'axis 1, 2-d indices', inputs: [f([2, 4, 3]), f([2, 2], { dtype: 'i64', data: [3, 1, 1, 0] })], build: ([x, i]) => n('take', [x!, i!], { axis: 1 }) },
  ],
  one_hot: [{
    label: 'x * one_hot(idx): the mask is constant',
    inputs: [f([5, 3]), f([5], { dtype: 'i32', data: [2, 0, 1, 1, 2] })],
    build: ([x, i]) => n('mul', [x!, n('one_hot', [i!], { numClasses: 3, dtype: 'f64' })], {}),
  }],
  gather: [
    { label: 'axis 1, repeated indices', inputs: [f([3, 4]), f([3, 3], { dtype: 'i64', data: [0, 3, 3, 1, 1, 1, 2, 0, 3] })], build: ([x, i]) => n('gather', [x!, i!], { axis: 1 }) },
    { label: 'axis 0, index smaller off the axis', inputs: [f([3, 4]), f([4, 2], { dtype: 'i32', data: [2, 0, 1, 1, 0, 2, 2, 2] })], build: ([x, i]) => n('gather', [x!, i!], { axis: 0 }) },
  ],
  scatter_add: [{
    label: 'axis 1, repeated indices, index smaller off the axis',
    inputs: [f([3, 4]), f([2, 3], { dtype: 'i64', data: [0, 3, 0, 2, 2, 1] }), f([2, 3])],
    build: ([x, i, s]) => n('scatter_add', [x!, i!, s!], { axis: 1 }),
  }],
};

/** The values of one input. */
export function dataFor(d: InputDef, gen: Generator): TypedArray {
  const dtype = d.dtype ?? 'f64';
  if (d.data) return arrayFrom(dtype, d.data);
  return arrayFrom(dtype, gen.uniform(numelOf(d.shape), d.lo ?? -2, d.hi ?? 2));
}

/** The dot product of two arrays. */
export const dot = (a: TypedArray, b: TypedArray): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Number(a[i]) * Number(b[i]);
  return s;
};
