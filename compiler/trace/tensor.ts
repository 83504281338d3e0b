// Tensor: a concrete array on the host, or a symbolic value inside a trace. PyTorch-style methods.

import { allocArray, arrayFrom, dtypeOfArray, toNumbers, type DType, type TypedArray } from '../../ir/dtype.js';
import { ShapeError, TraceError, formatLoc } from '../../ir/errors.js';
import type { Node } from '../../ir/node.js';
import { fmtType } from '../../ir/print.js';
import { fmtShape, normAxis, numelOf, type Shape } from '../../ir/shape.js';
import { defaultGenerator, type Generator } from '../../runtime/rng.js';
import * as ops from './ops.js';
import * as composed from './ops-composed.js';
import * as extra from './ops-extra.js';
import { currentLoc, type Trace } from './trace.js';

/** Numbers nested in arrays, as torch.tensor takes them: `[[1, 2], [3, 4]]` is a 2x2 tensor. */
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

/**
 * A tensor: concrete values on the host (eager mode, computed by the CPU reference), or a symbolic value
 * while vmap, grad or compile records a graph. Methods follow torch.Tensor's names and semantics
 * (broadcasting, negative dims, keepdim) in camelCase; every one works in both modes, and reading values
 * (`.data`, `item()`, `toArray()`) throws a TraceError in the second.
 */
export class Tensor {
  /** @internal Concrete values, row-major; undefined for a traced tensor. */
  readonly value: TypedArray | undefined;
  /** @internal The node this tensor stands for in `trace`. */
  readonly node: Node | undefined;
  /** @internal The trace that records this tensor. */
  readonly trace: Trace | undefined;
  /** The sizes of the dimensions (torch's `.shape`); `[]` for a scalar. */
  readonly shape: readonly number[];
  /** The element type: `f32`, `f64`, `i32` or `i64`. */
  readonly dtype: DType;

  /** @internal Use the static constructors (fromArray, tensor, zeros, randn, ...). */
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

  /** A tensor of zeros (torch.zeros). */
  static zeros(shape: Shape, dtype: DType = 'f32'): Tensor {
    return Tensor._concrete(allocArray(dtype, numelOf(shape)), shape, dtype);
  }

  /** A tensor of ones (torch.ones). */
  static ones(shape: Shape, dtype: DType = 'f32'): Tensor {
    return Tensor.full(shape, 1, dtype);
  }

  /** A tensor filled with `value` (torch.full). */
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

  /** 0, 1, ..., n-1 (torch.arange(n)). */
  static arange(n: number, dtype: DType = 'f32'): Tensor {
    return Tensor.fromArray(Array.from({ length: n }, (_, i) => i), [n], dtype);
  }

  // ---- inspection -------------------------------------------------------------------------------

  /** The number of dimensions (torch's `.ndim`). */
  get ndim(): number {
    return this.shape.length;
  }

  /** The number of elements (torch's `.numel()`). */
  numel(): number {
    return numelOf(this.shape);
  }

  /** The shape, or the size of one dimension (negative counts from the end), as torch's `.size()`. */
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

  /** The values as a flat array of numbers, row-major. Throws a TraceError for a traced tensor. */
  toArray(): number[] {
    if (!this.value) throw this.readError('the values (toArray)');
    return toNumbers(this.value);
  }

  /** The values nested by dimension, as torch's `.tolist()`. Throws a TraceError for a traced tensor. */
  tolist(): NestedNumbers {
    const flat = this.toArray();
    const build = (dim: number, offset: number): NestedNumbers => {
      if (dim === this.shape.length) return flat[offset]!;
      const inner = numelOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim]! }, (_, i) => build(dim + 1, offset + i * inner));
    };
    return build(0, 0);
  }

  /** The one value of a one-element tensor, as torch's `.item()`. Throws a TraceError for a traced tensor. */
  item(): number {
    if (!this.value) throw this.readError('.item()');
    if (this.value.length !== 1) throw new ShapeError(`item(): a tensor with ${this.value.length} elements ${fmtShape(this.shape)} cannot be converted to a number`);
    return Number(this.value[0]!);
  }

  /**
   * Lets a concrete one-element tensor be used as a number (`+t`, `t > 0`); a traced tensor throws a
   * TraceError that says where it came from.
   */
  [Symbol.toPrimitive](hint: string): number | string {
    if (hint === 'string') return this.toString();
    if (!this.value) throw this.readError('the value (comparison or arithmetic with a JS operator)');
    return this.item();
  }

  /** `Tensor(f32[2,3] [...])`: the type, and the values when there are at most 8. */
  toString(): string {
    const type = fmtType(this.dtype, this.shape);
    return this.value ? `Tensor(${type}${this.value.length <= 8 ? ` ${JSON.stringify(toNumbers(this.value))}` : ''})` : `Tensor(${type}, traced)`;
  }

  /** A concrete copy whose storage is not shared. */
  clone(): Tensor {
    return this.value ? Tensor._concrete(this.value.slice(), this.shape, this.dtype) : this;
  }

  // ---- elementwise -------------------------------------------------------------------------------

  /** this + alpha * o, broadcast (torch's `.add(other, alpha=)`). */
  add(o: ops.TensorLike, alpha = 1): Tensor {
    const scaled = alpha === 1 ? o : typeof o === 'number' ? o * alpha : ops.binary('mul', o, alpha);
    return ops.binary('add', this, scaled);
  }
  /** this - o, broadcast. */
  sub(o: ops.TensorLike): Tensor { return ops.binary('sub', this, o); }
  /** o - this (for a number o). */
  rsub(o: number): Tensor { return ops.binary('sub', o, this); }
  /** this * o, broadcast. */
  mul(o: ops.TensorLike): Tensor { return ops.binary('mul', this, o); }
  /** this / o, broadcast (true division; floats only: cast integer tensors with .float() first). */
  div(o: ops.TensorLike): Tensor { return ops.binary('div', this, o); }
  /** this ** o, broadcast. */
  pow(o: ops.TensorLike): Tensor { return ops.binary('pow', this, o); }
  /** The larger of this and o per element; NaN if either is NaN. */
  maximum(o: ops.TensorLike): Tensor { return ops.binary('maximum', this, o); }
  /** The smaller of this and o per element; NaN if either is NaN. */
  minimum(o: ops.TensorLike): Tensor { return ops.binary('minimum', this, o); }
  /** Limits the values to [min, max]; either bound may be left out. */
  clamp(min?: number, max?: number): Tensor {
    let t: Tensor = this;
    if (min !== undefined) t = t.maximum(min);
    if (max !== undefined) t = t.minimum(max);
    return t;
  }
  /** this < o per element, as 0/1 of the operands' dtype (vmapc has no bool dtype). */
  lt(o: ops.TensorLike): Tensor { return ops.binary('cmp_lt', this, o); }
  /** this <= o per element, as 0/1. */
  le(o: ops.TensorLike): Tensor { return ops.binary('cmp_le', this, o); }
  /** this > o per element, as 0/1. */
  gt(o: ops.TensorLike): Tensor { return ops.binary('cmp_gt', this, o); }
  /** this >= o per element, as 0/1. */
  ge(o: ops.TensorLike): Tensor { return ops.binary('cmp_ge', this, o); }
  /** this == o per element, as 0/1. */
  eq(o: ops.TensorLike): Tensor { return ops.binary('cmp_eq', this, o); }
  /** this != o per element, as 0/1. */
  ne(o: ops.TensorLike): Tensor { return ops.binary('cmp_ne', this, o); }

  /** -this. */
  neg(): Tensor { return ops.unary('neg', this); }
  /** |this|. */
  abs(): Tensor { return ops.unary('abs', this); }
  /** -1, 0 or 1 by the sign. */
  sign(): Tensor { return ops.unary('sign', this); }
  /** e to the power of each element. */
  exp(): Tensor { return ops.unary('exp', this); }
  /** The natural logarithm. */
  log(): Tensor { return ops.unary('log', this); }
  /** The square root. */
  sqrt(): Tensor { return ops.unary('sqrt', this); }
  /** 1 / sqrt(this). */
  rsqrt(): Tensor { return ops.unary('rsqrt', this); }
  /** 1 / this. */
  reciprocal(): Tensor { return ops.unary('recip', this); }
  /** The sine. */
  sin(): Tensor { return ops.unary('sin', this); }
  /** The cosine. */
  cos(): Tensor { return ops.unary('cos', this); }
  /** The hyperbolic tangent. */
  tanh(): Tensor { return ops.unary('tanh', this); }
  /** The error function. */
  erf(): Tensor { return ops.unary('erf', this); }
  /** 1 / (1 + e^-x). */
  sigmoid(): Tensor { return ops.unary('sigmoid', this); }
  /** max(x, 0). */
  relu(): Tensor { return ops.unary('relu', this); }
  /**
   * GELU: x * Phi(x) exactly (`'none'`, the default) or with the tanh approximation (`'tanh'`), as torch's
   * `approximate`.
   */
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor { return ops.unary(approximate === 'tanh' ? 'gelu_tanh' : 'gelu', this); }
  /** x * sigmoid(x) (SiLU, swish). */
  silu(): Tensor { return ops.unary('silu', this); }
  /** this * this. */
  square(): Tensor { return this.mul(this); }

  /** A copy converted to `dtype` (this tensor when it already has it). */
  to(dtype: DType): Tensor { return ops.cast(this, dtype); }
  /** Converted to f32. */
  float(): Tensor { return ops.cast(this, 'f32'); }
  /** Converted to f64. */
  double(): Tensor { return ops.cast(this, 'f64'); }
  /** Converted to i32 (truncates toward zero). */
  int(): Tensor { return ops.cast(this, 'i32'); }
  /** Converted to i64 (truncates toward zero). */
  long(): Tensor { return ops.cast(this, 'i64'); }

  // ---- reductions ---------------------------------------------------------------------------------

  /**
   * The sum over `dim` (one dim, a list, or all when left out), keeping reduced dims as size 1 with
   * keepdim.
   */
  sum(dim?: number | readonly number[], keepdim = false): Tensor { return ops.sum(this, dim, keepdim); }
  /** The mean over `dim` (one dim, a list, or all), as torch's `.mean()`. */
  mean(dim?: number | readonly number[], keepdim = false): Tensor { return ops.mean(this, dim, keepdim); }
  /** The maximum over `dim` (one dim, a list, or all), as torch.amax. */
  amax(dim?: number | readonly number[], keepdim = false): Tensor { return ops.amax(this, dim, keepdim); }
  /** The minimum over `dim` (one dim, a list, or all), as torch.amin. */
  amin(dim?: number | readonly number[], keepdim = false): Tensor { return ops.amin(this, dim, keepdim); }
  /** Values of the max (torch.max without indices). */
  max(dim?: number, keepdim = false): Tensor { return ops.amax(this, dim, keepdim); }
  /** Values of the min (torch.min without indices). */
  min(dim?: number, keepdim = false): Tensor { return ops.amin(this, dim, keepdim); }
  /** The index of the largest value along `dim` (of the flattened tensor when left out), as i32. */
  argmax(dim?: number, keepdim = false): Tensor { return ops.argmax(this, dim, keepdim); }
  /** The variance over `dim`, with Bessel's correction unless `correction` is 0 (torch.var). */
  var(dim?: number | readonly number[], keepdim = false, correction = 1): Tensor { return ops.variance(this, dim, keepdim, correction); }
  /** Softmax along `dim`. */
  softmax(dim: number): Tensor { return ops.softmax(this, dim); }
  /** Log-softmax along `dim` (torch's `.log_softmax()`). */
  logSoftmax(dim: number): Tensor { return ops.logSoftmax(this, dim); }

  // ---- shape ------------------------------------------------------------------------------------

  /**
   * The same values in a new shape; one size may be -1 (inferred). Takes sizes as arguments or as one
   * array.
   */
  reshape(...shape: number[] | [readonly number[]]): Tensor { return ops.reshape(this, Array.isArray(shape[0]) ? shape[0] : (shape as number[])); }
  /** The same as reshape (vmapc's tensors are always contiguous). */
  view(...shape: number[] | [readonly number[]]): Tensor { return this.reshape(...shape); }
  /** Flattens dims startDim..endDim into one. */
  flatten(startDim = 0, endDim = -1): Tensor { return ops.flatten(this, startDim, endDim); }
  /** The dims reordered: result dim i is this dim dims[i]. */
  permute(...dims: number[] | [readonly number[]]): Tensor { return ops.permute(this, Array.isArray(dims[0]) ? dims[0] : (dims as number[])); }
  /** dim0 and dim1 swapped. */
  transpose(dim0: number, dim1: number): Tensor { return ops.transpose(this, dim0, dim1); }
  /** Transpose of a tensor of rank <= 2 (torch.Tensor.t). */
  t(): Tensor {
    if (this.ndim > 2) throw new ShapeError(`t() expects a tensor with <= 2 dimensions, but got ${fmtShape(this.shape)}; use transpose()`);
    return this.ndim < 2 ? this : ops.transpose(this, 0, 1);
  }
  /** All dims reversed (torch's `.T`). */
  get T(): Tensor { return ops.permute(this, [...this.shape.keys()].reverse()); }
  /** A new dim of size 1 at `dim`. */
  unsqueeze(dim: number): Tensor { return ops.unsqueeze(this, dim); }
  /** Removes dims of size 1 (all, or only those given). */
  squeeze(dim?: number | readonly number[]): Tensor { return ops.squeeze(this, dim); }
  /** Broadcast to `shape` without copying; -1 keeps a dim, new leading dims may be added. */
  expand(...shape: number[] | [readonly number[]]): Tensor { return ops.expand(this, Array.isArray(shape[0]) ? shape[0] : (shape as number[])); }
  /** Broadcast to `shape` (NumPy rules). */
  broadcastTo(shape: Shape): Tensor { return ops.broadcastTo(this, shape); }
  /** `length` elements of `dim` from `start` (negative counts from the end), as torch's `.narrow()`. */
  narrow(dim: number, start: number, length: number): Tensor { return ops.narrow(this, dim, start, length); }
  /** The slice at `index` of `dim`, with that dim removed (x[:, i] is x.select(1, i)). */
  select(dim: number, index: number): Tensor { return ops.select(this, dim, index); }
  /** This tensor: vmapc's tensors are always contiguous. */
  contiguous(): Tensor { return this; }

  /** Matrix product with torch.matmul's rules: 1-D operands are promoted, batch dims broadcast. */
  matmul(o: Tensor): Tensor { return ops.matmul(this, o); }
  /** Matrix product of two 2-D tensors (torch.mm). */
  mm(o: Tensor): Tensor {
    if (this.ndim !== 2 || o.ndim !== 2) throw new ShapeError(`mm: expected 2-D tensors, got ${fmtShape(this.shape)} and ${fmtShape(o.shape)}`);
    return ops.matmul(this, o);
  }

  // ---- composed of other ops (issue 13) ---------------------------------------------------------

  /** Standard deviation (torch.std): Bessel's correction unless `correction` is 0. */
  std(dim?: number | readonly number[], keepdim = false, correction = 1): Tensor { return composed.std(this, dim, keepdim, correction); }
  /** log(sum(exp(x))) over dims, max-shifted for stability (torch.logsumexp); all dims by default. */
  logsumexp(dim?: number | readonly number[], keepdim = false): Tensor { return composed.logsumexp(this, dim, keepdim); }
  /** Splits into at most `chunks` pieces along dim (torch.chunk). */
  chunk(chunks: number, dim = 0): Tensor[] { return composed.chunk(this, chunks, dim); }
  /** Pieces of `splitSize` along dim, or of the given sizes (torch.split). */
  split(splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] { return composed.split(this, splitSizeOrSections, dim); }
  /** Tiles the tensor `sizes[i]` times along each dim; extra sizes add leading dims (torch.Tensor.repeat). */
  repeat(...sizes: number[] | [readonly number[]]): Tensor { return composed.repeat(this, Array.isArray(sizes[0]) ? sizes[0] : (sizes as number[])); }
  /** The entries of a 1-d integer index along dim (torch.index_select). */
  indexSelect(dim: number, index: Tensor): Tensor { return composed.indexSelect(this, dim, index); }
  /** `value` where the mask (nonzero = true, broadcast to this shape) is set (torch.masked_fill). */
  maskedFill(mask: Tensor, value: number | Tensor): Tensor { return composed.maskedFill(this, mask, value); }
  /** Lower triangle of the last two dims (torch.tril). */
  tril(diagonal = 0): Tensor { return composed.tril(this, diagonal); }
  /** Upper triangle of the last two dims (torch.triu). */
  triu(diagonal = 0): Tensor { return composed.triu(this, diagonal); }
  /** Batched matmul of two 3-d tensors with equal batch sizes (torch.bmm). */
  bmm(o: Tensor): Tensor { return composed.bmm(this, o); }

  // ---- issue 13: ops with IR ops of their own (compiler/trace/ops-extra.ts) ----------------------

  /** The integer below each element (torch.floor); integer tensors are returned as they are. */
  floor(): Tensor { return extra.floor(this); }
  /** The integer above each element (torch.ceil); integer tensors are returned as they are. */
  ceil(): Tensor { return extra.ceil(this); }
  /** Rounds half to even (torch.round); `decimals` rounds x * 10^decimals. */
  round(decimals = 0): Tensor { return extra.round(this, decimals); }
  /** log(1 + x), accurate near 0 (torch.log1p); integers are promoted to f32. */
  log1p(): Tensor { return extra.log1p(this); }
  /** e^x - 1, accurate near 0 (torch.expm1); integers are promoted to f32. */
  expm1(): Tensor { return extra.expm1(this); }
  /** Product of all elements, or along one `dim`; integers give i64 unless `dtype` is given. */
  prod(dim?: number, keepdim = false, dtype?: DType): Tensor { return extra.prod(this, dim, keepdim, dtype); }
  /** Index (i32) of the first minimum along `dim`, or of the flattened tensor (torch.argmin). */
  argmin(dim?: number, keepdim = false): Tensor { return extra.argmin(this, dim, keepdim); }
  /** Prefix sums along `dim` (torch.cumsum); integers accumulate in i64 unless `dtype` is given. */
  cumsum(dim: number, dtype?: DType): Tensor { return extra.cumsum(this, dim, dtype); }
  /** torch.gather along `dim` with an integer `index` of this tensor's rank. */
  gather(dim: number, index: Tensor): Tensor { return extra.gather(this, dim, index); }
  /** torch.Tensor.scatter_add (out of place): adds `src` at `index` along `dim`. */
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor { return extra.scatterAdd(this, dim, index, src); }
}
