// MaxPool and AvgPool layers in 1-d and 2-d.

import type { PoolOptions } from '../trace/ops.js';
import * as ops from '../trace/ops.js';
import { Tensor } from '../trace/tensor.js';
import { Module } from './module.js';

abstract class PoolNd extends Module {
  constructor(readonly kind: 'max' | 'avg', readonly spatial: number, readonly kernelSize: number | readonly number[], readonly options: PoolOptions) {
    super();
  }
  forward(x: Tensor): Tensor {
    return ops.pool(this.kind, x, this.spatial, this.kernelSize, this.options);
  }
}

export class MaxPool1d extends PoolNd {
  constructor(kernelSize: number, options: PoolOptions = {}) { super('max', 1, kernelSize, options); }
}
export class MaxPool2d extends PoolNd {
  constructor(kernelSize: number | readonly number[], options: PoolOptions = {}) { super('max', 2, kernelSize, options); }
}
export class AvgPool1d extends PoolNd {
  constructor(kernelSize: number, options: PoolOptions = {}) { super('avg', 1, kernelSize, options); }
}
export class AvgPool2d extends PoolNd {
  constructor(kernelSize: number | readonly number[], options: PoolOptions = {}) { super('avg', 2, kernelSize, options); }
}
