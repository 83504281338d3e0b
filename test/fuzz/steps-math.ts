// Fuzz step templates for elementwise ops, comparisons, casts, constants, reductions and random numbers.

import { BINARY_OPS, UNARY_OPS, type BinaryOp, type UnaryOp } from '../../ir/op.js';
import { numelOf } from '../../ir/shape.js';
import * as ops from '../../compiler/trace/ops.js';
import { F, Tensor } from '../../index.js';
import {
  broadcastOk, broadcastPattern, constData, isFloatVal, isIntVal, pick, pickVal,
  type Draft, type PlanCtx, type StateDecl, type Template, type Val,
} from './step-kit.js';
import type { Step } from './program.js';

const POSITIVE_DOMAIN = new Set<UnaryOp>(['log', 'sqrt', 'rsqrt', 'recip', 'log1p']);
/** Jumps at integers (and halves): only on values every backend has exactly, where the result is an exact integer. */
const ROUNDING = new Set<UnaryOp>(['floor', 'ceil', 'round']);
const EXACT_UNARY = new Set<UnaryOp>(['neg', 'abs', 'relu', 'sign', 'floor', 'ceil', 'round']);
const ARITH: readonly BinaryOp[] = BINARY_OPS.filter((o) => !o.startsWith('cmp_'));
const CMP: readonly BinaryOp[] = BINARY_OPS.filter((o) => o.startsWith('cmp_'));
const SCALARS = [2, -1.5, 0.5, 3, -0.25, 1];

/** Guards that keep every value finite: domains of log/sqrt/pow/div, and exp's range. */
const positive = (x: Tensor): Tensor => x.abs().add(0.5);

const unary: Template = {
  name: 'unary',
  make(c, s) {
    const i = pickVal(c, s.a, isFloatVal);
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    let op = pick(UNARY_OPS, s.b);
    if ((op === 'sign' || ROUNDING.has(op)) && !v.exact) op = 'tanh'; // sign jumps at 0, rounding at integers: only on values every backend has exactly
    const guard = POSITIVE_DOMAIN.has(op) ? positive : op === 'exp' || op === 'expm1' ? (x: Tensor) => x.clamp(-6, 6) : (x: Tensor) => x;
    const exact = v.exact && EXACT_UNARY.has(op);
    return { label: op, operands: [i], run: (_, [x]) => ops.unary(op, guard(x!)), exact, intValued: exact && (v.intValued || ROUNDING.has(op)) };
  },
};

const unaryInt: Template = {
  name: 'unary-int',
  make(c, s) {
    const i = pickVal(c, s.a, isIntVal);
    if (i < 0) return undefined;
    const op = pick(['neg', 'abs', 'sign', 'relu'] as const, s.b);
    const v = c.vals[i]!;
    return { label: `${op} (int)`, operands: [i], run: (_, [x]) => ops.unary(op, x!), exact: true, intValued: true, ...(op !== 'neg' && v.bound ? { bound: v.bound } : {}) };
  },
};

/** The second operand of a binary step: a scalar, another value that broadcasts, or a new parameter/buffer. */
interface Partner {
  readonly operands: number[];
  readonly state: StateDecl[];
  readonly get: (slots: { state: readonly Tensor[] }, ins: readonly Tensor[]) => Tensor | number;
  readonly exact: boolean;
  readonly intValued: boolean;
  readonly shape: readonly number[];
}

function partnerFor(c: PlanCtx, a: Val, s: Step, wantExact: boolean): Partner | undefined {
  const how = s.c % 4;
  if (how === 0) {
    const k = wantExact ? pick([0, 1, -1, 2], s.d) : pick(SCALARS, s.d);
    return { operands: [], state: [], get: () => k, exact: true, intValued: Number.isInteger(k), shape: [] };
  }
  if (how === 1) {
    const j = pickVal(c, s.d, (v) => !!broadcastOk(a.shape, v.shape) && (!wantExact || v.exact) && v.dtype !== 'f64');
    if (j < 0) return undefined;
    const v = c.vals[j]!;
    return { operands: [j], state: [], get: (_, ins) => ins[1]!, exact: v.exact, intValued: v.intValued, shape: v.shape };
  }
  const shape = broadcastPattern(a.shape, s.d);
  const init = wantExact ? 'small_int' : s.d % 3 === 0 ? 'small_int' : 'randn';
  return {
    operands: [],
    state: [{ kind: how === 2 ? 'param' : 'buffer', shape, init }],
    get: (slots) => slots.state[0]!,
    exact: true,
    intValued: init === 'small_int',
    shape,
  };
}

function binaryDraft(c: PlanCtx, s: Step, ints: boolean): Draft | undefined {
  const i = pickVal(c, s.a, ints ? isIntVal : isFloatVal);
  if (i < 0) return undefined;
  const a = c.vals[i]!;
  const op = ints ? pick(['add', 'sub', 'mul', 'maximum', 'minimum'] as const, s.b) : pick(ARITH, s.b);
  const p = partnerFor(c, a, s, ints);
  if (!p || !broadcastOk(a.shape, p.shape)) return undefined;
  const swap = s.d >= 50;
  const run = (slots: { state: readonly Tensor[] }, ins: readonly Tensor[]): Tensor => {
    let x: Tensor | number = ins[0]!;
    let y = p.get(slots, ins);
    if (swap) [x, y] = [y, x];
    if (op === 'div') y = typeof y === 'number' ? y : positive(y);
    if (op === 'pow') {
      x = typeof x === 'number' ? Math.abs(x) + 0.5 : positive(x);
      y = typeof y === 'number' ? y : y.clamp(-2, 2);
    }
    return ops.binary(op, x, y);
  };
  const exact = a.exact && p.exact && (op === 'maximum' || op === 'minimum' || ((op === 'add' || op === 'sub' || op === 'mul') && a.intValued && p.intValued));
  return { label: `${op}${ints ? ' (int)' : ''}`, operands: [i, ...p.operands], state: p.state, run, exact, intValued: exact && a.intValued && p.intValued };
}

const binary: Template = { name: 'binary', make: (c, s) => binaryDraft(c, s, false) };
const binaryInt: Template = { name: 'binary-int', make: (c, s) => binaryDraft(c, s, true) };

const compare: Template = {
  name: 'compare',
  make(c, s) {
    const i = pickVal(c, s.a, (v) => v.exact);
    if (i < 0) return undefined;
    const a = c.vals[i]!;
    const p = partnerFor(c, a, s, true);
    if (!p || !broadcastOk(a.shape, p.shape)) return undefined;
    const op = pick(CMP, s.b);
    return { label: op, operands: [i, ...p.operands], state: p.state, run: (slots, ins) => ops.binary(op, ins[0]!, p.get(slots, ins)), exact: true, intValued: true };
  },
};

const where: Template = {
  name: 'where',
  make(c, s) {
    const ci = pickVal(c, s.a, (v) => v.exact);
    if (ci < 0) return undefined;
    const cond = c.vals[ci]!;
    const ai = pickVal(c, s.b, (v) => isFloatVal(v) && !!broadcastOk(cond.shape, v.shape));
    if (ai < 0) return undefined;
    const a = c.vals[ai]!;
    const other = s.c % 2 === 0 ? pick(SCALARS, s.d) : undefined;
    const bi = other === undefined ? pickVal(c, s.d, (v) => isFloatVal(v) && !!broadcastOk(broadcastOk(cond.shape, a.shape)!, v.shape)) : -1;
    if (other === undefined && bi < 0) return undefined;
    const thr = pick([0, 0.5, 1], s.c);
    const operands = bi >= 0 ? [ci, ai, bi] : [ci, ai];
    const exact = a.exact && (bi < 0 || c.vals[bi]!.exact);
    return { label: 'where', operands, run: (_, ins) => ops.where(ins[0]!.gt(thr), ins[1]!, bi >= 0 ? ins[2]! : other!), exact, intValued: exact && a.intValued };
  },
};

const cast: Template = {
  name: 'cast',
  make(c, s) {
    const i = pickVal(c, s.a, (v) => v.exact || isIntVal(v));
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const to = s.c % 9 === 8 ? 'f64' : pick(['f32', 'i32', 'i64'] as const, s.b);
    if (to === v.dtype) return undefined;
    const toInt = to === 'i32' || to === 'i64';
    return { label: `cast ${v.dtype}->${to}`, operands: [i], run: (_, [x]) => x!.to(to), exact: true, intValued: toInt || v.intValued, ...(v.bound ? { bound: v.bound } : {}) };
  },
};

/** Literal tensors inside forward: a captured constant (a `constant` node) or torch.full (a `full` node). */
const constant: Template = {
  name: 'constant',
  make(c, s) {
    const i = pickVal(c, s.a, isFloatVal);
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const shape = broadcastPattern(v.shape, s.b);
    const asFull = s.c % 3 === 0;
    const data = constData(numelOf(shape), s.d);
    const lit = Tensor.fromArray(data, shape, v.dtype);
    const op = pick(['add', 'mul', 'sub'] as const, s.d);
    const run = (_: unknown, [x]: readonly Tensor[]): Tensor => ops.binary(op, x!, asFull ? ops.full(shape, data[0] ?? 1, v.dtype) : lit);
    return { label: `${op} ${asFull ? 'full' : 'constant'}`, operands: [i], run, exact: false };
  },
};

const REDUCTIONS = ['sum', 'mean', 'amax', 'amin', 'var', 'softmax', 'logSoftmax', 'argmax'] as const;

const reduce: Template = {
  name: 'reduce',
  make(c, s) {
    const kind = pick(REDUCTIONS, s.b);
    const i = pickVal(c, s.a, (v) => (kind === 'argmax' ? v.exact : kind === 'sum' || kind === 'amax' ? true : isFloatVal(v)) && (v.shape.length > 0 || kind !== 'softmax' && kind !== 'logSoftmax'));
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const r = v.shape.length;
    const keepdim = s.d % 2 === 1;
    if (kind === 'softmax' || kind === 'logSoftmax') {
      const dim = (s.c % r) - (s.d % 3 === 0 ? r : 0);
      return { label: `${kind} dim ${dim}`, operands: [i], run: (_, [x]) => (kind === 'softmax' ? F.softmax(x!, dim) : F.logSoftmax(x!, dim)) };
    }
    if (kind === 'argmax') {
      const dim = r === 0 || s.c % 4 === 3 ? undefined : s.c % r;
      return { label: `argmax dim ${dim}`, operands: [i], run: (_, [x]) => x!.argmax(dim, keepdim), exact: true, intValued: true, bound: dim === undefined ? Math.max(1, numelOf(v.shape)) : v.shape[dim]! };
    }
    const dims = [...Array(r).keys()].filter((d) => (s.c >> d) & 1);
    const arg = dims.length ? dims : undefined;
    const count = (arg ?? [...Array(r).keys()]).reduce((n, d) => n * v.shape[d]!, 1);
    const exact = (kind === 'amax' || kind === 'amin') ? v.exact : kind === 'sum' && v.exact && v.intValued;
    const run = (_: unknown, [x]: readonly Tensor[]): Tensor => {
      switch (kind) {
        case 'sum': return x!.sum(arg, keepdim);
        case 'mean': return x!.mean(arg, keepdim);
        case 'amax': return x!.amax(arg, keepdim);
        case 'amin': return x!.amin(arg, keepdim);
        case 'var': return x!.var(arg, keepdim, count > 1 ? 1 : 0);
        default: return kind satisfies never;
      }
    };
    return { label: `${kind} dims [${arg ?? 'all'}]${keepdim ? ' keepdim' : ''}`, operands: [i], run, exact, intValued: exact && v.intValued };
  },
};

/** Random numbers: dropout (functional or the layer), rand and randn noise. At most one under randomness 'same'. */
const random: Template = {
  name: 'random',
  make(c, s) {
    if (c.randomness === 'error' || (c.randomness === 'same' && c.randomSteps > 0)) return undefined;
    const i = pickVal(c, s.a, (v) => v.dtype === 'f32');
    if (i < 0) return undefined;
    const p = pick([0.25, 0.5, 0.75], s.c);
    const kind = s.b % 3;
    if (kind === 0) return { label: `dropout p=${p}`, operands: [i], run: (_, [x]) => F.dropout(x!, p, true), random: true };
    if (kind === 1) return { label: 'mul rand', operands: [i], run: (_, [x]) => x!.mul(ops.rand(x!.shape)), random: true };
    return { label: 'add 0.1 randn', operands: [i], run: (_, [x]) => x!.add(ops.randn(x!.shape).mul(0.1)), random: true };
  },
};

export const MATH_TEMPLATES: readonly Template[] = [unary, binary, reduce, compare, where, cast, constant, unaryInt, binaryInt, random];
export type { PlanCtx };
