// The CPU reference: one plain, obviously correct implementation per op, computing in f64.

import type { NodeOf } from '../../ir/node.js';
import type { Op, UnaryOp, BinaryOp } from '../../ir/op.js';
import { BackendError, IndexError } from '../../ir/errors.js';
import { toNumbers } from '../../ir/dtype.js';
import { contiguousStrides, fmtShape, numelOf } from '../../ir/shape.js';
import { normalAt, uniformAt } from '../rng.js';
import { cumsumKernel, gatherKernel, scatterAddKernel } from './index-kernels.js';
import { erf, gelu, geluTanh, roundHalfEven, sigmoid, silu } from './math.js';
import { forEachOffset, stridedGather } from './strided.js';

export interface EvalContext {
  /** The per-run seed for rand nodes. */
  readonly seed: number;
}

type Kernel<O extends Op> = (node: NodeOf<O>, ins: Float64Array[], ctx: EvalContext) => Float64Array;

const UNARY: { readonly [O in UnaryOp]: (x: number) => number } = {
  neg: (x) => -x, abs: Math.abs, sign: Math.sign, exp: Math.exp, log: Math.log,
  sqrt: Math.sqrt, rsqrt: (x) => 1 / Math.sqrt(x), recip: (x) => 1 / x, sin: Math.sin, cos: Math.cos,
  tanh: Math.tanh, erf, sigmoid, relu: (x) => (x > 0 ? x : Number.isNaN(x) ? x : 0),
  gelu, gelu_tanh: geluTanh, silu,
  floor: Math.floor, ceil: Math.ceil, round: roundHalfEven, log1p: Math.log1p, expm1: Math.expm1,
};

const nanOr = (a: number, b: number, f: (a: number, b: number) => number): number =>
  Number.isNaN(a) || Number.isNaN(b) ? NaN : f(a, b);

const BINARY: { readonly [O in BinaryOp]: (a: number, b: number) => number } = {
  add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b, pow: Math.pow,
  maximum: (a, b) => nanOr(a, b, Math.max), minimum: (a, b) => nanOr(a, b, Math.min),
  cmp_lt: (a, b) => +(a < b), cmp_le: (a, b) => +(a <= b), cmp_gt: (a, b) => +(a > b),
  cmp_ge: (a, b) => +(a >= b), cmp_eq: (a, b) => +(a === b), cmp_ne: (a, b) => +(a !== b),
};

function map1(x: Float64Array, f: (x: number) => number): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
  return out;
}

function unary<O extends UnaryOp>(op: O): Kernel<O> {
  const f = UNARY[op];
  return (_n, [x]) => map1(x!, f);
}

function binary<O extends BinaryOp>(op: O): Kernel<O> {
  const f = BINARY[op];
  return (_n, [a, b]) => {
    const out = new Float64Array(a!.length);
    for (let i = 0; i < out.length; i++) out[i] = f(a![i]!, b![i]!);
    return out;
  };
}

/** Reduces `x` of `shape` over `axes` (kept as size 1) with an accumulator. */
function reduceAxes(x: Float64Array, shape: readonly number[], axes: readonly number[], init: number, acc: (a: number, v: number) => number): Float64Array {
  const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outStrides = contiguousStrides(outShape).map((s, i) => (axes.includes(i) ? 0 : s));
  const out = new Float64Array(numelOf(outShape)).fill(init);
  forEachOffset(shape, outStrides, 0, (o, flat) => {
    out[o] = acc(out[o]!, x[flat]!);
  });
  return out;
}

function movementStrides(inShape: readonly number[]): number[] {
  return contiguousStrides(inShape);
}

/** Calls fn(outFlat, inOffsets) for each output position of a sliding window op over the trailing axes. */
function windows(
  inShape: readonly number[], outShape: readonly number[], kernel: readonly number[], stride: readonly number[],
  padding: readonly number[], dilation: readonly number[],
  fn: (lead: number, outSpatialFlat: number, taps: number[]) => void,
): void {
  const s = kernel.length;
  const inSp = inShape.slice(-s), outSp = outShape.slice(-s);
  const lead = numelOf(inShape.slice(0, inShape.length - s));
  const inStr = contiguousStrides(inSp);
  const nOut = numelOf(outSp);
  const kShape = [...kernel];
  const nK = numelOf(kShape);
  for (let l = 0; l < lead; l++) {
    for (let o = 0; o < nOut; o++) {
      const taps: number[] = [];
      let rem = o;
      const opos = new Array<number>(s);
      for (let a = s - 1; a >= 0; a--) { opos[a] = rem % outSp[a]!; rem = Math.floor(rem / outSp[a]!); }
      for (let k = 0; k < nK; k++) {
        let kr = k, off = 0, inside = true;
        for (let a = s - 1; a >= 0; a--) {
          const kk = kr % kShape[a]!; kr = Math.floor(kr / kShape[a]!);
          const p = opos[a]! * stride[a]! - padding[a]! + kk * dilation[a]!;
          if (p < 0 || p >= inSp[a]!) inside = false;
          off += p * inStr[a]!;
        }
        taps.push(inside ? off : -1);
      }
      fn(l, o, taps);
    }
  }
}

export const CPU_KERNELS: { readonly [O in Op]: Kernel<O> } = {
  input: (n) => {
    throw new BackendError(`input %${n.params.name} has no value`);
  },
  constant: (n) => Float64Array.from(toNumbers(n.params.data)),
  full: (n) => new Float64Array(numelOf(n.shape)).fill(n.params.value),
  rand: (n, _ins, ctx) => {
    const out = new Float64Array(numelOf(n.shape));
    const draw = n.params.dist === 'uniform' ? uniformAt : normalAt;
    for (let i = 0; i < out.length; i++) out[i] = draw(ctx.seed, n.params.key, i);
    return out;
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

  where: (_n, [c, a, b]) => {
    const out = new Float64Array(c!.length);
    for (let i = 0; i < out.length; i++) out[i] = c![i] !== 0 ? a![i]! : b![i]!;
    return out;
  },
  // ir/semantics.ts castFloatToInt: truncate; NaN, +-Inf and values outside i32 give 0 (i64: outside its range).
  cast: (n, [x]) => {
    const to = n.params.to;
    if (to === 'f32' || to === 'f64') return x!.slice();
    const lo = to === 'i32' ? -2147483648 : -(2 ** 63), hi = to === 'i32' ? 2147483648 : 2 ** 63;
    return map1(x!, (v) => (v >= lo && v < hi ? Math.trunc(v) : 0));
  },

  sum: (n, [x]) => reduceAxes(x!, n.inputs[0]!.shape, n.params.axes, 0, (a, v) => a + v),
  max: (n, [x]) => reduceAxes(x!, n.inputs[0]!.shape, n.params.axes, -Infinity, (a, v) => (v > a || Number.isNaN(v) ? v : a)),
  argmax: (n, [x]) => argExtreme(n, x!, (v, best) => v > best),
  prod: (n, [x]) => reduceAxes(x!, n.inputs[0]!.shape, n.params.axes, 1, (a, v) => a * v),
  min: (n, [x]) => reduceAxes(x!, n.inputs[0]!.shape, n.params.axes, Infinity, (a, v) => (v < a || Number.isNaN(v) ? v : a)),
  argmin: (n, [x]) => argExtreme(n, x!, (v, best) => v < best),

  cumsum: (n, [x]) => cumsumKernel(n, x!),

  matmul: (n, [a, b]) => {
    const as = n.inputs[0]!.shape, bs = n.inputs[1]!.shape;
    const r = as.length;
    const m = as[r - 2]!, k = as[r - 1]!, nn = bs[r - 1]!;
    const batch = numelOf(as.slice(0, r - 2));
    const out = new Float64Array(batch * m * nn);
    for (let bi = 0; bi < batch; bi++) {
      const ao = bi * m * k, bo = bi * k * nn, oo = bi * m * nn;
      for (let i = 0; i < m; i++) {
        for (let p = 0; p < k; p++) {
          const av = a![ao + i * k + p]!;
          if (av === 0) continue;
          const brow = bo + p * nn, orow = oo + i * nn;
          for (let j = 0; j < nn; j++) out[orow + j]! += av * b![brow + j]!;
        }
        // A zero in `a` times an Inf/NaN in `b` must still give NaN, as IEEE says.
        for (let p = 0; p < k; p++) {
          if (a![ao + i * k + p] !== 0) continue;
          for (let j = 0; j < nn; j++) if (!Number.isFinite(b![bo + p * nn + j]!)) out[oo + i * nn + j] = NaN;
        }
      }
    }
    return out;
  },
  conv: (n, [x, w]) => {
    const xs = n.inputs[0]!.shape, ws = n.inputs[1]!.shape, os = n.shape;
    const { stride, padding, dilation, groups } = n.params;
    const [N, C] = xs as [number, number];
    const O = ws[0]!, cg = C / groups, og = O / groups;
    const inSp = numelOf(xs.slice(2)), outSp = numelOf(os.slice(2)), kSp = numelOf(ws.slice(2));
    const out = new Float64Array(numelOf(os));
    // windows() over a fake [1, ...spatial] input gives the tap offsets of each output position.
    windows([1, ...xs.slice(2)], [1, ...os.slice(2)], ws.slice(2), stride, padding, dilation, (_l, o, taps) => {
      for (let b = 0; b < N; b++) {
        for (let oc = 0; oc < O; oc++) {
          const g = Math.floor(oc / og);
          let acc = 0;
          for (let ci = 0; ci < cg; ci++) {
            const xbase = (b * C + g * cg + ci) * inSp;
            const wbase = (oc * cg + ci) * kSp;
            for (let t = 0; t < kSp; t++) if (taps[t]! >= 0) acc += x![xbase + taps[t]!]! * w![wbase + t]!;
          }
          out[(b * O + oc) * outSp + o] = acc;
        }
      }
    });
    return out;
  },

  max_pool: (n, [x]) => pool(n, x!, (values) => {
    let best = -Infinity;
    for (const v of values) if (v > best || Number.isNaN(v)) best = v;
    return best;
  }),
  avg_pool: (n, [x]) => {
    const p = n.params;
    return pool(n, x!, (values, o) => {
      let sum = 0;
      for (const v of values) sum += v;
      // count_include_pad counts padded taps, but never taps past the padded border.
      return sum / (p.countIncludePad ? padCount(n.inputs[0]!.shape, n.shape, p, o) : values.length);
    });
  },

  reshape: (_n, [x]) => x!.slice(),
  permute: (n, [x]) => {
    const inStr = movementStrides(n.inputs[0]!.shape);
    return stridedGather(x!, n.shape, n.params.perm.map((p) => inStr[p]!));
  },
  expand: (n, [x]) => {
    const inShape = n.inputs[0]!.shape;
    const inStr = movementStrides(inShape);
    return stridedGather(x!, n.shape, inShape.map((d, i) => (d === 1 && n.shape[i] !== 1 ? 0 : inStr[i]!)));
  },
  slice: (n, [x]) => {
    const inStr = movementStrides(n.inputs[0]!.shape);
    const offset = n.params.starts.reduce((acc, s, i) => acc + s * inStr[i]!, 0);
    return stridedGather(x!, n.shape, inStr, offset);
  },
  pad: (n, [x]) => {
    const out = new Float64Array(numelOf(n.shape));
    const outStr = contiguousStrides(n.shape);
    const inShape = n.inputs[0]!.shape;
    const base = n.params.pads.reduce((acc, [lo], i) => acc + lo * outStr[i]!, 0);
    forEachOffset(inShape, outStr, base, (off, flat) => {
      out[off] = x![flat]!;
    });
    return out;
  },
  concat: (n, ins) => {
    const ax = n.params.axis;
    const outStr = contiguousStrides(n.shape);
    const out = new Float64Array(numelOf(n.shape));
    let start = 0;
    ins.forEach((x, k) => {
      const shape = n.inputs[k]!.shape;
      forEachOffset(shape, outStr, start * outStr[ax]!, (off, flat) => {
        out[off] = x[flat]!;
      });
      start += shape[ax]!;
    });
    return out;
  },

  take: (n, [x, idx]) => {
    const xs = n.inputs[0]!.shape;
    const ax = n.params.axis;
    const len = xs[ax]!;
    const outer = numelOf(xs.slice(0, ax)), inner = numelOf(xs.slice(ax + 1));
    const out = new Float64Array(numelOf(n.shape));
    const k = idx!.length;
    for (let j = 0; j < k; j++) {
      const i = idx![j]!;
      if (!(i >= 0 && i < len)) throw new IndexError(`take: index ${i} is out of range for axis ${ax} of size ${len} (tensor ${fmtShape(xs)})`);
    }
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < k; j++) {
        const src = (o * len + idx![j]!) * inner, dst = (o * k + j) * inner;
        for (let t = 0; t < inner; t++) out[dst + t] = x![src + t]!;
      }
    }
    return out;
  },
  one_hot: (n, [idx]) => {
    const c = n.params.numClasses;
    const out = new Float64Array(idx!.length * c);
    for (let j = 0; j < idx!.length; j++) {
      const i = idx![j]!;
      if (!(i >= 0 && i < c)) throw new BackendError(`one_hot: class index ${i} is out of range for ${c} classes`);
      out[j * c + i] = 1;
    }
    return out;
  },
  gather: (n, [x, idx]) => gatherKernel(n, x!, idx!),
  scatter_add: (n, [x, idx, src]) => scatterAddKernel(n, x!, idx!, src!),
};

/**
 * argmax / argmin along the axis: the first element that `beats` every earlier one, where a NaN beats
 * any number and nothing beats the first NaN (ir/semantics.ts argExtrema).
 */
function argExtreme(n: NodeOf<'argmax'> | NodeOf<'argmin'>, x: Float64Array, beats: (v: number, best: number) => boolean): Float64Array {
  const shape = n.inputs[0]!.shape;
  const ax = n.params.axis;
  const len = shape[ax]!;
  const inner = numelOf(shape.slice(ax + 1));
  const outer = numelOf(shape.slice(0, ax));
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = x[o * len * inner + i]!, arg = 0;
      for (let k = 1; k < len; k++) {
        const v = x[(o * len + k) * inner + i]!;
        if (!Number.isNaN(best) && (beats(v, best) || Number.isNaN(v))) { best = v; arg = k; }
      }
      out[o * inner + i] = arg;
    }
  }
  return out;
}

/** The divisor of count_include_pad average pooling at output position o: taps inside the padded input. */
/** A pooling kernel: `reduce` gets the in-bounds values of each window and its output position. */
function pool(n: NodeOf<'max_pool'> | NodeOf<'avg_pool'>, x: Float64Array, reduce: (values: number[], o: number) => number): Float64Array {
  const p = n.params;
  const out = new Float64Array(numelOf(n.shape));
  const inSp = numelOf(n.inputs[0]!.shape.slice(-p.kernel.length)), outSp = numelOf(n.shape.slice(-p.kernel.length));
  windows(n.inputs[0]!.shape, n.shape, p.kernel, p.stride, p.padding, p.kernel.map(() => 1), (l, o, taps) => {
    const values: number[] = [];
    for (const t of taps) if (t >= 0) values.push(x[l * inSp + t]!);
    out[l * outSp + o] = reduce(values, o);
  });
  return out;
}

function padCount(inShape: readonly number[], outShape: readonly number[], p: { kernel: number[]; stride: number[]; padding: number[] }, o: number): number {
  const s = p.kernel.length;
  const outSp = outShape.slice(-s), inSp = inShape.slice(-s);
  let count = 1, rem = o;
  for (let a = s - 1; a >= 0; a--) {
    const pos = rem % outSp[a]!; rem = Math.floor(rem / outSp[a]!);
    const start = pos * p.stride[a]! - p.padding[a]!;
    const end = Math.min(start + p.kernel[a]!, inSp[a]! + p.padding[a]!);
    count *= end - start;
  }
  return count;
}
