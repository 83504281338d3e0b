// MaxPool and AvgPool layers in 1-d and 2-d.

import type { PoolOptions } from '../trace/ops.js';
import * as ops from '../trace/ops.js';
import { Tensor } from '../trace/tensor.js';
import { Module } from './module.js';

/** The shared part of the pooling layers. */
abstract class PoolNd extends Module {
  /**
   * @param kind Max or average pooling.
   * @param spatial The number of spatial dims (1 or 2).
   * @param kernelSize The window, one number for every spatial dim or one per dim.
   * @param options Stride (default: the kernel size), padding, and for average pooling countIncludePad.
   */
  constructor(readonly kind: 'max' | 'avg', readonly spatial: number, readonly kernelSize: number | readonly number[], readonly options: PoolOptions) {
    super();
  }
  /** x [N, C, ...spatial] (or [C, ...spatial]) pooled over its last `spatial` dims. */
  forward(x: Tensor): Tensor {
    return ops.pool(this.kind, x, this.spatial, this.kernelSize, this.options);
  }
}

/** torch.nn.MaxPool1d (no dilation, ceil_mode or return_indices). */
export class MaxPool1d extends PoolNd {
  /** Max over windows of `kernelSize`. */
  constructor(kernelSize: number, options: PoolOptions = {}) { super('max', 1, kernelSize, options); }
}
/** torch.nn.MaxPool2d (no dilation, ceil_mode or return_indices). */
export class MaxPool2d extends PoolNd {
  /** Max over windows of `kernelSize` (one number or [kh, kw]). */
  constructor(kernelSize: number | readonly number[], options: PoolOptions = {}) { super('max', 2, kernelSize, options); }
}
/** torch.nn.AvgPool1d (count_include_pad as an option; no ceil_mode). */
export class AvgPool1d extends PoolNd {
  /** Mean over windows of `kernelSize`. */
  constructor(kernelSize: number, options: PoolOptions = {}) { super('avg', 1, kernelSize, options); }
}
/** torch.nn.AvgPool2d (count_include_pad as an option; no ceil_mode or divisor_override). */
export class AvgPool2d extends PoolNd {
  /** Mean over windows of `kernelSize` (one number or [kh, kw]). */
  constructor(kernelSize: number | readonly number[], options: PoolOptions = {}) { super('avg', 2, kernelSize, options); }
}
