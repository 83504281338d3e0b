// Fuzz step templates for the layers, F functions and Tensor methods composed of existing ops (issue 13 part A).

import { numelOf } from '../../ir/shape.js';
import { F, nn, Tensor } from '../../index.js';
import { divisors, isFloatVal, isIntVal, pick, pickVal, small, type Draft, type Template } from './step-kit.js';

const call = (m: nn.Module | undefined, ...args: unknown[]): unknown => (m!.forward as (...a: unknown[]) => unknown)(...args);
const first = (out: unknown): Tensor => (Array.isArray(out) ? first(out[0]) : (out as Tensor));
const f32 = (v: { dtype: string }): boolean => v.dtype === 'f32';

const activation: Template = {
  name: 'activation-composed',
  make(c, s) {
    const i = pickVal(c, s.a, isFloatVal);
    if (i < 0) return undefined;
    const slope = pick([0.01, 0.2, -0.5], s.c), alpha = pick([1, 0.5, 2], s.d);
    const beta = pick([1, 2, 0.5], s.c), threshold = pick([20, 3, 1], s.d);
    const table: [string, () => nn.Module, Partial<Draft>?][] = [
      [`LeakyReLU(${slope})`, () => new nn.LeakyReLU(slope)],
      [`ELU(${alpha})`, () => new nn.ELU(alpha)],
      [`Softplus(${beta}, ${threshold})`, () => new nn.Softplus(beta, threshold)],
      ['Mish', () => new nn.Mish()],
      ['Hardswish', () => new nn.Hardswish()],
    ];
    const [label, make] = pick(table, s.b);
    return { label, operands: [i], layer: make, run: (sl, [x]) => first(call(sl.layer, x)) };
  },
};

const norm: Template = {
  name: 'norm-composed',
  make(c, s) {
    const i = pickVal(c, s.a, (v) => f32(v) && v.shape.length >= 1);
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const r = v.shape.length;
    const kind = s.b % 3;
    if (kind === 0 || r < 2) {
      const n = 1 + (s.c % Math.min(r, 2));
      const shape = v.shape.slice(r - n);
      const opts = { elementwiseAffine: s.d % 2 === 0, ...(s.d % 3 === 0 ? { eps: 1e-5 } : {}) };
      return { label: `RMSNorm([${shape}], affine ${opts.elementwiseAffine})`, operands: [i], layer: () => new nn.RMSNorm(shape, opts), run: (sl, [x]) => first(call(sl.layer, x)) };
    }
    if (kind === 1) {
      const C = v.shape[1]!;
      const g = pick(divisors(C), s.c);
      const affine = s.d % 2 === 0;
      return { label: `GroupNorm(${g}, ${C}, affine ${affine})`, operands: [i], layer: () => new nn.GroupNorm(g, C, { affine }), run: (sl, [x]) => first(call(sl.layer, x)) };
    }
    if (r < 2 || r > 4) return undefined;
    // InstanceNorm1d takes [C, L] or [N, C, L]; InstanceNorm2d [C, H, W] or [N, C, H, W].
    const two = r === 4 || (r === 3 && s.c % 2 === 1);
    const C = v.shape[r === (two ? 4 : 3) ? 1 : 0]!;
    const spatial = numelOf(v.shape.slice(r - (two ? 2 : 1)));
    if (c.mode === 'train' && spatial <= 1) return undefined;
    const opts = { affine: s.d % 2 === 0, trackRunningStats: s.d % 3 === 0, momentum: pick([0.1, 0.5], s.c) };
    const name = `InstanceNorm${two ? 2 : 1}d(${C}, affine ${opts.affine}, track ${opts.trackRunningStats})`;
    return { label: name, operands: [i], layer: () => (two ? new nn.InstanceNorm2d(C, opts) : new nn.InstanceNorm1d(C, opts)), run: (sl, [x]) => first(call(sl.layer, x)) };
  },
};

const convTranspose: Template = {
  name: 'conv-transpose',
  make(c, s) {
    const sp = 1 + (s.b % 2);
    const i = pickVal(c, s.a, (v) => f32(v) && (v.shape.length === sp + 1 || v.shape.length === sp + 2));
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const r = v.shape.length;
    const C = v.shape[r - sp - 1]!;
    const groups = pick(divisors(C), s.c);
    const O = groups * (1 + ((s.c >> 3) % 2));
    const ks = [1 + (s.d % 3), 1 + ((s.b >> 1) % 3)].slice(0, sp);
    const stride = 1 + ((s.d >> 2) % 2);
    const dilation = 1 + ((s.d >> 4) & 1);
    const padding = ks.map((k) => ((s.d >> 3) % 2) * Math.floor(((k - 1) * dilation) / 2));
    const outputPadding = stride > 1 ? (s.c >> 4) % stride : 0;
    const outSp = v.shape.slice(r - sp).map((L, a) => (L - 1) * stride - 2 * padding[a]! + dilation * (ks[a]! - 1) + outputPadding + 1);
    if (outSp.some((d) => d < 1) || !small([...v.shape.slice(0, r - sp - 1), O, ...outSp])) return undefined;
    const opts = { stride, padding, dilation, groups, outputPadding, bias: ((s.c >> 2) & 1) === 0 };
    const make = sp === 1 ? () => new nn.ConvTranspose1d(C, O, ks[0]!, opts) : () => new nn.ConvTranspose2d(C, O, ks, opts);
    return { label: `ConvTranspose${sp}d(${C}, ${O}, [${ks}], stride ${stride}, padding ${padding}, output_padding ${outputPadding}, dilation ${dilation}, groups ${groups})`, operands: [i], layer: make, run: (sl, [x]) => first(call(sl.layer, x)) };
  },
};

const resample: Template = {
  name: 'resample',
  make(c, s) {
    const i = pickVal(c, s.a, (v) => isFloatVal(v) && v.shape.length >= 3 && v.shape.length <= 4);
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const r = v.shape.length, sp = r - 2;
    const inSp = v.shape.slice(2);
    if (s.b % 2 === 0) {
      const out = inSp.map((l, k) => Math.max(1, Math.floor((l + ((s.c >> k) % 3)) / (1 + (s.d % 2)))));
      const label = `AdaptiveAvgPool${sp}d([${out}])`;
      const make = sp === 1 ? () => new nn.AdaptiveAvgPool1d(out[0]!) : () => new nn.AdaptiveAvgPool2d(out);
      return { label, operands: [i], layer: make, run: (sl, [x]) => first(call(sl.layer, x)) };
    }
    const modes = ['nearest', 'nearest-exact', sp === 1 ? 'linear' : 'bilinear'] as const;
    const mode = pick(modes, s.c);
    const bySize = s.d % 2 === 0;
    const size = inSp.map((l, k) => 1 + ((l + (s.d >> k)) % 7));
    const scaleFactor = pick([2, 1.5, 0.5, 3], s.d >> 1);
    const outSp = bySize ? size : inSp.map((l) => Math.floor(l * scaleFactor));
    if (outSp.some((d) => d < 1) || !small([...v.shape.slice(0, 2), ...outSp])) return undefined;
    const alignCorners = mode === 'nearest' || mode === 'nearest-exact' ? undefined : (s.c >> 2) % 2 === 0;
    const opts = { mode, ...(bySize ? { size } : { scaleFactor }), ...(alignCorners !== undefined ? { alignCorners } : {}) };
    return { label: `Upsample(${JSON.stringify(opts)})`, operands: [i], layer: () => new nn.Upsample(opts), run: (sl, [x]) => first(call(sl.layer, x)), exact: v.exact && alignCorners === undefined };
  },
};

const attention: Template = {
  name: 'attention',
  make(c, s) {
    const i = pickVal(c, s.a, (v) => f32(v) && v.shape.length >= 2 && v.shape.length <= 3);
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const E = v.shape[v.shape.length - 1]!;
    const heads = pick(divisors(E), s.c);
    const isCausal = s.d % 2 === 0;
    // The encoder layer (a dozen kernels) is drawn a quarter as often as the others.
    const kind = s.b % 8 === 7 ? 2 : s.b % 2;
    if (kind === 0) {
      const scale = s.d % 3 === 0 ? 0.5 : undefined;
      return { label: `scaled_dot_product_attention(x, x, x, is_causal ${isCausal}, scale ${scale})`, operands: [i], run: (_, [x]) => F.scaledDotProductAttention(x!, x!, x!, { isCausal, ...(scale ? { scale } : {}) }) };
    }
    const batchFirst = s.c % 2 === 0;
    if (kind === 1) {
      const opts = { batchFirst, bias: s.d % 3 !== 1 };
      return {
        label: `MultiheadAttention(${E}, ${heads}, batch_first ${batchFirst}) self-attention, causal ${isCausal}`, operands: [i],
        layer: () => new nn.MultiheadAttention(E, heads, opts),
        run: (sl, [x]) => first(call(sl.layer, x, x, x, { isCausal, needWeights: s.d % 5 === 0 })),
      };
    }
    const opts = { dimFeedforward: 1 + (s.d % 6), dropout: 0, batchFirst, normFirst: s.d % 3 === 0, activation: pick(['relu', 'gelu'] as const, s.d >> 2) };
    return {
      label: `TransformerEncoderLayer(${E}, ${heads}, ${JSON.stringify(opts)}), causal ${isCausal}`, operands: [i],
      layer: () => new nn.TransformerEncoderLayer(E, heads, opts),
      run: (sl, [x]) => first(call(sl.layer, x, { isCausal })),
    };
  },
};

const recurrent: Template = {
  name: 'recurrent',
  make(c, s) {
    const i = pickVal(c, s.a, (v) => f32(v) && v.shape.length >= 2 && v.shape.length <= 3);
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const H = 1 + (s.c % 4);
    // Unrolled, each step is a few kernels: short sequences and at most 8 parameter tensors keep the
    // quick budget quick (and under the cpu target's 64 arguments per call).
    const bidirectional = s.d % 3 === 0;
    const opts = { batchFirst: s.d % 2 === 0 && v.shape.length === 3, bidirectional, numLayers: bidirectional ? 1 : 1 + ((s.d >> 2) % 2), bias: s.c % 5 !== 0 };
    const steps = v.shape.length === 3 && opts.batchFirst ? v.shape[1]! : v.shape[0]!;
    if (steps * opts.numLayers * (bidirectional ? 2 : 1) > 4) return undefined;
    const inF = v.shape[v.shape.length - 1]!;
    const which = s.b % 4;
    const lstm = which < 2;
    const label = `${lstm ? 'LSTM' : 'GRU'}(${inF}, ${H}, ${JSON.stringify(opts)}) -> ${which % 2 ? 'h_n' : 'output'}`;
    const pickOut = (out: unknown): Tensor => {
      const [o, h] = out as [Tensor, Tensor | [Tensor, Tensor]];
      if (which % 2 === 0) return o;
      return Array.isArray(h) ? h[0] : h;
    };
    return {
      label, operands: [i],
      layer: () => (lstm ? new nn.LSTM(inF, H, opts) : new nn.GRU(inF, H, opts)),
      run: (sl, [x]) => pickOut(call(sl.layer, x)),
    };
  },
};

const tensorMethod: Template = {
  name: 'tensor-method',
  make(c, s) {
    const i = pickVal(c, s.a, (v) => v.shape.length >= 1);
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const r = v.shape.length;
    const dim = s.c % r;
    const keep = { exact: v.exact, intValued: v.intValued, ...(v.bound ? { bound: v.bound } : {}) };
    switch (s.b % 9) {
      case 0: {
        if (r < 2) return undefined;
        const diag = (s.d % 5) - 2;
        const lower = s.c % 2 === 0;
        return { label: `${lower ? 'tril' : 'triu'}(${diag})`, operands: [i], run: (_, [x]) => (lower ? x!.tril(diag) : x!.triu(diag)), ...keep };
      }
      case 1: {
        const n = 1 + (s.d % 3);
        const pieces = Math.min(n, Math.ceil(v.shape[dim]! / Math.ceil(v.shape[dim]! / n)));
        const which = s.d % pieces;
        return { label: `chunk(${n}, ${dim})[${which}]`, operands: [i], run: (_, [x]) => x!.chunk(n, dim)[which]!, ...keep };
      }
      case 2: {
        const size = 1 + (s.d % Math.max(1, v.shape[dim]!));
        return { label: `split(${size}, ${dim})[-1]`, operands: [i], run: (_, [x]) => x!.split(size, dim).at(-1)!, ...keep };
      }
      case 3: {
        const correction = s.d % 3 === 0 ? 0 : 1;
        // With no more elements than the correction, torch's answer is 0/0: WebGPU divides by a literal 0 wrongly (gives 0).
        if (!isFloatVal(v) || v.shape[dim]! <= correction) return undefined;
        return { label: `std(${dim}, keepdim ${s.d % 2 === 0}, correction ${correction})`, operands: [i], run: (_, [x]) => x!.std(dim, s.d % 2 === 0, correction) };
      }
      case 4: {
        const len = v.shape[dim]!;
        const idx = Tensor.fromArray(Array.from({ length: 1 + (s.d % 4) }, (_, k) => (k * 3 + s.d) % len), undefined, 'i64');
        return { label: `index_select(${dim}, [${idx.toArray()}])`, operands: [i], run: (_, [x]) => x!.indexSelect(dim, idx), ...keep };
      }
      case 5: {
        const reps = [...Array(r + (s.d % 2)).keys()].map((k) => 1 + ((s.d >> k) % 2));
        const out = [...Array(reps.length - r).fill(1), ...v.shape].map((d, k) => d * reps[k]!);
        if (!small(out)) return undefined;
        return { label: `repeat(${reps})`, operands: [i], run: (_, [x]) => x!.repeat(reps), ...keep };
      }
      case 6:
        if (!isFloatVal(v)) return undefined;
        return { label: `logsumexp(${dim}, keepdim ${s.d % 2 === 0})`, operands: [i], run: (_, [x]) => x!.logsumexp(dim, s.d % 2 === 0) };
      case 7: {
        const mshape = v.shape.map((d, k) => ((s.d >> k) & 1 ? 1 : d));
        const fill = pick([0, -1.5, 2], s.c);
        return {
          label: `masked_fill(mask [${mshape}], ${fill})`, operands: [i], state: [{ kind: 'buffer', shape: mshape, init: 'mask' }],
          run: (sl, [x]) => x!.maskedFill(sl.state[0]!, fill), exact: v.exact, intValued: v.intValued,
        };
      }
      default: {
        if (r !== 3 || !isFloatVal(v)) return undefined;
        if (!small([v.shape[0]!, v.shape[1]!, v.shape[1]!])) return undefined;
        return { label: 'bmm(x, x^T)', operands: [i], run: (_, [x]) => x!.bmm(x!.transpose(1, 2)) };
      }
    }
  },
};

const functional: Template = {
  name: 'functional-composed',
  make(c, s) {
    const i = pickVal(c, s.a, (v) => f32(v) && v.shape.length >= 1);
    if (i < 0) return undefined;
    const v = c.vals[i]!;
    const r = v.shape.length;
    const dim = s.c % r;
    const reduction = pick(['mean', 'sum', 'none'] as const, s.d);
    const buffer = [{ kind: 'buffer' as const, shape: [...v.shape], init: 'randn' as const }];
    switch (s.b % 8) {
      case 0:
        return { label: `binary_cross_entropy(sigmoid) ${reduction}`, operands: [i], state: buffer, run: (sl, [x]) => F.binaryCrossEntropy(x!.sigmoid(), sl.state[0]!.sigmoid(), { reduction }) };
      case 1: {
        const pw = s.c % 2 === 0;
        const state = [...buffer, { kind: 'param' as const, shape: [v.shape[r - 1]!], init: 'positive' as const }];
        return { label: `binary_cross_entropy_with_logits ${reduction} pos_weight ${pw}`, operands: [i], state, run: (sl, [x]) => F.binaryCrossEntropyWithLogits(x!, sl.state[0]!.sigmoid(), { reduction, ...(pw ? { posWeight: sl.state[1]! } : {}) }) };
      }
      case 2: {
        const beta = pick([1, 0.5, 0], s.c);
        return { label: `smooth_l1_loss beta ${beta} ${reduction}`, operands: [i], state: buffer, run: (sl, [x]) => F.smoothL1Loss(x!, sl.state[0]!, { beta, reduction }) };
      }
      case 3: {
        const kr = pick(['batchmean', 'sum', 'none', 'mean'] as const, s.d);
        const logTarget = s.c % 2 === 0;
        return { label: `kl_div ${kr} log_target ${logTarget}`, operands: [i], state: buffer, run: (sl, [x]) => F.klDiv(x!.logSoftmax(-1), logTarget ? sl.state[0]!.logSoftmax(-1) : sl.state[0]!.softmax(-1), { reduction: kr, logTarget }) };
      }
      case 4:
        return { label: `cosine_similarity(x, buffer, dim ${dim})`, operands: [i], state: buffer, run: (sl, [x]) => F.cosineSimilarity(x!, sl.state[0]!, { dim }) };
      case 5: {
        const p = pick([2, 1, Infinity, 3], s.d);
        return { label: `normalize(p ${p}, dim ${dim})`, operands: [i], run: (_, [x]) => F.normalize(x!, { p, dim }) };
      }
      case 6: {
        const j = pickVal(c, s.d, (w) => isIntVal(w) && !!w.bound);
        if (j < 0) return undefined;
        const w = c.vals[j]!;
        const n = w.bound! + (s.c % 2);
        if (!small([...w.shape, n])) return undefined;
        return { label: `one_hot(${n})`, operands: [j], run: (_, [x]) => F.oneHot(x!, n), exact: true, intValued: true, bound: 2 };
      }
      default:
        return { label: `logsumexp-stable log_softmax check: x - logsumexp(x, ${dim})`, operands: [i], run: (_, [x]) => x!.sub(x!.logsumexp(dim, true)) };
    }
  },
};

export const COMPOSED_TEMPLATES: readonly Template[] = [activation, norm, convTranspose, resample, attention, recurrent, tensorMethod, functional];
