// Tensor: a concrete array on the host, or a symbolic value inside a trace. PyTorch-style methods.

import { allocArray, arrayFrom, dtypeOfArray, toNumbers, type DType, type TypedArray } from '../../ir/dtype.js';
import { ShapeError, TraceError, formatLoc } from '../../ir/errors.js';
import type { Node } from '../../ir/node.js';
import { fmtType } from '../../ir/print.js';
import { fmtShape, normAxis, numelOf, type Shape } from '../../ir/shape.js';
import { defaultGenerator, type Generator } from '../../runtime/rng.js';
import * as ops from './ops.js';
import * as extra from './ops-extra.js';
import { currentLoc, type Trace } from './trace.js';

export type NestedNumbers = number | NestedNumbers[];

function inferNested(data: NestedNumbers): { shape: number[]; flat: number[] } {
  const shape: number[] = [];
  let probe: NestedNumbers = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0] as NestedNumbers;
  }
  const flat: number[] = [];
  const walk = (v: NestedNumbers, depth: number): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number') throw new ShapeError('tensor: nested list is ragged');
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) throw new ShapeError(`tensor: nested list is ragged at depth ${depth}`);
    for (const x of v) walk(x, depth + 1);
  };
  walk(data, 0);
  return { shape, flat };
}

export class Tensor {
  /** @internal Concrete values, row-major; undefined for a traced tensor. */
  readonly value: TypedArray | undefined;
  /** @internal The node this tensor stands for in `trace`. */
  readonly node: Node | undefined;
  /** @internal The trace that records this tensor. */
  readonly trace: Trace | undefined;
  readonly shape: readonly number[];
  readonly dtype: DType;

  protected constructor(shape: Shape, dtype: DType, value: TypedArray | undefined, node: Node | undefined, trace: Trace | undefined) {
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.value = value;
    this.node = node;
    this.trace = trace;
  }

  /** @internal */
  static _concrete(value: TypedArray, shape: Shape, dtype: DType): Tensor {
    return new Tensor(shape, dtype, value, undefined, undefined);
  }

  /** @internal */
  static _symbolic(node: Node, trace: Trace): Tensor {
    return new Tensor(node.shape, node.dtype, undefined, node, trace);
  }

  // ---- construction ----------------------------------------------------------------------------

  /** Wraps data (not copied if it is already a typed array of the dtype). */
  static fromArray(data: TypedArray | ArrayLike<number>, shape?: Shape, dtype?: DType): Tensor {
    const isTyped = ArrayBuffer.isView(data);
    const dt = dtype ?? (isTyped ? dtypeOfArray(data as TypedArray) : 'f32');
    const arr = isTyped && dtypeOfArray(data as TypedArray) === dt ? (data as TypedArray) : arrayFrom(dt, isTyped ? toNumbers(data as TypedArray) : (data as ArrayLike<number>));
    const s = shape ?? [arr.length];
    if (numelOf(s) !== arr.length) throw new ShapeError(`fromArray: ${arr.length} values do not fill shape ${fmtShape(s)} (${numelOf(s)} elements)`);
    return Tensor._concrete(arr, s, dt);
  }

  /** From a nested array of numbers, like torch.tensor. */
  static tensor(data: NestedNumbers, dtype: DType = 'f32'): Tensor {
    const { shape, flat } = inferNested(data);
    return Tensor._concrete(arrayFrom(dtype, flat), shape, dtype);
  }

  static zeros(shape: Shape, dtype: DType = 'f32'): Tensor {
    return Tensor._concrete(allocArray(dtype, numelOf(shape)), shape, dtype);
  }

  static ones(shape: Shape, dtype: DType = 'f32'): Tensor {
    return Tensor.full(shape, 1, dtype);
  }

  static full(shape: Shape, value: number, dtype: DType = 'f32'): Tensor {
    return Tensor.fromArray(new Array<number>(numelOf(shape)).fill(value), shape, dtype);
  }

  /** Standard normal samples from a generator (the default one unless given). */
  static randn(shape: Shape, options: { generator?: Generator; dtype?: DType } = {}): Tensor {
    const g = options.generator ?? defaultGenerator;
    return Tensor.fromArray(g.normal(numelOf(shape)), shape, options.dtype ?? 'f32');
  }

  /** Uniform samples in [low, high). */
  static rand(shape: Shape, options: { generator?: Generator; dtype?: DType; low?: number; high?: number } = {}): Tensor {
    const g = options.generator ?? defaultGenerator;
    return Tensor.fromArray(g.uniform(numelOf(shape), options.low ?? 0, options.high ?? 1), shape, options.dtype ?? 'f32');
  }

  /** Integers uniform in [low, high). */
  static randint(low: number, high: number, shape: Shape, options: { generator?: Generator; dtype?: DType } = {}): Tensor {
    const g = options.generator ?? defaultGenerator;
    const u = g.uniform(numelOf(shape));
    return Tensor.fromArray(Array.from(u, (v) => low + Math.floor(v * (high - low))), shape, options.dtype ?? 'i64');
  }

  static arange(n: number, dtype: DType = 'f32'): Tensor {
    return Tensor.fromArray(Array.from({ length: n }, (_, i) => i), [n], dtype);
  }

  // ---- inspection -------------------------------------------------------------------------------

  get ndim(): number {
    return this.shape.length;
  }

  numel(): number {
    return numelOf(this.shape);
  }

  size(dim?: number): number | readonly number[] {
    return dim === undefined ? this.shape : this.shape[normAxis(dim, this.shape.length, 'size')]!;
  }

  /** True while this tensor is a symbolic value being traced. */
  get isTraced(): boolean {
    return this.trace !== undefined;
  }

  private readError(what: string): TraceError {
    const from = this.node?.loc;
    const origin = from && (from.module || from.site)
      ? `. The tensor was computed by ${this.node!.op}${from.module ? ` in module ${from.module}` : ''}${from.site ? ` at ${from.site}` : ''}`
      : '';
    return new TraceError(
      `cannot read ${what} of a traced tensor ${fmtType(this.dtype, this.shape)}: its values are not known while ` +
        `${this.trace!.label} records the graph. Data-dependent control flow (if/while on tensor values, .item(), ` +
        `.data) cannot be traced; use where(), masks or reductions instead` + formatLoc(currentLoc()) + origin,
    );
  }

  /** The values, row-major. Throws for a traced tensor. */
  get data(): TypedArray {
    if (!this.value) throw this.readError('.data');
    return this.value;
  }

  toArray(): number[] {
    if (!this.value) throw this.readError('the values (toArray)');
    return toNumbers(this.value);
  }

  tolist(): NestedNumbers {
    const flat = this.toArray();
    const build = (dim: number, offset: number): NestedNumbers => {
      if (dim === this.shape.length) return flat[offset]!;
      const inner = numelOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim]! }, (_, i) => build(dim + 1, offset + i * inner));
    };
    return build(0, 0);
  }

  item(): number {
    if (!this.value) throw this.readError('.item()');
    if (this.value.length !== 1) throw new ShapeError(`item(): a tensor with ${this.value.length} elements ${fmtShape(this.shape)} cannot be converted to a number`);
    return Number(this.value[0]!);
  }

  [Symbol.toPrimitive](hint: string): number | string {
    if (hint === 'string') return this.toString();
    if (!this.value) throw this.readError('the value (comparison or arithmetic with a JS operator)');
    return this.item();
  }

  toString(): string {
    const type = fmtType(this.dtype, this.shape);
    return this.value ? `Tensor(${type}${this.value.length <= 8 ? ` ${JSON.stringify(toNumbers(this.value))}` : ''})` : `Tensor(${type}, traced)`;
  }

  /** A concrete copy whose storage is not shared. */
  clone(): Tensor {
    return this.value ? Tensor._concrete(this.value.slice(), this.shape, this.dtype) : this;
  }

  // ---- elementwise -------------------------------------------------------------------------------

  add(o: ops.TensorLike, alpha = 1): Tensor {
    const scaled = alpha === 1 ? o : typeof o === 'number' ? o * alpha : ops.binary('mul', o, alpha);
    return ops.binary('add', this, scaled);
  }
  sub(o: ops.TensorLike): Tensor { return ops.binary('sub', this, o); }
  rsub(o: number): Tensor { return ops.binary('sub', o, this); }
  mul(o: ops.TensorLike): Tensor { return ops.binary('mul', this, o); }
  div(o: ops.TensorLike): Tensor { return ops.binary('div', this, o); }
  pow(o: ops.TensorLike): Tensor { return ops.binary('pow', this, o); }
  maximum(o: ops.TensorLike): Tensor { return ops.binary('maximum', this, o); }
  minimum(o: ops.TensorLike): Tensor { return ops.binary('minimum', this, o); }
  clamp(min?: number, max?: number): Tensor {
    let t: Tensor = this;
    if (min !== undefined) t = t.maximum(min);
    if (max !== undefined) t = t.minimum(max);
    return t;
  }
  lt(o: ops.TensorLike): Tensor { return ops.binary('cmp_lt', this, o); }
  le(o: ops.TensorLike): Tensor { return ops.binary('cmp_le', this, o); }
  gt(o: ops.TensorLike): Tensor { return ops.binary('cmp_gt', this, o); }
  ge(o: ops.TensorLike): Tensor { return ops.binary('cmp_ge', this, o); }
  eq(o: ops.TensorLike): Tensor { return ops.binary('cmp_eq', this, o); }
  ne(o: ops.TensorLike): Tensor { return ops.binary('cmp_ne', this, o); }

  neg(): Tensor { return ops.unary('neg', this); }
  abs(): Tensor { return ops.unary('abs', this); }
  sign(): Tensor { return ops.unary('sign', this); }
  exp(): Tensor { return ops.unary('exp', this); }
  log(): Tensor { return ops.unary('log', this); }
  sqrt(): Tensor { return ops.unary('sqrt', this); }
  rsqrt(): Tensor { return ops.unary('rsqrt', this); }
  reciprocal(): Tensor { return ops.unary('recip', this); }
  sin(): Tensor { return ops.unary('sin', this); }
  cos(): Tensor { return ops.unary('cos', this); }
  tanh(): Tensor { return ops.unary('tanh', this); }
  erf(): Tensor { return ops.unary('erf', this); }
  sigmoid(): Tensor { return ops.unary('sigmoid', this); }
  relu(): Tensor { return ops.unary('relu', this); }
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor { return ops.unary(approximate === 'tanh' ? 'gelu_tanh' : 'gelu', this); }
  silu(): Tensor { return ops.unary('silu', this); }
  square(): Tensor { return this.mul(this); }

  to(dtype: DType): Tensor { return ops.cast(this, dtype); }
  float(): Tensor { return ops.cast(this, 'f32'); }
  double(): Tensor { return ops.cast(this, 'f64'); }
  int(): Tensor { return ops.cast(this, 'i32'); }
  long(): Tensor { return ops.cast(this, 'i64'); }

  // ---- reductions ---------------------------------------------------------------------------------

  sum(dim?: number | readonly number[], keepdim = false): Tensor { return ops.sum(this, dim, keepdim); }
  mean(dim?: number | readonly number[], keepdim = false): Tensor { return ops.mean(this, dim, keepdim); }
  amax(dim?: number | readonly number[], keepdim = false): Tensor { return ops.amax(this, dim, keepdim); }
  amin(dim?: number | readonly number[], keepdim = false): Tensor { return ops.amin(this, dim, keepdim); }
  /** Values of the max (torch.max without indices). */
  max(dim?: number, keepdim = false): Tensor { return ops.amax(this, dim, keepdim); }
  min(dim?: number, keepdim = false): Tensor { return ops.amin(this, dim, keepdim); }
  argmax(dim?: number, keepdim = false): Tensor { return ops.argmax(this, dim, keepdim); }
  var(dim?: number | readonly number[], keepdim = false, correction = 1): Tensor { return ops.variance(this, dim, keepdim, correction); }
  softmax(dim: number): Tensor { return ops.softmax(this, dim); }
  logSoftmax(dim: number): Tensor { return ops.logSoftmax(this, dim); }

  // ---- shape ------------------------------------------------------------------------------------

  reshape(...shape: number[] | [readonly number[]]): Tensor { return ops.reshape(this, Array.isArray(shape[0]) ? shape[0] : (shape as number[])); }
  view(...shape: number[] | [readonly number[]]): Tensor { return this.reshape(...shape); }
  flatten(startDim = 0, endDim = -1): Tensor { return ops.flatten(this, startDim, endDim); }
  permute(...dims: number[] | [readonly number[]]): Tensor { return ops.permute(this, Array.isArray(dims[0]) ? dims[0] : (dims as number[])); }
  transpose(dim0: number, dim1: number): Tensor { return ops.transpose(this, dim0, dim1); }
  /** Transpose of a tensor of rank <= 2 (torch.Tensor.t). */
  t(): Tensor {
    if (this.ndim > 2) throw new ShapeError(`t() expects a tensor with <= 2 dimensions, but got ${fmtShape(this.shape)}; use transpose()`);
    return this.ndim < 2 ? this : ops.transpose(this, 0, 1);
  }
  get T(): Tensor { return ops.permute(this, [...this.shape.keys()].reverse()); }
  unsqueeze(dim: number): Tensor { return ops.unsqueeze(this, dim); }
  squeeze(dim?: number | readonly number[]): Tensor { return ops.squeeze(this, dim); }
  expand(...shape: number[] | [readonly number[]]): Tensor { return ops.expand(this, Array.isArray(shape[0]) ? shape[0] : (shape as number[])); }
  broadcastTo(shape: Shape): Tensor { return ops.broadcastTo(this, shape); }
  narrow(dim: number, start: number, length: number): Tensor { return ops.narrow(this, dim, start, length); }
  select(dim: number, index: number): Tensor { return ops.select(this, dim, index); }
  contiguous(): Tensor { return this; }

  matmul(o: Tensor): Tensor { return ops.matmul(this, o); }
  mm(o: Tensor): Tensor {
    if (this.ndim !== 2 || o.ndim !== 2) throw new ShapeError(`mm: expected 2-D tensors, got ${fmtShape(this.shape)} and ${fmtShape(o.shape)}`);
    return ops.matmul(this, o);
  }

  // ---- issue 13: ops with IR ops of their own (compiler/trace/ops-extra.ts) ----------------------

  floor(): Tensor { return extra.floor(this); }
  ceil(): Tensor { return extra.ceil(this); }
  /** Rounds half to even (torch.round); `decimals` rounds x * 10^decimals. */
  round(decimals = 0): Tensor { return extra.round(this, decimals); }
  log1p(): Tensor { return extra.log1p(this); }
  expm1(): Tensor { return extra.expm1(this); }
  /** Product of all elements, or along one `dim`; integers give i64 unless `dtype` is given. */
  prod(dim?: number, keepdim = false, dtype?: DType): Tensor { return extra.prod(this, dim, keepdim, dtype); }
  argmin(dim?: number, keepdim = false): Tensor { return extra.argmin(this, dim, keepdim); }
  /** Prefix sums along `dim` (torch.cumsum); integers accumulate in i64 unless `dtype` is given. */
  cumsum(dim: number, dtype?: DType): Tensor { return extra.cumsum(this, dim, dtype); }
  /** torch.gather along `dim` with an integer `index` of this tensor's rank. */
  gather(dim: number, index: Tensor): Tensor { return extra.gather(this, dim, index); }
  /** torch.Tensor.scatter_add (out of place): adds `src` at `index` along `dim`. */
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor { return extra.scatterAdd(this, dim, index, src); }
}
