// Fuzz step templates for movement ops (reshape, permute, expand, slice, pad, concat) and indexing (take, one_hot).

import { numelOf } from '../../ir/shape.js';
import * as ops from '../../compiler/trace/ops.js';
import { F, Tensor } from '../../index.js';
import {
  MAX_NUMEL, constData, divisors, isFloatVal, isIntVal, permFrom, pick, pickVal, small,
  type Draft, type Template, type Val,
} from './step-kit.js';

/** Movement keeps exactness and index bounds. */
const keep = (v: Val): Pick<Draft, 'exact' | 'intValued' | 'bound'> => ({ exact: v.exact, intValued: v.intValued, ...(v.bound ? { bound: v.bound } : {}) });

/** A shape with numel n from choices: split n's factors across up to three dims. */
function factorShape(n: number, b: number, c: number): number[] {
  if (n === 1) return pick([[], [1], [1, 1]], b);
  const d1 = pick(divisors(n), b);
  const rest = n / d1;
  const d2 = pick(divisors(rest), c);
  return [d1, d2, rest / d2].filter((d, i) => d !== 1 || i === (c % 3));
}

const reshape: Template = {
  name: 'reshape',
  make(c, s) {
    const i = pickVal(c, s.a);
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const n = numelOf(v.shape);
    const to = factorShape(n, s.b, s.c);
    const viaMinus = to.length > 0 && s.d % 3 === 0;
    const arg = viaMinus ? to.map((d, k) => (k === s.d % to.length ? -1 : d)) : to;
    return { label: `reshape [${arg}]`, operands: [i], run: (_, [x]) => x!.reshape(arg), ...keep(v) };
  },
};

const permute: Template = {
  name: 'permute',
  make(c, s) {
    const i = pickVal(c, s.a, (v) => v.shape.length >= 2);
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const r = v.shape.length;
    if (s.c % 3 === 0) {
      const d0 = s.b % r, d1 = s.d % r;
      return { label: `transpose ${d0} ${d1 - r}`, operands: [i], run: (_, [x]) => x!.transpose(d0, d1 - r), ...keep(v) };
    }
    const perm = permFrom(r, s.b * 100 + s.d);
    return { label: `permute [${perm}]`, operands: [i], run: (_, [x]) => x!.permute(perm), ...keep(v) };
  },
};

const expand: Template = {
  name: 'expand',
  make(c, s) {
    const i = pickVal(c, s.a, (v) => v.shape.length < 4);
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const r = v.shape.length;
    const ones = v.shape.map((d, k) => (d === 1 ? k : -1)).filter((k) => k >= 0);
    const n = 2 + (s.c % 3);
    if (ones.length && s.b % 2 === 0) {
      const ax = pick(ones, s.d);
      const to = v.shape.map((d, k) => (k === ax ? n : -1));
      if (!small(v.shape.map((d, k) => (k === ax ? n : d)))) return undefined;
      return { label: `expand [${to}]`, operands: [i], run: (_, [x]) => x!.expand(to), ...keep(v) };
    }
    const at = s.d % (r + 1);
    const shape = [...v.shape];
    shape.splice(at, 0, n);
    if (!small(shape)) return undefined;
    return { label: `unsqueeze ${at} + expand [${shape}]`, operands: [i], run: (_, [x]) => x!.unsqueeze(at).expand(shape), ...keep(v) };
  },
};

const slice: Template = {
  name: 'slice',
  make(c, s) {
    const i = pickVal(c, s.a, (v) => v.shape.length >= 1);
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const dim = s.b % v.shape.length;
    const len = v.shape[dim]!;
    const start = s.c % len;
    if (s.d % 4 === 0) return { label: `select ${dim} ${start}`, operands: [i], run: (_, [x]) => x!.select(dim, start), ...keep(v) };
    const length = 1 + (s.d % (len - start));
    return { label: `narrow ${dim} ${start} ${length}`, operands: [i], run: (_, [x]) => x!.narrow(dim, start, length), ...keep(v) };
  },
};

const pad: Template = {
  name: 'pad',
  make(c, s) {
    const i = pickVal(c, s.a, (v) => v.shape.length >= 1 && isFloatVal(v));
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const pairs = [s.b % 3, s.c % 3, ...(v.shape.length >= 2 && s.d % 2 ? [(s.b >> 2) % 2, (s.c >> 2) % 3] : [])];
    const value = s.d % 3 === 0 ? 1.5 : 0;
    const shape = v.shape.map((d, k) => {
      const j = v.shape.length - 1 - k;
      return d + (pairs[2 * j] ?? 0) + (pairs[2 * j + 1] ?? 0);
    });
    if (numelOf(shape) > MAX_NUMEL) return undefined;
    return { label: `pad [${pairs}] value ${value}`, operands: [i], run: (_, [x]) => F.pad(x!, pairs, value), exact: v.exact };
  },
};

const concat: Template = {
  name: 'concat',
  make(c, s) {
    const i = pickVal(c, s.a, (v) => v.shape.length >= 1 && numelOf(v.shape) * 2 <= MAX_NUMEL);
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const r = v.shape.length;
    if (s.b % 3 === 0) {
      const dim = s.c % (r + 1);
      return { label: `stack [x, -x] dim ${dim}`, operands: [i], run: (_, [x]) => ops.stack([x!, x!.neg()], dim), exact: v.exact };
    }
    const dim = s.c % r;
    const j = pickVal(c, s.d, (w) => w.shape.length === r && w.shape.every((d, k) => k === dim || d === v.shape[k]) && numelOf(w.shape) + numelOf(v.shape) <= MAX_NUMEL);
    if (j < 0) return undefined;
    const w = c.vals[j]!;
    const exact = v.exact && w.exact;
    return { label: `cat dim ${dim}`, operands: [i, j], run: (_, [x, y]) => ops.cat([x!, y!], dim), exact, intValued: exact && v.intValued && w.intValued };
  },
};

const squeeze: Template = {
  name: 'squeeze',
  make(c, s) {
    const i = pickVal(c, s.a);
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const r = v.shape.length;
    const kind = s.b % 3;
    if (kind === 0 && r < 4) {
      const d = s.c % (r + 1);
      return { label: `unsqueeze ${d}`, operands: [i], run: (_, [x]) => x!.unsqueeze(d), ...keep(v) };
    }
    if (kind === 1 && r >= 2) {
      const a = s.c % r, b = a + (s.d % (r - a));
      return { label: `flatten ${a} ${b}`, operands: [i], run: (_, [x]) => x!.flatten(a, b), ...keep(v) };
    }
    return { label: 'squeeze', operands: [i], run: (_, [x]) => x!.squeeze(), ...keep(v) };
  },
};

/** take along an axis, with an index input or a constant index tensor (i32 or i64). */
const take: Template = {
  name: 'take',
  make(c, s) {
    const i = pickVal(c, s.a, (v) => v.shape.length >= 1);
    if (i < 0) return undefined;
    const x = c.vals[i]!;
    const axis = s.b % x.shape.length;
    const size = x.shape[axis]!;
    const j = s.c % 2 === 0 ? pickVal(c, s.d, (v) => isIntVal(v) && !!v.bound && v.bound <= size) : -1;
    const outer = numelOf(x.shape) / size;
    if (j >= 0) {
      if (outer * numelOf(c.vals[j]!.shape) > MAX_NUMEL) return undefined;
      return { label: `take axis ${axis} (index value)`, operands: [i, j], run: (_, [t, idx]) => ops.take(t!, idx!, axis), ...keep(x) };
    }
    const n = 1 + (s.d % 4);
    const idx = Tensor.fromArray(constData(n, s.c).map((_, k) => (k * 3 + s.c) % size), [n], s.d % 2 ? 'i32' : 'i64');
    return { label: `take axis ${axis} (constant ${idx.dtype} index)`, operands: [i], run: (_, [t]) => ops.take(t!, idx, axis), ...keep(x) };
  },
};

const oneHot: Template = {
  name: 'one_hot',
  make(c, s) {
    const i = pickVal(c, s.a, (v) => isIntVal(v) && !!v.bound);
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const classes = v.bound! + (s.b % 3);
    const dtype = s.c % 2 ? 'i32' : 'f32';
    if (numelOf(v.shape) * classes > MAX_NUMEL) return undefined;
    return { label: `one_hot ${classes} ${dtype}`, operands: [i], run: (_, [x]) => ops.oneHot(x!, classes, dtype), exact: true, intValued: true, bound: 2 };
  },
};

export const SHAPE_TEMPLATES: readonly Template[] = [reshape, permute, expand, slice, pad, concat, squeeze, take, oneHot];
