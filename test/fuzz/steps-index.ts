// Fuzz step templates for the ops of issue 13 with IR ops of their own: prod, argmin, min(dim), cumsum, gather, scatter_add.

import { numelOf } from '../../ir/shape.js';
import { Tensor } from '../../index.js';
import { MAX_NUMEL, isFloatVal, pick, pickVal, type Template } from './step-kit.js';

/** prod over one dim or all (inputs clamped so rows cannot overflow), argmin, min along a dim. */
const reduceMore: Template = {
  name: 'reduce-more',
  make(c, s) {
    const kind = pick(['prod', 'argmin', 'min'] as const, s.b);
    const i = pickVal(c, s.a, (v) => (kind === 'argmin' ? v.exact : isFloatVal(v)) && v.shape.length > 0);
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const r = v.shape.length;
    const keepdim = s.d % 2 === 1;
    const dim = s.c % 4 === 3 ? undefined : s.c % r;
    if (kind === 'argmin') {
      return { label: `argmin dim ${dim}`, operands: [i], run: (_, [x]) => x!.argmin(dim, keepdim), exact: true, intValued: true, bound: dim === undefined ? Math.max(1, numelOf(v.shape)) : v.shape[dim]! };
    }
    if (kind === 'min') {
      const d = dim ?? 0;
      return { label: `min dim ${d}${keepdim ? ' keepdim' : ''}`, operands: [i], run: (_, [x]) => x!.min(d, keepdim), exact: v.exact, intValued: v.exact && v.intValued };
    }
    const count = dim === undefined ? numelOf(v.shape) : v.shape[dim]!;
    if (count > 12) return undefined;
    // |x| <= 2 keeps a row of 12 below 2^12; small integers multiply exactly.
    const exact = v.exact && v.intValued;
    return { label: `prod dim ${dim ?? 'all'}${keepdim ? ' keepdim' : ''}`, operands: [i], run: (_, [x]) => x!.clamp(-2, 2).prod(dim, dim === undefined ? false : keepdim), exact, intValued: exact };
  },
};

/** cumsum along a dim (negative dims too); sums of small integers are exact everywhere. */
const cumsum: Template = {
  name: 'cumsum',
  make(c, s) {
    const i = pickVal(c, s.a, (v) => isFloatVal(v) && v.shape.length > 0);
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const r = v.shape.length;
    const dim = (s.b % r) - (s.c % 2 ? r : 0);
    const exact = v.exact && v.intValued;
    return { label: `cumsum dim ${dim}`, operands: [i], run: (_, [x]) => x!.cumsum(dim), exact, intValued: exact };
  },
};

/** A constant index tensor of x's rank: `n` positions along `axis`, the other dims as x's (or 1 when `narrow`). */
function indexFor(shape: readonly number[], axis: number, n: number, narrow: boolean, salt: number, i64: boolean): Tensor {
  const idxShape = shape.map((d, k) => (k === axis ? n : narrow ? 1 : d));
  const size = shape[axis]!;
  const values = Array.from({ length: numelOf(idxShape) }, (_, k) => (k * 5 + salt * 3) % size);
  return Tensor.fromArray(values, idxShape, i64 ? 'i64' : 'i32');
}

/** torch.gather along an axis with a constant index (repeated positions, an index longer or shorter than the axis). */
const gather: Template = {
  name: 'gather',
  make(c, s) {
    const i = pickVal(c, s.a, (v) => v.shape.length >= 1);
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const axis = s.b % v.shape.length;
    const idx = indexFor(v.shape, axis, 1 + (s.c % 5), s.d % 3 === 0, s.d, s.c % 2 === 0);
    if (numelOf(idx.shape) > MAX_NUMEL) return undefined;
    return { label: `gather dim ${axis} index [${idx.shape}]`, operands: [i], run: (_, [x]) => x!.gather(axis, idx), exact: v.exact, intValued: v.intValued, ...(v.bound ? { bound: v.bound } : {}) };
  },
};

/** torch.scatter_add along an axis: x plus a slice of another value scattered at a constant index (repeats add up). */
const scatterAdd: Template = {
  name: 'scatter_add',
  make(c, s) {
    const i = pickVal(c, s.a, (v) => isFloatVal(v) && v.shape.length >= 1);
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const axis = s.b % v.shape.length;
    const idx = indexFor(v.shape, axis, 1 + (s.c % Math.max(1, v.shape[axis]!)), s.d % 3 === 0, s.d, s.c % 2 === 1);
    const j = pickVal(c, s.d, (w) => w.dtype === v.dtype && w.shape.length === v.shape.length && idx.shape.every((d, k) => d <= w.shape[k]!));
    if (j < 0) return undefined;
    const w = c.vals[j]!;
    const exact = v.exact && w.exact && v.intValued && w.intValued;
    return { label: `scatter_add dim ${axis} index [${idx.shape}]`, operands: [i, j], run: (_, [x, src]) => x!.scatterAdd(axis, idx, src!), exact, intValued: exact };
  },
};

export const INDEX_TEMPLATES: readonly Template[] = [reduceMore, cumsum, gather, scatterAdd];
