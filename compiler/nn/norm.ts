// LayerNorm and BatchNorm1d/2d, with torch's parameters and buffers.

import { ShapeError } from '../../ir/errors.js';
import { fmtShape } from '../../ir/shape.js';
import { Tensor } from '../trace/tensor.js';
import * as F from './functional.js';
import { Buffer, Module, Parameter } from './module.js';

/** torch.nn.LayerNorm: normalises over the last dims (normalizedShape), then scales and shifts. */
export class LayerNorm extends Module {
  /** The scale, normalizedShape (ones at first); absent without elementwiseAffine. */
  weight?: Parameter;
  /** The shift, normalizedShape (zeros at first); absent without elementwiseAffine or with `bias: false`. */
  bias?: Parameter;
  /** The trailing shape normalised over. */
  readonly normalizedShape: number[];
  /**
   * @param normalizedShape The size of the last dim, or the sizes of the last dims.
   * @param options eps, elementwiseAffine, bias (torch's names in camelCase).
   */
  constructor(
    normalizedShape: number | readonly number[],
    readonly options: {
      /** Added to the variance (default 1e-5). */
      eps?: number;
      /** Learnable weight and bias (default true). */
      elementwiseAffine?: boolean;
      /** With elementwiseAffine: a learnable bias (default true). */
      bias?: boolean;
    } = {},
  ) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (options.elementwiseAffine ?? true) {
      this.weight = new Parameter(Tensor.ones(this.normalizedShape));
      if (options.bias ?? true) this.bias = new Parameter(Tensor.zeros(this.normalizedShape));
    }
  }
  /** x normalised over its last normalizedShape.length dims. */
  forward(x: Tensor): Tensor {
    return F.layerNorm(x, this.normalizedShape, this.weight, this.bias, this.options.eps ?? 1e-5);
  }
}

/** Options of BatchNorm1d and BatchNorm2d, as torch's (camelCase). */
export interface BatchNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** The running statistics' update weight (default 0.1); torch's momentum=None is not supported. */
  momentum?: number;
  /** Learnable weight and bias (default true). */
  affine?: boolean;
  /** Keep running_mean, running_var and num_batches_tracked buffers (default true); without them eval mode uses batch statistics. */
  trackRunningStats?: boolean;
}

/** The shared part of BatchNorm1d and BatchNorm2d. */
abstract class BatchNormNd extends Module {
  /** The scale, [numFeatures]; absent with `affine: false`. */
  weight?: Parameter;
  /** The shift, [numFeatures]; absent with `affine: false`. */
  bias?: Parameter;
  /** The running mean, updated in training mode (torch's name, so checkpoints load). */
  running_mean?: Buffer;
  /** The running (unbiased) variance, updated in training mode. */
  running_var?: Buffer;
  /** How many training batches have updated the running statistics (i64). */
  num_batches_tracked?: Buffer;
  /**
   * @param numFeatures Channels (dim 1 of the input).
   * @param inputRanks The input ranks the layer accepts.
   * @param options eps, momentum, affine, trackRunningStats.
   */
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
  /** x normalised per channel (dim 1): batch statistics in training mode (updating the running ones), running statistics in eval mode. */
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

/** torch.nn.BatchNorm1d: input [N, C] or [N, C, L]. */
export class BatchNorm1d extends BatchNormNd {
  /** Batch norm over `numFeatures` channels. */
  constructor(numFeatures: number, options: BatchNormOptions = {}) { super(numFeatures, [2, 3], options); }
}

/** torch.nn.BatchNorm2d: input [N, C, H, W]. */
export class BatchNorm2d extends BatchNormNd {
  /** Batch norm over `numFeatures` channels. */
  constructor(numFeatures: number, options: BatchNormOptions = {}) { super(numFeatures, [4], options); }
}
