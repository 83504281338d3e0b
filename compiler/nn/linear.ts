// Linear, Embedding, Identity and Flatten layers.

import { ShapeError } from '../../ir/errors.js';
import { Tensor } from '../trace/tensor.js';
import * as F from './functional.js';
import { biasUniform, fanIn, kaimingUniformDefault, normal } from './init.js';
import { Module, Parameter } from './module.js';

export class Linear extends Module {
  weight: Parameter;
  bias?: Parameter;
  constructor(readonly inFeatures: number, readonly outFeatures: number, options: { bias?: boolean } = {}) {
    super();
    if (!(inFeatures >= 0 && outFeatures >= 0)) throw new ShapeError(`Linear(${inFeatures}, ${outFeatures}): feature counts must be non-negative integers`);
    this.weight = new Parameter(kaimingUniformDefault([outFeatures, inFeatures]));
    if (options.bias ?? true) this.bias = new Parameter(biasUniform([outFeatures], fanIn([outFeatures, inFeatures])));
  }
  forward(x: Tensor): Tensor {
    return F.linear(x, this.weight, this.bias);
  }
}

export class Embedding extends Module {
  weight: Parameter;
  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, readonly options: { paddingIdx?: number } = {}) {
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
  forward(indices: Tensor): Tensor {
    return F.embedding(indices, this.weight);
  }
}

export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
}
