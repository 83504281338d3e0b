// Attention as functions: F.scaled_dot_product_attention and the multi-head attention forward of nn.MultiheadAttention.

import { isFloat } from '../../ir/dtype.js';
import { broadcastShapes, fmtShape, shapesEqual } from '../../ir/shape.js';
import { argError, checkInt } from '../trace/arg-error.js';
import * as ops from '../trace/ops.js';
import { tril } from '../trace/ops-composed.js';
import { Tensor } from '../trace/tensor.js';

/** Options of scaledDotProductAttention, as torch's keyword arguments. */
export interface SdpaOptions {
  /**
   * Broadcasts to [..., L, S]. An integer tensor is a boolean mask (nonzero: the query may attend to
   * that key; vmapc has no bool dtype, so cast a comparison with .int()); a float mask is added to the
   * scores.
   */
  attnMask?: Tensor;
  /** Dropout on the attention weights; drawn whenever it is > 0, as torch's does. */
  dropoutP?: number;
  /** A causal (lower-triangular, top-left aligned) mask; cannot be combined with attnMask. */
  isCausal?: boolean;
  /** Multiplies q @ k^T; default 1 / sqrt(E). */
  scale?: number;
}

function checkP(p: number, what: string): void {
  if (!(p >= 0 && p <= 1)) throw argError(`${what}: dropout probability has to be between 0 and 1, but got ${p}`);
}

/** A [L, S] lower-triangular 0/1 mask: query i may attend to keys 0..i. */
function causalMask(l: number, s: number): Tensor {
  return tril(Tensor.ones([l, s], 'i32'));
}

/**
 * Adds a mask to attention scores [..., L, S]. `allowWhereSet` says what a set entry of a boolean
 * (integer) mask means: true for scaled_dot_product_attention (attend), false for
 * MultiheadAttention (do not attend). Masked scores become -inf, so a fully masked row is NaN, as torch's.
 */
function applyMask(scores: Tensor, mask: Tensor, allowWhereSet: boolean, name: string, what: string): Tensor {
  let ok = false;
  try {
    ok = shapesEqual(broadcastShapes([scores.shape, mask.shape], what), scores.shape);
  } catch { /* reported below */ }
  if (!ok) throw argError(`${what}: ${name} ${fmtShape(mask.shape)} does not broadcast to the attention scores ${fmtShape(scores.shape)}`);
  if (isFloat(mask.dtype)) return scores.add(mask);
  const m = ops.broadcastTo(mask, scores.shape);
  return allowWhereSet ? ops.where(m, scores, -Infinity) : ops.where(m, -Infinity, scores);
}

function dropout(x: Tensor, p: number): Tensor {
  if (p === 0) return x;
  if (p === 1) return x.mul(0);
  return x.mul(ops.rand(x.shape, x.dtype).ge(p)).mul(1 / (1 - p));
}

/** softmax(q k^T * scale + mask) @ v with the weights; q [..., L, E], k [..., S, E], v [..., S, Ev]. */
function attend(q: Tensor, k: Tensor, v: Tensor, o: SdpaOptions & { boolAllows: boolean; extraMask?: Tensor }, what: string): [Tensor, Tensor] {
  if (q.ndim < 2 || k.ndim < 2 || v.ndim < 2) throw argError(`${what}: query, key and value need at least 2 dims, got ${fmtShape(q.shape)}, ${fmtShape(k.shape)}, ${fmtShape(v.shape)}`);
  const e = q.shape[q.ndim - 1]!, l = q.shape[q.ndim - 2]!, s = k.shape[k.ndim - 2]!;
  if (k.shape[k.ndim - 1] !== e) throw argError(`${what}: query ${fmtShape(q.shape)} and key ${fmtShape(k.shape)} must have the same embedding size`);
  if (v.shape[v.ndim - 2] !== s) throw argError(`${what}: key ${fmtShape(k.shape)} and value ${fmtShape(v.shape)} must have the same sequence length`);
  const p = o.dropoutP ?? 0;
  checkP(p, what);
  if (o.isCausal && o.attnMask) throw argError(`${what}: Explicit attn_mask should not be set when is_causal=True`);
  const scale = o.scale ?? 1 / Math.sqrt(e);
  let scores = ops.matmul(q, ops.transpose(k, -1, -2)).mul(scale);
  if (o.isCausal) scores = applyMask(scores, causalMask(l, s), true, 'causal mask', what);
  if (o.attnMask) scores = applyMask(scores, o.attnMask, o.boolAllows, 'attn_mask', what);
  if (o.extraMask) scores = applyMask(scores, o.extraMask, false, 'key_padding_mask', what);
  const weights = dropout(ops.softmax(scores, -1), p);
  return [ops.matmul(weights, v), weights];
}

/**
 * torch.nn.functional.scaled_dot_product_attention: softmax(q k^T * scale + mask) v, computed the way
 * torch's math backend does. Batch dims of q, k and v broadcast.
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, options: SdpaOptions = {}): Tensor {
  return attend(query, key, value, { ...options, boolAllows: true }, 'scaled_dot_product_attention')[0];
}

/** The projection weights of multi-head attention, under torch's names. */
export interface MhaWeights {
  /** [3E, E] packed q/k/v projection (when kdim = vdim = E). */
  inProjWeight?: Tensor;
  /** Separate projections [E, E], [E, kdim], [E, vdim] (when kdim or vdim differ from E). */
  qProjWeight?: Tensor;
  /** [E, kdim] key projection (with qProjWeight). */
  kProjWeight?: Tensor;
  /** [E, vdim] value projection (with qProjWeight). */
  vProjWeight?: Tensor;
  /** [3E] biases of the q, k and v projections. */
  inProjBias?: Tensor;
  /** [E, E] output projection. */
  outProjWeight: Tensor;
  /** [E] output projection bias. */
  outProjBias?: Tensor;
}

/** Options of the multi-head attention forward, as nn.MultiheadAttention.forward's. */
export interface MhaForwardOptions {
  /** [N, S] (or [S] unbatched): an integer mask's set entries are keys to ignore; a float mask is added. */
  keyPaddingMask?: Tensor;
  /** Return the attention weights too (default true). */
  needWeights?: boolean;
  /** [L, S] or [N * numHeads, L, S]: an integer mask's set entries are NOT attended; a float mask is added. */
  attnMask?: Tensor;
  /** Average the returned weights over heads (default true). */
  averageAttnWeights?: boolean;
  /** A causal mask when attnMask is not given; with attnMask, torch's hint that it is causal (it is used as given). */
  isCausal?: boolean;
  /** Dropout on the attention weights, applied only when `training`. */
  dropoutP?: number;
  /** Training mode (dropout active). */
  training?: boolean;
}

function project(x: Tensor, w: Tensor, b: Tensor | undefined): Tensor {
  const y = ops.matmul(x, ops.transpose(w, 0, 1));
  return b ? y.add(b) : y;
}

/**
 * Multi-head attention on batch-first inputs: query [N, L, E], key [N, S, kdim], value [N, S, vdim].
 * Returns the output [N, L, E] and, with needWeights, the weights [N, L, S] (averaged) or
 * [N, heads, L, S]. A query that is also the key and value is projected by one matmul.
 */
export function multiHeadAttentionForward(
  query: Tensor, key: Tensor, value: Tensor, numHeads: number, w: MhaWeights, options: MhaForwardOptions = {},
): [Tensor, Tensor | null] {
  const what = 'multi_head_attention_forward';
  const [n, l, e] = query.shape as [number, number, number];
  const s = key.shape[1]!;
  checkInt(numHeads, 1, `${what}: num_heads`);
  if (e % numHeads !== 0) throw argError(`${what}: embed_dim ${e} must be divisible by num_heads ${numHeads}`);
  if (key.shape[0] !== n || value.shape[0] !== n || value.shape[1] !== s) {
    throw argError(`${what}: query ${fmtShape(query.shape)}, key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} must share the batch size, and key and value the sequence length`);
  }
  const bias = (i: number): Tensor | undefined => (w.inProjBias ? ops.narrow(w.inProjBias, 0, i * e, e) : undefined);
  let q: Tensor, k: Tensor, v: Tensor;
  if (w.inProjWeight && query === key && key === value) {
    [q, k, v] = project(query, w.inProjWeight, w.inProjBias).chunk(3, -1) as [Tensor, Tensor, Tensor];
  } else {
    const wq = w.inProjWeight ? ops.narrow(w.inProjWeight, 0, 0, e) : w.qProjWeight!;
    const wk = w.inProjWeight ? ops.narrow(w.inProjWeight, 0, e, e) : w.kProjWeight!;
    const wv = w.inProjWeight ? ops.narrow(w.inProjWeight, 0, 2 * e, e) : w.vProjWeight!;
    for (const [name, t, x] of [['key', wk, key], ['value', wv, value]] as const) {
      if (t.shape[1] !== x.shape[2]) throw argError(`${what}: ${name} ${fmtShape(x.shape)} has ${x.shape[2]} features but its projection ${fmtShape(t.shape)} expects ${t.shape[1]}`);
    }
    [q, k, v] = [project(query, wq, bias(0)), project(key, wk, bias(1)), project(value, wv, bias(2))];
  }
  const dh = e / numHeads;
  const heads = (t: Tensor, len: number): Tensor => ops.permute(t.reshape([n, len, numHeads, dh]), [0, 2, 1, 3]);
  let mask = options.attnMask;
  if (mask) {
    if (mask.ndim === 3) {
      if (!shapesEqual(mask.shape, [n * numHeads, l, s])) throw argError(`${what}: The shape of the 3D attn_mask is ${fmtShape(mask.shape)}, but should be ${fmtShape([n * numHeads, l, s])}.`);
      mask = mask.reshape([n, numHeads, l, s]);
    } else if (mask.ndim !== 2 || !shapesEqual(mask.shape, [l, s])) {
      throw argError(`${what}: The shape of the 2D attn_mask is ${fmtShape(mask.shape)}, but should be ${fmtShape([l, s])}.`);
    }
  }
  let kpm = options.keyPaddingMask;
  if (kpm) {
    if (!shapesEqual(kpm.shape, [n, s])) throw argError(`${what}: key_padding_mask ${fmtShape(kpm.shape)} should be ${fmtShape([n, s])} (batch, source length)`);
    kpm = kpm.reshape([n, 1, 1, s]);
  }
  const p = options.training ? options.dropoutP ?? 0 : 0;
  const [o, weights] = attend(heads(q, l), heads(k, s), heads(v, s), {
    boolAllows: false, dropoutP: p, isCausal: !!options.isCausal && !mask,
    ...(mask ? { attnMask: mask } : {}), ...(kpm ? { extraMask: kpm } : {}),
  }, what);
  const merged = ops.permute(o, [0, 2, 1, 3]).reshape([n, l, e]);
  const out = project(merged, w.outProjWeight, w.outProjBias);
  if (!(options.needWeights ?? true)) return [out, null];
  return [out, options.averageAttnWeights ?? true ? weights.mean(1) : weights];
}
