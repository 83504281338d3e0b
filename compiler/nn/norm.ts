// LayerNorm and BatchNorm1d/2d, with torch's parameters and buffers.

import { ShapeError } from '../../ir/errors.js';
import { fmtShape } from '../../ir/shape.js';
import { Tensor } from '../trace/tensor.js';
import * as F from './functional.js';
import { Buffer, Module, Parameter } from './module.js';

export class LayerNorm extends Module {
  weight?: Parameter;
  bias?: Parameter;
  readonly normalizedShape: number[];
  constructor(normalizedShape: number | readonly number[], readonly options: { eps?: number; elementwiseAffine?: boolean; bias?: boolean } = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (options.elementwiseAffine ?? true) {
      this.weight = new Parameter(Tensor.ones(this.normalizedShape));
      if (options.bias ?? true) this.bias = new Parameter(Tensor.zeros(this.normalizedShape));
    }
  }
  forward(x: Tensor): Tensor {
    return F.layerNorm(x, this.normalizedShape, this.weight, this.bias, this.options.eps ?? 1e-5);
  }
}

export interface BatchNormOptions {
  eps?: number;
  momentum?: number;
  affine?: boolean;
  trackRunningStats?: boolean;
}

abstract class BatchNormNd extends Module {
  weight?: Parameter;
  bias?: Parameter;
  running_mean?: Buffer;
  running_var?: Buffer;
  num_batches_tracked?: Buffer;
  constructor(readonly numFeatures: number, readonly inputRanks: readonly number[], readonly options: BatchNormOptions) {
    super();
    if (options.affine ?? true) {
      this.weight = new Parameter(Tensor.ones([numFeatures]));
      this.bias = new Parameter(Tensor.zeros([numFeatures]));
    }
    if (options.trackRunningStats ?? true) {
      this.running_mean = new Buffer(Tensor.zeros([numFeatures]));
      this.running_var = new Buffer(Tensor.ones([numFeatures]));
      this.num_batches_tracked = new Buffer(Tensor.zeros([], 'i64'));
    }
  }
  forward(x: Tensor): Tensor {
    if (!this.inputRanks.includes(x.ndim)) {
      throw new ShapeError(`${this.constructor.name}: expected ${this.inputRanks.map((r) => `${r}D`).join(' or ')} input, got ${fmtShape(x.shape)}`);
    }
    const r = F.batchNormWithStats(x, this.running_mean, this.running_var, this.weight, this.bias, this.training, this.options.momentum ?? 0.1, this.options.eps ?? 1e-5);
    if (r.runningMean && r.runningVar && this.num_batches_tracked) {
      // Torch updates the buffers in place; here the module's buffers are replaced with the new values.
      this.running_mean = new Buffer(r.runningMean);
      this.running_var = new Buffer(r.runningVar);
      this.num_batches_tracked = new Buffer(this.num_batches_tracked.add(1));
    }
    return r.output;
  }
}

export class BatchNorm1d extends BatchNormNd {
  constructor(numFeatures: number, options: BatchNormOptions = {}) { super(numFeatures, [2, 3], options); }
}

export class BatchNorm2d extends BatchNormNd {
  constructor(numFeatures: number, options: BatchNormOptions = {}) { super(numFeatures, [4], options); }
}
