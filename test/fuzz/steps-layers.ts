// Fuzz step templates for layers (Linear, Conv, pools, norms, Embedding, activations, containers), matmul and losses.

import { numelOf, windowOutSize } from '../../ir/shape.js';
import * as ops from '../../compiler/trace/ops.js';
import { F, nn, Tensor } from '../../index.js';
import {
  broadcastOk, divisors, isFloatVal, isIntVal, pick, pickVal, small,
  type Draft, type Template,
} from './step-kit.js';

/** A custom module holding a ModuleList: x + relu(l1(x)) then relu(l2(.)). */
export class FuzzResidual extends nn.Module {
  layers: nn.ModuleList;
  constructor(readonly features: number) {
    super();
    this.layers = new nn.ModuleList([new nn.Linear(features, features), new nn.Linear(features, features, { bias: false })]);
  }
  forward(x: Tensor): Tensor {
    let y = x;
    for (const l of this.layers) y = (l.forward as (t: Tensor) => Tensor)(y).relu();
    return x.add(y);
  }
}

const call = (m: nn.Module | undefined, x: Tensor): Tensor => (m!.forward as (t: Tensor) => Tensor)(x);

const linear: Template = {
  name: 'linear',
  make(c, s) {
    const i = pickVal(c, s.a, (v) => v.dtype === 'f32' && v.shape.length >= 1);
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const k = v.shape[v.shape.length - 1]!, n = s.b >= 90 ? 30 + s.d : 1 + (s.b % 6);
    if (!small([...v.shape.slice(0, -1), n])) return undefined;
    const bias = s.c % 3 !== 0;
    if (s.d % 4 === 0) {
      const h = 1 + (s.d % 5);
      const act = pick([() => new nn.ReLU(), () => new nn.GELU(), () => new nn.Tanh()], s.c);
      return { label: `Sequential(Linear(${k},${h}), act, Linear(${h},${n}))`, operands: [i], layer: () => new nn.Sequential(new nn.Linear(k, h), act(), new nn.Linear(h, n, { bias })), run: (sl, [x]) => call(sl.layer, x!) };
    }
    if (s.d % 4 === 1) return { label: `FuzzResidual(${k})`, operands: [i], layer: () => new FuzzResidual(k), run: (sl, [x]) => call(sl.layer, x!) };
    return { label: `Linear(${k}, ${n}, bias=${bias})`, operands: [i], layer: () => new nn.Linear(k, n, { bias }), run: (sl, [x]) => call(sl.layer, x!) };
  },
};

const matmul: Template = {
  name: 'matmul',
  make(c, s) {
    const i = pickVal(c, s.a, (v) => v.dtype === 'f32' && v.shape.length >= 1);
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const r = v.shape.length;
    const k = v.shape[r - 1]!;
    const n = 1 + (s.c % 5);
    const how = s.b % 5;
    if (how === 0 || (how >= 2 && r < 2)) {
      if (!small([...v.shape.slice(0, -1), n])) return undefined;
      return { label: `matmul param [${k},${n}]`, operands: [i], state: [{ kind: 'param', shape: [k, n], init: 'randn' }], run: (sl, [x]) => x!.matmul(sl.state[0]!) };
    }
    if (how === 1) return { label: `matmul param [${k}] (matrix-vector)`, operands: [i], state: [{ kind: 'param', shape: [k], init: 'randn' }], run: (sl, [x]) => x!.matmul(sl.state[0]!) };
    const m = v.shape[r - 2]!;
    if (how === 2) {
      if (!small([...v.shape.slice(0, -1), m])) return undefined;
      return { label: 'x @ x^T', operands: [i], run: (_, [x]) => x!.matmul(x!.transpose(-1, -2)) };
    }
    if (how === 3) {
      if (!small([...v.shape.slice(0, -2), n, k])) return undefined;
      return { label: `param [${n},${m}] @ x`, operands: [i], state: [{ kind: 'param', shape: [n, m], init: 'randn' }], run: (sl, [x]) => sl.state[0]!.matmul(x!) };
    }
    // Another value as the right operand, with broadcast batch dims.
    const j = pickVal(c, s.d, (w) => w.dtype === 'f32' && w.shape.length >= 2 && w.shape[w.shape.length - 2] === k && !!broadcastOk(v.shape.slice(0, -2), w.shape.slice(0, -2)));
    if (j < 0) return undefined;
    const w = c.vals[j]!;
    const batch = broadcastOk(v.shape.slice(0, -2), w.shape.slice(0, -2))!;
    if (!small([...batch, m, w.shape[w.shape.length - 1]!])) return undefined;
    return { label: 'matmul of two values', operands: [i, j], run: (_, [x, y]) => x!.matmul(y!) };
  },
};

const conv: Template = {
  name: 'conv',
  make(c, s) {
    const sp = 1 + (s.b % 2);
    const i = pickVal(c, s.a, (v) => v.dtype === 'f32' && (v.shape.length === sp + 1 || v.shape.length === sp + 2));
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const r = v.shape.length;
    const C = v.shape[r - sp - 1]!;
    const groups = pick(divisors(C), s.c);
    const O = groups * (1 + ((s.c >> 3) % 2));
    const ks = [1 + (s.d % 3), 1 + ((s.b >> 1) % 3)].slice(0, sp);
    const stride = 1 + ((s.d >> 2) & 1);
    const dilation = 1 + ((s.d >> 4) & 1);
    const same = stride === 1 && s.b % 7 === 6 && ks.every((k) => ((k - 1) * dilation) % 2 === 0);
    const padding = ks.map((k) => (s.d >> 3) % k);
    const inSp = v.shape.slice(r - sp);
    const outSp = inSp.map((L, a) => (same ? L : windowOutSize(L, ks[a]!, stride, padding[a]!, dilation)));
    if (outSp.some((d) => !(d >= 1)) || !small([...v.shape.slice(0, r - sp - 1), O, ...outSp])) return undefined;
    const bias = ((s.c >> 2) & 1) === 0;
    const opts = { stride, dilation, groups, bias, padding: same ? ('same' as const) : padding };
    const make = sp === 1 ? () => new nn.Conv1d(C, O, ks[0]!, opts) : () => new nn.Conv2d(C, O, ks, opts);
    return { label: `Conv${sp}d(${C}, ${O}, [${ks}], stride ${stride}, padding ${same ? 'same' : padding}, dilation ${dilation}, groups ${groups})`, operands: [i], layer: make, run: (sl, [x]) => call(sl.layer, x!) };
  },
};

const pool: Template = {
  name: 'pool',
  make(c, s) {
    const sp = 1 + (s.b % 2);
    const i = pickVal(c, s.a, (v) => isFloatVal(v) && v.shape.length >= sp + 1 && v.shape.length <= sp + 2);
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const r = v.shape.length;
    const isMax = ((s.b >> 1) & 1) === 0;
    const k = 1 + (s.c % 3);
    const stride = s.d % 3 === 0 ? undefined : 1 + (s.d % 2);
    const padding = (s.d >> 2) % (Math.floor(k / 2) + 1);
    const countIncludePad = ((s.d >> 4) & 1) === 0;
    const inSp = v.shape.slice(r - sp);
    const outSp = inSp.map((L) => windowOutSize(L, k, stride ?? k, padding));
    if (outSp.some((d) => !(d >= 1))) return undefined;
    const opts = { padding, countIncludePad, ...(stride !== undefined ? { stride } : {}) };
    const name = `${isMax ? 'Max' : 'Avg'}Pool${sp}d(${k}, stride ${stride ?? k}, padding ${padding}${isMax ? '' : `, count_include_pad ${countIncludePad}`})`;
    const make = isMax ? (sp === 1 ? () => new nn.MaxPool1d(k, opts) : () => new nn.MaxPool2d(k, opts)) : sp === 1 ? () => new nn.AvgPool1d(k, opts) : () => new nn.AvgPool2d(k, opts);
    if ((s.c >> 2) % 2) return { label: `F.${name}`, operands: [i], run: (_, [x]) => ops.pool(isMax ? 'max' : 'avg', x!, sp, k, opts), exact: isMax && v.exact };
    return { label: name, operands: [i], layer: make, run: (sl, [x]) => call(sl.layer, x!), exact: isMax && v.exact };
  },
};

const norm: Template = {
  name: 'norm',
  make(c, s) {
    const i = pickVal(c, s.a, (v) => v.dtype === 'f32' && v.shape.length >= 1);
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const r = v.shape.length;
    if (s.b % 2 === 0 || r < 2) {
      const n = 1 + (s.c % Math.min(r, 2));
      const shape = v.shape.slice(r - n);
      const affine = s.d % 3;
      const opts = { elementwiseAffine: affine !== 0, bias: affine !== 1 };
      return { label: `LayerNorm([${shape}], affine ${affine !== 0}, bias ${affine === 2})`, operands: [i], layer: () => new nn.LayerNorm(shape, opts), run: (sl, [x]) => call(sl.layer, x!) };
    }
    if (r > 4) return undefined;
    const C = v.shape[1]!;
    if (c.mode === 'train' && numelOf(v.shape) / C <= 1) return undefined;
    const opts = { affine: s.c % 2 === 0, trackRunningStats: s.d % 4 !== 0, momentum: pick([0.1, 0.5], s.d) };
    const make = r === 4 ? () => new nn.BatchNorm2d(C, opts) : () => new nn.BatchNorm1d(C, opts);
    return { label: `BatchNorm${r === 4 ? 2 : 1}d(${C}, affine ${opts.affine}, track ${opts.trackRunningStats})`, operands: [i], layer: make, run: (sl, [x]) => call(sl.layer, x!) };
  },
};

const embedding: Template = {
  name: 'embedding',
  make(c, s) {
    const i = pickVal(c, s.a, (v) => isIntVal(v) && !!v.bound);
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const V = v.bound! + (s.b % 3), dim = 1 + (s.c % 4);
    if (!small([...v.shape, dim])) return undefined;
    const opts = s.d % 4 === 0 ? { paddingIdx: 0 } : {};
    return { label: `Embedding(${V}, ${dim})`, operands: [i], layer: () => new nn.Embedding(V, dim, opts), run: (sl, [x]) => call(sl.layer, x!), exact: true };
  },
};

const activation: Template = {
  name: 'activation',
  make(c, s) {
    const i = pickVal(c, s.a, (v) => v.dtype === 'f32');
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const r = v.shape.length;
    const dim = r ? (s.c % r) - (s.d % 2 ? r : 0) : 0;
    const canDrop = c.randomness === 'different' || (c.randomness === 'same' && c.randomSteps === 0);
    const table: [string, () => nn.Module, Partial<Draft>?][] = [
      ['ReLU', () => new nn.ReLU(), { exact: v.exact }], ['Tanh', () => new nn.Tanh()], ['Sigmoid', () => new nn.Sigmoid()],
      ['SiLU', () => new nn.SiLU()], ['GELU', () => new nn.GELU()], ["GELU('tanh')", () => new nn.GELU('tanh')],
      ['Identity', () => new nn.Identity(), { exact: v.exact, intValued: v.intValued }],
      ...(r ? ([[`Softmax(${dim})`, () => new nn.Softmax(dim)], [`LogSoftmax(${dim})`, () => new nn.LogSoftmax(dim)], [`Flatten(${s.d % r})`, () => new nn.Flatten(s.d % r), { exact: v.exact, intValued: v.intValued }]] as [string, () => nn.Module, Partial<Draft>?][]) : []),
      ...(c.mode === 'eval' || canDrop ? ([['Dropout(0.5)', () => new nn.Dropout(0.5), c.mode === 'train' ? { random: true } : { exact: v.exact }]] as [string, () => nn.Module, Partial<Draft>?][]) : []),
    ];
    const [label, make, extra] = pick(table, s.b);
    return { label, operands: [i], layer: make, run: (sl, [x]) => call(sl.layer, x!), ...extra };
  },
};

const loss: Template = {
  name: 'loss',
  make(c, s) {
    const i = pickVal(c, s.a, (v) => v.dtype === 'f32' && v.shape.length >= 1 && v.shape.length <= 2);
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const reduction = pick(['mean', 'sum', 'none'] as const, s.c);
    const kind = s.b % 4;
    if (kind === 0) {
      return { label: `mse_loss ${reduction}`, operands: [i], state: [{ kind: 'buffer', shape: [...v.shape], init: 'randn' }], run: (sl, [x]) => F.mseLoss(x!, sl.state[0]!, { reduction }) };
    }
    const classDim = v.shape.length === 1 ? 0 : 1;
    const C = v.shape[classDim]!;
    const tshape = v.shape.filter((_, k) => k !== classDim);
    if (kind === 3) {
      return { label: `cross_entropy (probabilities) ${reduction}`, operands: [i], state: [{ kind: 'buffer', shape: [...v.shape], init: 'randn' }], run: (sl, [x]) => F.crossEntropy(x!, sl.state[0]!.softmax(classDim), { reduction }) };
    }
    const target = Tensor.fromArray(Array.from({ length: numelOf(tshape) }, (_, k) => (k * 2 + s.d) % C), tshape, 'i64');
    const smoothing = s.d % 2 ? 0.1 : 0;
    if (kind === 1) return { label: `cross_entropy ${reduction} smoothing ${smoothing}`, operands: [i], run: (_, [x]) => F.crossEntropy(x!, target, { reduction, labelSmoothing: smoothing }) };
    return { label: `nll_loss(log_softmax) ${reduction}`, operands: [i], run: (_, [x]) => F.nllLoss(F.logSoftmax(x!, classDim), target, { reduction }) };
  },
};

export const LAYER_TEMPLATES: readonly Template[] = [linear, matmul, conv, pool, norm, embedding, activation, loss];
