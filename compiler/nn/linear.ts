// Linear, Embedding, Identity and Flatten layers.

import { ShapeError } from '../../ir/errors.js';
import { Tensor } from '../trace/tensor.js';
import * as F from './functional.js';
import { biasUniform, fanIn, kaimingUniformDefault, normal } from './init.js';
import { Module, Parameter } from './module.js';

/** torch.nn.Linear: y = x Wᵀ + b over the last dim, with PyTorch's default init (Kaiming uniform). */
export class Linear extends Module {
  /** The weight, [outFeatures, inFeatures]. */
  weight: Parameter;
  /** The bias, [outFeatures]; absent with `bias: false`. */
  bias?: Parameter;
  /**
   * @param inFeatures The size of each input's last dim.
   * @param outFeatures The size of each output's last dim.
   * @param options `bias: false` leaves the bias out.
   */
  constructor(readonly inFeatures: number, readonly outFeatures: number, options: { bias?: boolean } = {}) {
    super();
    if (!(inFeatures >= 0 && outFeatures >= 0)) throw new ShapeError(`Linear(${inFeatures}, ${outFeatures}): feature counts must be non-negative integers`);
    this.weight = new Parameter(kaimingUniformDefault([outFeatures, inFeatures]));
    if (options.bias ?? true) this.bias = new Parameter(biasUniform([outFeatures], fanIn([outFeatures, inFeatures])));
  }
  /** x [..., inFeatures] to [..., outFeatures]. */
  forward(x: Tensor): Tensor {
    return F.linear(x, this.weight, this.bias);
  }
}

/** torch.nn.Embedding: rows of a table picked by integer indices (init N(0, 1); the padding row zeroed). */
export class Embedding extends Module {
  /** The table, [numEmbeddings, embeddingDim]. */
  weight: Parameter;
  /**
   * @param numEmbeddings The number of rows (valid indices are 0..numEmbeddings-1).
   * @param embeddingDim The size of each row.
   * @param options `paddingIdx`: a row initialised to zeros (negative counts from the end).
   */
  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    readonly options: {
      /** The row that starts as zeros, as torch's padding_idx (its gradient is not masked). */
      paddingIdx?: number;
    } = {},
  ) {
    super();
    const w = normal([numEmbeddings, embeddingDim]);
    const pad = options.paddingIdx;
    if (pad !== undefined) {
      const row = pad < 0 ? pad + numEmbeddings : pad;
      if (row < 0 || row >= numEmbeddings) throw new ShapeError(`Embedding: padding_idx ${pad} must be within num_embeddings ${numEmbeddings}`);
      (w.data as Float32Array).fill(0, row * embeddingDim, (row + 1) * embeddingDim);
    }
    this.weight = new Parameter(w);
  }
  /** Integer indices of any shape to [...indices.shape, embeddingDim]. */
  forward(indices: Tensor): Tensor {
    return F.embedding(indices, this.weight);
  }
}

/** torch.nn.Identity: returns its input. */
export class Identity extends Module {
  /** x itself. */
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** torch.nn.Flatten: flattens dims startDim..endDim (by default all but the batch dim). */
export class Flatten extends Module {
  /**
   * @param startDim The first dim to flatten (default 1).
   * @param endDim The last dim to flatten (default -1, the last).
   */
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }
  /** x with dims startDim..endDim flattened into one. */
  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
}
