// Gradients of the sliding-window ops (conv, max_pool, avg_pool), built from conv, pad, slice and reshape.

import type { Node, NodeOf } from '../../ir/node.js';
import { numelOf } from '../../ir/shape.js';
import {
  add, div, expandTo, fill, mul, pad, padOrTrim, permute, reshape, rsubScalar, slice, where, type GradContext,
} from './grad-context.js';

const range = (n: number): number[] => [...Array(n).keys()];

/**
 * Spreads the trailing spatial axes of `x` apart by `stride`: s-1 zeros between neighbours, none after
 * the last (length (L-1)*s+1). reshape [.., L, 1] -> pad to [.., L, s] -> reshape [.., L*s] -> trim.
 */
function dilate(ctx: GradContext, x: Node, stride: readonly number[]): Node {
  if (stride.every((s) => s === 1)) return x;
  const lead = x.shape.slice(0, x.shape.length - stride.length);
  const sp = x.shape.slice(lead.length);
  const split = reshape(ctx, x, [...lead, ...sp.flatMap((l) => [l, 1])]);
  const spread = pad(ctx, split, [...lead.map(() => [0, 0] as const), ...stride.flatMap((s) => [[0, 0] as const, [0, s - 1] as const])]);
  const merged = reshape(ctx, spread, [...lead, ...sp.map((l, i) => l * stride[i]!)]);
  return slice(ctx, merged, merged.shape.map(() => 0), [...lead, ...sp.map((l, i) => (l - 1) * stride[i]! + 1)]);
}

/** Reverses axis `axis` with a take of the indices K-1, ..., 0. */
function flip(ctx: GradContext, x: Node, axis: number): Node {
  const k = x.shape[axis]!;
  if (k === 1) return x;
  const idx = ctx.emit('constant', [], { data: Int32Array.from(range(k).reverse()) }, { shape: [k], dtype: 'i32' });
  return ctx.emit('take', [x, idx], { axis });
}

/**
 * d conv / d x: a stride-1 conv of the stride-dilated cotangent with the spatially flipped weight whose
 * in/out channels are swapped within each group (the transposed convolution). The cotangent is padded
 * by dilation*(K-1) - padding before and that plus the rows the forward windows never reached after.
 */
export function convInputGrad(ctx: GradContext, node: NodeOf<'conv'>, ct: Node): Node {
  const [x, w] = node.inputs as [Node, Node];
  const { stride, padding, dilation, groups: g } = node.params;
  const C = x.shape[1]!, O = w.shape[0]!;
  const K = w.shape.slice(2), S = x.shape.slice(2), L = ct.shape.slice(2);
  const amounts = K.map((k, i) => {
    const before = dilation[i]! * (k - 1) - padding[i]!;
    const missed = S[i]! + 2 * padding[i]! - dilation[i]! * (k - 1) - 1 - (L[i]! - 1) * stride[i]!;
    return [before, before + missed] as const;
  });
  const gp = padOrTrim(ctx, dilate(ctx, ct, stride), [[0, 0], [0, 0], ...amounts]);
  const grouped = reshape(ctx, w, [g, O / g, C / g, ...K]);
  const swapped = permute(ctx, grouped, [0, 2, 1, ...K.map((_, i) => 3 + i)]);
  let wt = reshape(ctx, swapped, [C, O / g, ...K]);
  for (let i = 0; i < K.length; i++) wt = flip(ctx, wt, 2 + i);
  return ctx.emit('conv', [gp, wt], { stride: K.map(() => 1), padding: K.map(() => 0), dilation: [...dilation], groups: g });
}

/**
 * d conv / d w: a conv that slides the cotangent over the input with the roles of batch and channels
 * exchanged (input [C/g, g*N, ...], weight [O, N, ...], groups g), stride and dilation swapped; the
 * result [C/g, O, K' >= K] is trimmed to the kernel and permuted to [O, C/g, ...K].
 */
export function convWeightGrad(ctx: GradContext, node: NodeOf<'conv'>, ct: Node): Node {
  const [x, w] = node.inputs as [Node, Node];
  const { stride, padding, dilation, groups: g } = node.params;
  const [N, C] = x.shape as [number, number];
  const O = w.shape[0]!, cg = C / g;
  const K = w.shape.slice(2), S = x.shape.slice(2);
  const sp = K.map((_, i) => 3 + i);
  const xg = reshape(ctx, x, [N, g, cg, ...S]);
  const xt = reshape(ctx, permute(ctx, xg, [2, 1, 0, ...sp]), [cg, g * N, ...S]);
  const ctT = permute(ctx, ct, [1, 0, ...K.map((_, i) => 2 + i)]);
  const z = ctx.emit('conv', [xt, ctT], { stride: [...dilation], padding: [...padding], dilation: [...stride], groups: g });
  const trimmed = slice(ctx, z, z.shape.map(() => 0), [cg, O, ...K]);
  return permute(ctx, trimmed, [1, 0, ...K.map((_, i) => 2 + i)]);
}

/** Where each tap of a pooling window reads: the shared geometry of the pool gradients and tangents. */
export interface WindowGeometry {
  readonly lead: readonly number[];
  /** The padded spatial sizes. */
  readonly padded: readonly number[];
  readonly out: readonly number[];
  readonly stride: readonly number[];
  readonly pads: readonly (readonly [number, number])[];
  /** Each kernel tap's offset per spatial axis, row-major (the order the CPU reference scans). */
  readonly taps: readonly (readonly number[])[];
}

/** The window geometry of a pool from its input, output and params. */
export function geometry(x: Node, out: Node, p: { kernel: number[]; stride: number[]; padding: number[] }): WindowGeometry {
  const s = p.kernel.length;
  const lead = x.shape.slice(0, x.shape.length - s);
  const taps = range(numelOf(p.kernel)).map((flat) => {
    const t = new Array<number>(s);
    for (let a = s - 1; a >= 0; a--) {
      t[a] = flat % p.kernel[a]!;
      flat = Math.floor(flat / p.kernel[a]!);
    }
    return t;
  });
  return {
    lead,
    padded: x.shape.slice(lead.length).map((d, i) => d + 2 * p.padding[i]!),
    out: out.shape.slice(lead.length),
    stride: p.stride,
    pads: [...lead.map(() => [0, 0] as const), ...p.padding.map((q) => [q, q] as const)],
    taps,
  };
}

/** The values one tap sees at every output position: xp[..., t + stride*o] for o < out (xp padded). */
export function extractTap(ctx: GradContext, xp: Node, geo: WindowGeometry, tap: readonly number[]): Node {
  const lead = xp.shape.slice(0, xp.shape.length - tap.length);
  const amounts = tap.map((t, i) => [-t, t + geo.stride[i]! * geo.out[i]! - geo.padded[i]!] as const);
  const span = padOrTrim(ctx, xp, [...lead.map(() => [0, 0] as const), ...amounts]);
  if (geo.stride.every((s) => s === 1)) return span;
  const split = reshape(ctx, span, [...lead, ...geo.out.flatMap((o, i) => [o, geo.stride[i]!])]);
  const first = slice(ctx, split, split.shape.map(() => 0), [...lead, ...geo.out.flatMap((o) => [o, 1])]);
  return reshape(ctx, first, [...lead, ...geo.out]);
}

/** The transpose of extractTap: puts v back at xp[..., t + stride*o], zeros elsewhere, padded shape. */
function scatterTap(ctx: GradContext, v: Node, geo: WindowGeometry, tap: readonly number[]): Node {
  const lead = v.shape.slice(0, v.shape.length - tap.length);
  let spread = v;
  if (!geo.stride.every((s) => s === 1)) {
    const split = reshape(ctx, v, [...lead, ...geo.out.flatMap((o) => [o, 1])]);
    const grown = pad(ctx, split, [...lead.map(() => [0, 0] as const), ...geo.stride.flatMap((s) => [[0, 0] as const, [0, s - 1] as const])]);
    spread = reshape(ctx, grown, [...lead, ...geo.out.map((o, i) => o * geo.stride[i]!)]);
  }
  const amounts = tap.map((t, i) => [t, geo.padded[i]! - t - geo.stride[i]! * geo.out[i]!] as const);
  return padOrTrim(ctx, spread, [...lead.map(() => [0, 0] as const), ...amounts]);
}

const unpad = (ctx: GradContext, x: Node, geo: WindowGeometry): Node => padOrTrim(ctx, x, geo.pads.map(([a, b]) => [-a, -b] as const));

/**
 * max_pool: the cotangent goes to the first maximum of each window in scan order, as PyTorch routes it
 * through its saved indices. Padding reads as -inf so it never wins. One mask per kernel tap; `taken`
 * marks windows whose maximum an earlier tap already claimed.
 */
export function maxPoolGrad(ctx: GradContext, node: NodeOf<'max_pool'>, ct: Node): Node {
  const x = node.inputs[0]!;
  const geo = geometry(x, node, node.params);
  const padded = [...geo.lead, ...geo.padded];
  const xp = geo.pads.every(([a]) => a === 0)
    ? x
    : where(ctx, pad(ctx, fill(ctx, x.shape, 1, x.dtype), geo.pads), pad(ctx, x, geo.pads), fill(ctx, padded, -Infinity, x.dtype));
  let taken: Node | undefined;
  let acc: Node | undefined;
  for (const tap of geo.taps) {
    const hit = ctx.emit('cmp_eq', [extractTap(ctx, xp, geo, tap), node as Node], {});
    const first = taken ? mul(ctx, hit, rsubScalar(ctx, 1, taken)) : hit;
    taken = taken ? add(ctx, taken, first) : first;
    const part = scatterTap(ctx, mul(ctx, ct, first), geo, tap);
    acc = acc ? add(ctx, acc, part) : part;
  }
  return unpad(ctx, acc!, geo);
}

/**
 * avg_pool: each tap sends cotangent / divisor back to where it read. The divisor is counted the way
 * the forward counts it, by summing the taps over a 0/1 map of the cells that count (the real input,
 * or the padded input with count_include_pad), computed once with the leading axes of size 1.
 */
export function avgPoolGrad(ctx: GradContext, node: NodeOf<'avg_pool'>, ct: Node): Node {
  const x = node.inputs[0]!;
  const geo = geometry(x, node, node.params);
  const ones = geo.lead.map(() => 1);
  const counted = node.params.countIncludePad
    ? fill(ctx, [...ones, ...geo.padded], 1, x.dtype)
    : pad(ctx, fill(ctx, [...ones, ...x.shape.slice(geo.lead.length)], 1, x.dtype), [...ones.map(() => [0, 0] as const), ...geo.pads.slice(geo.lead.length)]);
  let divisor: Node | undefined;
  for (const tap of geo.taps) {
    const part = extractTap(ctx, counted, geo, tap);
    divisor = divisor ? add(ctx, divisor, part) : part;
  }
  const share = div(ctx, ct, expandTo(ctx, divisor!, ct.shape));
  let acc: Node | undefined;
  for (const tap of geo.taps) {
    const part = scatterTap(ctx, share, geo, tap);
    acc = acc ? add(ctx, acc, part) : part;
  }
  return unpad(ctx, acc!, geo);
}
