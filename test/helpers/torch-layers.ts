// The PyTorch cases of test/fixtures/torch-layers: loading them, and the vmapc module or call that mirrors each one.

import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { F, loadSafetensors, nn, Tensor } from '../../index.js';

export const LAYERS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/torch-layers');

type Ins = Record<string, Tensor>;

export interface LayerFixture {
  readonly name: string;
  readonly description: string;
  readonly ensemble: number;
  readonly train: boolean;
  readonly inputs: Record<string, { shape: number[]; dtype: string; in_dim: number | null }>;
  readonly outputs: number;
  readonly rtol: number;
  readonly atol: number;
  readonly param_order: string[];
  readonly buffer_order: string[];
  readonly members: Record<string, Tensor>[];
  readonly io: Record<string, Tensor>;
}

export interface FunctionalFixture {
  readonly ensemble: number;
  readonly ops: Record<string, { inputs: string[]; outputs: number; grads: string[] }>;
  readonly rtol: number;
  readonly atol: number;
  readonly io: Record<string, Tensor>;
}

function readCase(name: string): { meta: Record<string, unknown>; dir: string } {
  const dir = path.join(LAYERS_DIR, name);
  if (!existsSync(dir)) throw new Error(`torch-layers case ${name} not found at ${dir} (python3 test/fixtures/torch-layers/generate.py ${name})`);
  return { meta: JSON.parse(readFileSync(path.join(dir, 'case.json'), 'utf8')) as Record<string, unknown>, dir };
}

export function loadLayerFixture(name: string): LayerFixture {
  const { meta, dir } = readCase(name);
  const m = meta as unknown as Omit<LayerFixture, 'name' | 'members' | 'io'>;
  const members = Array.from({ length: m.ensemble }, (_, i) => loadSafetensors(path.join(dir, `member${i}.safetensors`)));
  return { ...m, name, members, io: loadSafetensors(path.join(dir, 'io.safetensors')) };
}

export function loadFunctionalFixture(): FunctionalFixture {
  const { meta, dir } = readCase('functional');
  return { ...(meta as unknown as Omit<FunctionalFixture, 'io'>), io: loadSafetensors(path.join(dir, 'io.safetensors')) };
}

/** The Activations module of generate.py. */
export class Activations extends nn.Module {
  fc1 = new nn.Linear(4, 6);
  fc2 = new nn.Linear(6, 6);
  fc3 = new nn.Linear(6, 5);
  acts = new nn.ModuleList([new nn.LeakyReLU(0.2), new nn.ELU(1.5), new nn.Softplus(2, 3), new nn.Mish(), new nn.Hardswish()]);
  forward(x: Tensor): Tensor {
    const a = (i: number, t: Tensor): Tensor => (this.acts.at(i).forward as (t: Tensor) => Tensor)(t);
    let h = a(1, this.fc1.forward(x).mul(3)).add(a(0, this.fc1.forward(x).mul(3)));
    h = a(2, this.fc2.forward(h).mul(2)).add(a(3, this.fc2.forward(h).mul(2)));
    return a(4, this.fc3.forward(h).mul(4));
  }
}

export interface ModuleSpec {
  readonly make: () => nn.Module;
  /** The forward call of generate.py, on the case's inputs by name. */
  readonly call: (m: nn.Module, i: Ins) => unknown;
}

const fwd = (m: nn.Module, ...args: unknown[]): unknown => (m.forward as (...a: unknown[]) => unknown)(...args);
const one = (make: () => nn.Module): ModuleSpec => ({ make, call: (m, i) => fwd(m, i['x']) });
const mha = (m: nn.Module): nn.MultiheadAttention => m as nn.MultiheadAttention;

/** Every module case of generate.py, keyed by its folder. */
export const MODULE_SPECS: Record<string, ModuleSpec> = {
  activations: one(() => new Activations()),
  group_norm: one(() => new nn.GroupNorm(2, 6)),
  group_norm_no_affine: one(() => new nn.GroupNorm(3, 6, { affine: false })),
  instance_norm1d: one(() => new nn.InstanceNorm1d(4)),
  instance_norm1d_affine_unbatched: one(() => new nn.InstanceNorm1d(4, { affine: true })),
  instance_norm2d_running_eval: one(() => new nn.InstanceNorm2d(3, { affine: true, trackRunningStats: true })),
  instance_norm2d_running_train: one(() => new nn.InstanceNorm2d(3, { trackRunningStats: true, momentum: 0.3 })),
  rms_norm: one(() => new nn.RMSNorm(6)),
  rms_norm_2d_eps: one(() => new nn.RMSNorm([2, 3], { eps: 1e-5 })),
  conv_transpose1d: one(() => new nn.ConvTranspose1d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1 })),
  conv_transpose2d_groups: one(() => new nn.ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2 })),
  conv_transpose2d_dilation: one(() => new nn.ConvTranspose2d(3, 2, [2, 3], { stride: [2, 1], padding: [0, 2], dilation: 2, bias: false })),
  conv_transpose2d_unet: one(() => new nn.ConvTranspose2d(4, 2, 4, { stride: 2, padding: 1 })),
  upsample_nearest: one(() => new nn.Upsample({ scaleFactor: 2, mode: 'nearest' })),
  upsample_nearest_size: one(() => new nn.Upsample({ size: [5, 7], mode: 'nearest' })),
  upsample_bilinear: one(() => new nn.Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: false })),
  upsample_bilinear_corners: one(() => new nn.Upsample({ size: [5, 3], mode: 'bilinear', alignCorners: true })),
  upsample_linear: one(() => new nn.Upsample({ scaleFactor: 1.5, mode: 'linear' })),
  adaptive_avg_pool2d: one(() => new nn.AdaptiveAvgPool2d([3, 2])),
  adaptive_avg_pool2d_global: one(() => new nn.AdaptiveAvgPool2d(1)),
  adaptive_avg_pool2d_none: one(() => new nn.AdaptiveAvgPool2d([null, 3])),
  adaptive_avg_pool1d: one(() => new nn.AdaptiveAvgPool1d(3)),
  mha_self: { make: () => new nn.MultiheadAttention(8, 2), call: (m, i) => mha(m).forward(i['x']!, i['x']!, i['x']!) },
  mha_masks: {
    make: () => new nn.MultiheadAttention(8, 2, { batchFirst: true }),
    call: (m, i) => mha(m).forward(i['q']!, i['kv']!, i['kv']!, { keyPaddingMask: i['kpm']!, attnMask: i['mask']!, averageAttnWeights: false }),
  },
  mha_kdim_vdim: {
    make: () => new nn.MultiheadAttention(8, 4, { kdim: 5, vdim: 3, batchFirst: true }),
    call: (m, i) => mha(m).forward(i['q']!, i['k']!, i['v']!, { needWeights: false })[0],
  },
  mha_causal: {
    make: () => new nn.MultiheadAttention(8, 2, { batchFirst: true, bias: false }),
    call: (m, i) => mha(m).forward(i['x']!, i['x']!, i['x']!, { isCausal: true }),
  },
  encoder_post_relu: one(() => new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 })),
  encoder_pre_gelu: {
    make: () => new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, activation: 'gelu', batchFirst: true, normFirst: true }),
    call: (m, i) => fwd(m, i['x'], { srcKeyPaddingMask: i['kpm'] }),
  },
  encoder_causal: {
    make: () => new nn.TransformerEncoderLayer(8, 4, { dimFeedforward: 12, batchFirst: true }),
    call: (m, i) => fwd(m, i['x'], { isCausal: true }),
  },
  lstm: { make: () => new nn.LSTM(5, 4), call: (m, i) => fwd(m, i['x'], [i['h0'], i['c0']]) },
  lstm_deep: one(() => new nn.LSTM(5, 4, { numLayers: 2, batchFirst: true, bidirectional: true })),
  gru: one(() => new nn.GRU(5, 4, { batchFirst: true })),
  gru_deep: { make: () => new nn.GRU(5, 3, { numLayers: 2, bidirectional: true }), call: (m, i) => fwd(m, i['x'], i['h0']) },
};

/** Every F function and Tensor method of generate.py's `functional` case, keyed by op name. */
export const FUNCTIONAL_SPECS: Record<string, (i: Ins) => Tensor | Tensor[]> = {
  masked_fill: (i) => i['x']!.maskedFill(i['mask']!, -2.5),
  masked_fill_broadcast: (i) => i['x']!.maskedFill(i['mask']!, 7),
  tril: (i) => i['x']!.tril(),
  triu_1: (i) => i['x']!.triu(1),
  tril_neg1: (i) => i['x']!.tril(-1),
  chunk: (i) => i['x']!.chunk(3, 1),
  chunk_uneven: (i) => i['x']!.chunk(2),
  split_sizes: (i) => i['x']!.split([1, 3, 2], 1),
  split_int: (i) => i['x']!.split(2),
  std: (i) => i['x']!.std(1),
  std_all_keepdim: (i) => i['x']!.std([0, 1], true),
  std_correction0: (i) => i['x']!.std(0, false, 0),
  index_select: (i) => i['x']!.indexSelect(1, i['index']!),
  index_select_dim0: (i) => i['x']!.indexSelect(0, i['index']!),
  repeat: (i) => i['x']!.repeat(2, 1, 3),
  logsumexp: (i) => i['x']!.logsumexp(1),
  logsumexp_keepdim: (i) => i['x']!.logsumexp([0, 1], true),
  bmm: (i) => i['a']!.bmm(i['b']!),
  leaky_relu: (i) => F.leakyRelu(i['x']!, 0.1),
  elu: (i) => F.elu(i['x']!, 0.7),
  softplus: (i) => F.softplus(i['x']!),
  softplus_beta: (i) => F.softplus(i['x']!, 2, 4),
  mish: (i) => F.mish(i['x']!),
  hardswish: (i) => F.hardswish(i['x']!),
  sdpa: (i) => F.scaledDotProductAttention(i['q']!, i['k']!, i['v']!),
  sdpa_float_mask: (i) => F.scaledDotProductAttention(i['q']!, i['k']!, i['v']!, { attnMask: i['mask']! }),
  sdpa_bool_mask: (i) => F.scaledDotProductAttention(i['q']!, i['k']!, i['v']!, { attnMask: i['mask']! }),
  sdpa_causal_scale: (i) => F.scaledDotProductAttention(i['q']!, i['k']!, i['v']!, { isCausal: true, scale: 0.3 }),
  normalize: (i) => F.normalize(i['x']!),
  normalize_p1_dim0: (i) => F.normalize(i['x']!, { p: 1, dim: 0 }),
  normalize_pinf: (i) => F.normalize(i['x']!, { p: Infinity, dim: -1 }),
  normalize_p3: (i) => F.normalize(i['x']!, { p: 3, dim: 1 }),
  binary_cross_entropy: (i) => F.binaryCrossEntropy(i['p']!, i['t']!),
  binary_cross_entropy_weight_sum: (i) => F.binaryCrossEntropy(i['p']!, i['t']!, { weight: i['c_w']!, reduction: 'sum' }),
  binary_cross_entropy_none: (i) => F.binaryCrossEntropy(i['p']!, i['t']!, { reduction: 'none' }),
  bce_with_logits: (i) => F.binaryCrossEntropyWithLogits(i['x']!, i['t']!),
  bce_with_logits_pos_weight: (i) => F.binaryCrossEntropyWithLogits(i['x']!, i['t']!, { weight: i['c_w']!, posWeight: i['c_pw']!, reduction: 'none' }),
  one_hot: (i) => F.oneHot(i['idx']!, 5),
  smooth_l1: (i) => F.smoothL1Loss(i['x']!, i['y']!),
  smooth_l1_beta_sum: (i) => F.smoothL1Loss(i['x']!, i['y']!, { beta: 0.5, reduction: 'sum' }),
  smooth_l1_beta0_none: (i) => F.smoothL1Loss(i['x']!, i['y']!, { beta: 0, reduction: 'none' }),
  kl_div_batchmean: (i) => F.klDiv(i['x']!, i['t']!, { reduction: 'batchmean' }),
  kl_div_none: (i) => F.klDiv(i['x']!, i['t']!, { reduction: 'none' }),
  kl_div_log_target_sum: (i) => F.klDiv(i['x']!, i['t']!, { reduction: 'sum', logTarget: true }),
  kl_div_mean: (i) => F.klDiv(i['x']!, i['t']!, { reduction: 'mean' }),
  kl_div_zero_target: (i) => F.klDiv(i['x']!, i['c_t']!, { reduction: 'none' }),
  cosine_similarity: (i) => F.cosineSimilarity(i['a']!, i['b']!),
  cosine_similarity_broadcast: (i) => F.cosineSimilarity(i['a']!, i['b']!, { dim: -1, eps: 1e-6 }),
};
