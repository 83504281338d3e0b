// nn.TransformerEncoderLayer: self-attention and a feed-forward block, post-norm or pre-norm (norm_first), as PyTorch's.

import { argError } from '../trace/arg-error.js';
import { Tensor } from '../trace/tensor.js';
import { Dropout } from './activation.js';
import { MultiheadAttention } from './attention.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import { LayerNorm } from './norm.js';

/** Constructor options of nn.TransformerEncoderLayer (torch's keyword arguments and defaults). */
export interface TransformerEncoderLayerOptions {
  /** Width of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout after attention, in and after the feed-forward block, in training mode (default 0.1). */
  dropout?: number;
  /** 'relu' (default), 'gelu' (exact), or any function of a tensor. */
  activation?: 'relu' | 'gelu' | ((x: Tensor) => Tensor);
  /** eps of both LayerNorms (default 1e-5). */
  layerNormEps?: number;
  /** Input and output are [N, S, E] instead of [S, N, E] (default false). */
  batchFirst?: boolean;
  /** Pre-norm: LayerNorm before attention and feed-forward instead of after the residual adds (default false). */
  normFirst?: boolean;
  /** Biases of the linear layers, the attention and the layer norms (default true). */
  bias?: boolean;
}

/** Options of TransformerEncoderLayer.forward. */
export interface TransformerEncoderLayerCall {
  /** The attention mask, as MultiheadAttention's attnMask ([S, S] or [N * nhead, S, S]). */
  srcMask?: Tensor;
  /** Keys to ignore, shaped [N, S], as MultiheadAttention's keyPaddingMask. */
  srcKeyPaddingMask?: Tensor;
  /** A causal mask when srcMask is not given (torch's hint when it is). */
  isCausal?: boolean;
}

/** torch.nn.TransformerEncoderLayer, with PyTorch's submodule names (self_attn, linear1, linear2, norm1, norm2). */
export class TransformerEncoderLayer extends Module {
  /** Self-attention. */
  self_attn: MultiheadAttention;
  /** The feed-forward block's first layer, d_model -> dim_feedforward. */
  linear1: Linear;
  /** Dropout inside the feed-forward block. */
  dropout: Dropout;
  /** The feed-forward block's second layer, dim_feedforward -> d_model. */
  linear2: Linear;
  /** The LayerNorm of the attention block. */
  norm1: LayerNorm;
  /** The LayerNorm of the feed-forward block. */
  norm2: LayerNorm;
  /** Dropout after attention. */
  dropout1: Dropout;
  /** Dropout after the feed-forward block. */
  dropout2: Dropout;
  /** The feed-forward activation. */
  readonly act: (x: Tensor) => Tensor;
  /**
   * @param dModel E, the model dimension.
   * @param nhead Attention heads.
   * @param options dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, bias.
   */
  constructor(readonly dModel: number, readonly nhead: number, readonly options: TransformerEncoderLayerOptions = {}) {
    super();
    const p = options.dropout ?? 0.1, bias = options.bias ?? true, eps = options.layerNormEps ?? 1e-5;
    const ff = options.dimFeedforward ?? 2048;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, bias, batchFirst: options.batchFirst ?? false });
    this.linear1 = new Linear(dModel, ff, { bias });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(ff, dModel, { bias });
    this.norm1 = new LayerNorm(dModel, { eps, bias });
    this.norm2 = new LayerNorm(dModel, { eps, bias });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    const act = options.activation ?? 'relu';
    if (typeof act === 'function') this.act = act;
    else if (act === 'relu') this.act = (x) => x.relu();
    else if (act === 'gelu') this.act = (x) => x.gelu();
    else throw argError(`TransformerEncoderLayer: activation should be relu/gelu, not ${String(act)}`);
  }

  private sa(x: Tensor, o: TransformerEncoderLayerCall): Tensor {
    const [y] = this.self_attn.forward(x, x, x, {
      needWeights: false, isCausal: o.isCausal ?? false,
      ...(o.srcMask ? { attnMask: o.srcMask } : {}), ...(o.srcKeyPaddingMask ? { keyPaddingMask: o.srcKeyPaddingMask } : {}),
    });
    return this.dropout1.forward(y);
  }

  private ff(x: Tensor): Tensor {
    return this.dropout2.forward(this.linear2.forward(this.dropout.forward(this.act(this.linear1.forward(x)))));
  }

  /** src [S, N, E] (or [N, S, E] with batchFirst, or unbatched [S, E]) to the same shape. */
  forward(src: Tensor, options: TransformerEncoderLayerCall = {}): Tensor {
    let x = src;
    if (this.options.normFirst) {
      x = x.add(this.sa(this.norm1.forward(x), options));
      return x.add(this.ff(this.norm2.forward(x)));
    }
    x = this.norm1.forward(x.add(this.sa(x, options)));
    return this.norm2.forward(x.add(this.ff(x)));
  }
}
