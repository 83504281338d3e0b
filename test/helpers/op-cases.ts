// Example uses of every IR op (input specs, params, how to apply it), keyed by Op so a new op without a case does not compile.

import type { DType } from '../../ir/dtype.js';
import type { LeafType } from '../../ir/node.js';
import { ALL_OPS, BINARY_OPS, UNARY_OPS, type Op } from '../../ir/op.js';
import type { OpParams } from '../../ir/params.js';
import { numelOf } from '../../ir/shape.js';
import { apply } from '../../compiler/trace/apply.js';
import { Generator, Tensor } from '../../index.js';

/** What values an input holds: any reals, positives (log, sqrt), small integers (ties for comparisons), halves (ties of round), a 0/1 mask, or indices below `index`. */
export type DataKind = 'real' | 'positive' | 'small_int' | 'halves' | 'mask' | { readonly index: number };

export interface InputSpec {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly kind: DataKind;
}

export interface OpCase {
  readonly op: Op;
  readonly label: string;
  readonly inputs: readonly InputSpec[];
  /** Applies the op to tensors (concrete: eager; symbolic: recorded into the trace). */
  readonly run: (ins: readonly Tensor[]) => Tensor;
}

const f32 = (shape: readonly number[], kind: DataKind = 'real'): InputSpec => ({ shape, dtype: 'f32', kind });
const int = (dtype: 'i32' | 'i64', shape: readonly number[], kind: DataKind): InputSpec => ({ shape, dtype, kind });

function use<O extends Op>(op: O, inputs: readonly InputSpec[], params: OpParams[O], label = '', leaf?: LeafType): OpCase {
  const shapes = inputs.map((s) => `${s.dtype}[${s.shape.join(',')}]`).join(', ');
  return { op, label: `${op}(${shapes})${label ? ` ${label}` : ''}`, inputs, run: (ins) => apply(op, ins, params, leaf) };
}

const none = {} as Record<string, never>;
const POSITIVE_UNARY = new Set<Op>(['log', 'sqrt', 'rsqrt', 'recip', 'log1p']);
const INT_UNARY = new Set<Op>(['neg', 'abs', 'sign', 'relu', 'floor', 'ceil', 'round']);
/** Unary ops also checked on halves, -2.5 .. 2.5 (round's ties to even). */
const HALVES_UNARY = new Set<Op>(['round']);
const TIE_BINARY = new Set<Op>(['maximum', 'minimum', 'cmp_lt', 'cmp_le', 'cmp_gt', 'cmp_ge', 'cmp_eq', 'cmp_ne']);

type CaseTable = { readonly [O in Op]: readonly OpCase[] };

const unaryCases = Object.fromEntries(UNARY_OPS.map((op) => {
  const kind: DataKind = POSITIVE_UNARY.has(op) ? 'positive' : 'real';
  const cases = [use(op, [f32([2, 3], kind)], none)];
  if (op === 'exp' || op === 'tanh') cases.push(use(op, [f32([], kind)], none, 'rank 0'));
  if (HALVES_UNARY.has(op)) cases.push(use(op, [f32([3, 4], 'halves')], none, 'halves (ties to even)'));
  if (INT_UNARY.has(op)) cases.push(use(op, [int('i32', [3, 2], 'small_int')], none));
  return [op, cases];
})) as { [O in (typeof UNARY_OPS)[number]]: OpCase[] };

const binaryCases = Object.fromEntries(BINARY_OPS.map((op) => {
  const a: DataKind = op === 'pow' ? 'positive' : TIE_BINARY.has(op) ? 'small_int' : 'real';
  const b: DataKind = op === 'div' ? 'positive' : TIE_BINARY.has(op) ? 'small_int' : 'real';
  const cases = [use(op, [f32([2, 3], a), f32([2, 3], b)], none)];
  if (op === 'add' || op === 'mul' || op === 'cmp_lt') cases.push(use(op, [int('i32', [3], 'small_int'), int('i32', [3], 'small_int')], none));
  return [op, cases];
})) as { [O in (typeof BINARY_OPS)[number]]: OpCase[] };

export const OP_CASES: CaseTable = {
  input: [{ op: 'input', label: 'input (the identity function)', inputs: [f32([2, 3])], run: (ins) => ins[0]! }],
  constant: [
    { op: 'constant', label: 'constant f32[2,3]', inputs: [], run: () => Tensor.fromArray(Float32Array.of(1, -2, 3.5, 0, 5, -6), [2, 3]) },
    { op: 'constant', label: 'constant i64[3]', inputs: [], run: () => Tensor.fromArray(BigInt64Array.of(7n, -1n, 0n), [3]) },
  ],
  full: [
    use('full', [], { value: 2.5 }, '', { shape: [2, 3], dtype: 'f32' }),
    use('full', [], { value: -3 }, 'i32', { shape: [4], dtype: 'i32' }),
  ],
  rand: [
    use('rand', [], { key: 0, dist: 'uniform' }, 'uniform', { shape: [2, 3], dtype: 'f32' }),
    use('rand', [], { key: 0, dist: 'normal' }, 'normal', { shape: [4], dtype: 'f64' }),
  ],
  ...unaryCases,
  ...binaryCases,
  where: [use('where', [f32([2, 3], 'mask'), f32([2, 3]), f32([2, 3])], none)],
  cast: [
    use('cast', [f32([2, 3])], { to: 'i32' }, 'to i32'),
    use('cast', [int('i32', [2, 3], 'small_int')], { to: 'f32' }, 'to f32'),
    use('cast', [f32([3])], { to: 'i64' }, 'to i64'),
    use('cast', [f32([3])], { to: 'f64' }, 'to f64'),
  ],
  sum: [
    use('sum', [f32([2, 3])], { axes: [1] }),
    use('sum', [f32([2, 3, 4])], { axes: [0, 2] }),
    use('sum', [int('i32', [3, 2], 'small_int')], { axes: [0, 1] }),
  ],
  max: [
    use('max', [f32([2, 3])], { axes: [1] }),
    use('max', [f32([2, 3, 4])], { axes: [0, 2] }),
  ],
  argmax: [
    use('argmax', [f32([3, 4])], { axis: 0 }),
    use('argmax', [f32([2, 3, 4])], { axis: 2 }),
  ],
  prod: [
    use('prod', [f32([2, 3])], { axes: [1] }),
    use('prod', [f32([2, 3, 4])], { axes: [0, 2] }),
    use('prod', [int('i32', [3, 2], 'small_int')], { axes: [0] }, 'with zeros'),
  ],
  min: [
    use('min', [f32([2, 3])], { axes: [1] }),
    use('min', [int('i32', [2, 3, 4], 'small_int')], { axes: [0, 2] }, 'ties'),
  ],
  argmin: [
    use('argmin', [f32([3, 4])], { axis: 0 }),
    use('argmin', [f32([2, 3, 4], 'small_int')], { axis: 2 }, 'ties'),
  ],
  cumsum: [
    use('cumsum', [f32([2, 5])], { axis: 1, reverse: false }),
    use('cumsum', [f32([4, 2, 3])], { axis: 0, reverse: true }, 'reversed'),
    use('cumsum', [int('i32', [3, 4], 'small_int')], { axis: 1, reverse: false }),
  ],
  matmul: [
    use('matmul', [f32([2, 3]), f32([3, 4])], none),
    use('matmul', [f32([2, 2, 3]), f32([2, 3, 4])], none),
  ],
  conv: [
    use('conv', [f32([1, 2, 5, 5]), f32([4, 2, 3, 3])], { stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 }, '2-d padding 1'),
    use('conv', [f32([2, 4, 7]), f32([6, 2, 3])], { stride: [2], padding: [1], dilation: [1], groups: 2 }, '1-d stride 2 groups 2'),
    use('conv', [f32([1, 4, 6, 6]), f32([4, 2, 2, 2])], { stride: [2, 1], padding: [0, 1], dilation: [2, 1], groups: 2 }, '2-d dilation groups'),
  ],
  max_pool: [
    use('max_pool', [f32([1, 2, 5, 5])], { kernel: [2, 2], stride: [2, 2], padding: [1, 1] }),
    use('max_pool', [f32([2, 3, 6])], { kernel: [3], stride: [2], padding: [0] }, '1-d'),
  ],
  avg_pool: [
    use('avg_pool', [f32([1, 2, 5, 5])], { kernel: [3, 3], stride: [2, 2], padding: [1, 1], countIncludePad: true }, 'count_include_pad'),
    use('avg_pool', [f32([2, 5, 4])], { kernel: [2, 2], stride: [1, 2], padding: [1, 0], countIncludePad: false }, 'exclude pad'),
  ],
  reshape: [
    use('reshape', [f32([2, 3])], { shape: [3, 2] }),
    use('reshape', [f32([6])], { shape: [1, 2, 3] }),
  ],
  permute: [use('permute', [f32([2, 3, 4])], { perm: [2, 0, 1] })],
  expand: [
    use('expand', [f32([2, 1, 3])], { shape: [2, 4, 3] }),
    use('expand', [f32([1, 1])], { shape: [3, 2] }),
  ],
  slice: [use('slice', [f32([4, 5])], { starts: [1, 0], ends: [3, 4] })],
  pad: [use('pad', [f32([2, 3])], { pads: [[1, 0], [0, 2]] })],
  concat: [
    use('concat', [f32([2, 3]), f32([2, 1]), f32([2, 2])], { axis: 1 }),
    use('concat', [f32([1, 3]), f32([2, 3])], { axis: 0 }),
  ],
  take: [
    use('take', [f32([5, 3]), int('i32', [4], { index: 5 })], { axis: 0 }, 'embedding'),
    use('take', [f32([2, 5]), int('i64', [2, 3], { index: 5 })], { axis: 1 }),
  ],
  one_hot: [
    use('one_hot', [int('i32', [4], { index: 5 })], { numClasses: 5, dtype: 'f32' }),
    use('one_hot', [int('i64', [2, 3], { index: 3 })], { numClasses: 3, dtype: 'i32' }),
  ],
  gather: [
    use('gather', [f32([3, 4]), int('i64', [3, 2], { index: 4 })], { axis: 1 }),
    use('gather', [f32([4, 3, 2]), int('i32', [5, 2, 2], { index: 4 })], { axis: 0 }, 'index longer on the axis, shorter off it'),
  ],
  scatter_add: [
    use('scatter_add', [f32([3, 4]), int('i64', [3, 5], { index: 4 }), f32([3, 5])], { axis: 1 }, 'repeated indices add up'),
    use('scatter_add', [f32([4, 3]), int('i32', [2, 2], { index: 4 }), f32([2, 2])], { axis: 0 }, 'index smaller off the axis'),
  ],
};

/** Every case of every op, in ALL_OPS order. */
export function allCases(): OpCase[] {
  return ALL_OPS.flatMap((op) => OP_CASES[op]);
}

/** Values of the spec's kind with the spec's shape, or with `shape` (the spec's shape with member axes inserted). */
export function makeData(spec: InputSpec, gen: Generator, shape: readonly number[] = spec.shape): Tensor {
  const n = numelOf(shape);
  const u = gen.uniform(n);
  const k = spec.kind;
  const values = Array.from(u, (v) => {
    if (k === 'real') return -2 + 4 * v;
    if (k === 'positive') return 0.5 + 1.5 * v;
    if (k === 'small_int') return Math.floor(v * 5) - 2;
    if (k === 'halves') return (Math.floor(v * 11) - 5) / 2;
    if (k === 'mask') return v < 0.5 ? 0 : 1;
    return Math.floor(v * k.index);
  });
  return Tensor.fromArray(values, shape, spec.dtype);
}
