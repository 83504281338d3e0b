// nn.MultiheadAttention with PyTorch's parameter names, seq-first or batch_first, masks and returned weights.

import { fmtShape } from '../../ir/shape.js';
import { argError, checkInt } from '../trace/arg-error.js';
import * as ops from '../trace/ops.js';
import { Tensor } from '../trace/tensor.js';
import { xavierUniform } from './init.js';
import { Linear } from './linear.js';
import { Module, Parameter } from './module.js';
import { multiHeadAttentionForward, type MhaForwardOptions } from './sdpa.js';

/** Constructor options of nn.MultiheadAttention (torch's keyword arguments). */
export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights in training mode (default 0). */
  dropout?: number;
  /** Biases of the input and output projections (default true). */
  bias?: boolean;
  /** Feature sizes of key and value (default embed_dim); when they differ, q/k/v_proj_weight replace in_proj_weight. */
  kdim?: number;
  /** Feature size of value (default embed_dim). */
  vdim?: number;
  /** Inputs and outputs are [N, L, E] instead of [L, N, E] (default false). */
  batchFirst?: boolean;
  /** Not supported: an error if true. */
  addBiasKv?: boolean;
  /** Not supported: an error if true. */
  addZeroAttn?: boolean;
}

/** Options of MultiheadAttention.forward. */
export type MultiheadAttentionCall = Omit<MhaForwardOptions, 'dropoutP' | 'training'>;

/** torch.nn.MultiheadAttention, with PyTorch's parameter names so its checkpoints load as they are. */
export class MultiheadAttention extends Module {
  /** The q, k and v projections stacked, shaped [3E, E] (when kdim = vdim = E). */
  in_proj_weight?: Parameter;
  /** [E, E] query projection (when kdim or vdim differ from E). */
  q_proj_weight?: Parameter;
  /** [E, kdim] key projection (when kdim or vdim differ from E). */
  k_proj_weight?: Parameter;
  /** [E, vdim] value projection (when kdim or vdim differ from E). */
  v_proj_weight?: Parameter;
  /** [3E] biases of the q, k and v projections (with bias). */
  in_proj_bias?: Parameter;
  /** The output projection (out_proj.weight, out_proj.bias). */
  out_proj: Linear;
  /** Feature size of the key. */
  readonly kdim: number;
  /** Feature size of the value. */
  readonly vdim: number;
  /**
   * @param embedDim E, the model dimension.
   * @param numHeads Heads; E must be a multiple.
   * @param options dropout, bias, kdim, vdim, batchFirst.
   */
  constructor(readonly embedDim: number, readonly numHeads: number, readonly options: MultiheadAttentionOptions = {}) {
    super();
    checkInt(embedDim, 1, 'MultiheadAttention: embed_dim');
    checkInt(numHeads, 1, 'MultiheadAttention: num_heads');
    if (embedDim % numHeads !== 0) throw argError(`MultiheadAttention: embed_dim (${embedDim}) must be divisible by num_heads (${numHeads})`);
    if (options.addBiasKv || options.addZeroAttn) throw argError('MultiheadAttention: add_bias_kv and add_zero_attn are not supported');
    const p = options.dropout ?? 0;
    if (!(p >= 0 && p <= 1)) throw argError(`MultiheadAttention: dropout probability has to be between 0 and 1, but got ${p}`);
    this.kdim = options.kdim ?? embedDim;
    this.vdim = options.vdim ?? embedDim;
    if (this.kdim === embedDim && this.vdim === embedDim) {
      this.in_proj_weight = new Parameter(xavierUniform([3 * embedDim, embedDim]));
    } else {
      this.q_proj_weight = new Parameter(xavierUniform([embedDim, embedDim]));
      this.k_proj_weight = new Parameter(xavierUniform([embedDim, this.kdim]));
      this.v_proj_weight = new Parameter(xavierUniform([embedDim, this.vdim]));
    }
    const bias = options.bias ?? true;
    if (bias) this.in_proj_bias = new Parameter(Tensor.zeros([3 * embedDim]));
    this.out_proj = new Linear(embedDim, embedDim, { bias });
    if (bias) this.out_proj.bias = new Parameter(Tensor.zeros([embedDim]));
  }

  /**
   * Attention of query [L, N, E] (or [N, L, E] with batchFirst, or unbatched [L, E]) over key and
   * value. Returns [output, weights]: weights [N, L, S] averaged over heads (or [N, heads, L, S]),
   * null when needWeights is false.
   */
  forward(query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionCall = {}): [Tensor, Tensor | null] {
    const unbatched = query.ndim === 2;
    const want = unbatched ? 2 : 3;
    if (query.ndim !== 2 && query.ndim !== 3) throw argError(`MultiheadAttention: query should be unbatched 2D or batched 3D tensor, got ${fmtShape(query.shape)}`);
    if (key.ndim !== want || value.ndim !== want) throw argError(`MultiheadAttention: for ${want}D query ${fmtShape(query.shape)}, key and value should be ${want}D, got ${fmtShape(key.shape)} and ${fmtShape(value.shape)}`);
    if (query.shape[query.ndim - 1] !== this.embedDim) throw argError(`MultiheadAttention: was expecting embedding dimension of ${this.embedDim}, but got query ${fmtShape(query.shape)}`);
    // To batch-first [N, L, E], keeping q === k === v (self-attention projects once).
    const toBatchFirst = (t: Tensor): Tensor => (unbatched ? t.unsqueeze(0) : this.options.batchFirst ? t : ops.transpose(t, 0, 1));
    const q = toBatchFirst(query);
    const k = key === query ? q : toBatchFirst(key);
    const v = value === key ? k : value === query ? q : toBatchFirst(value);
    let kpm = options.keyPaddingMask;
    if (kpm && unbatched) kpm = kpm.unsqueeze(0);
    const [out, weights] = multiHeadAttentionForward(q, k, v, this.numHeads, {
      ...(this.in_proj_weight ? { inProjWeight: this.in_proj_weight } : {}),
      ...(this.q_proj_weight ? { qProjWeight: this.q_proj_weight, kProjWeight: this.k_proj_weight!, vProjWeight: this.v_proj_weight! } : {}),
      ...(this.in_proj_bias ? { inProjBias: this.in_proj_bias } : {}),
      outProjWeight: this.out_proj.weight,
      ...(this.out_proj.bias ? { outProjBias: this.out_proj.bias } : {}),
    }, { ...options, ...(kpm ? { keyPaddingMask: kpm } : {}), dropoutP: this.options.dropout ?? 0, training: this.training });
    const o = unbatched ? out.squeeze(0) : this.options.batchFirst ? out : ops.transpose(out, 0, 1);
    return [o, weights && unbatched ? weights.squeeze(0) : weights];
  }
}
