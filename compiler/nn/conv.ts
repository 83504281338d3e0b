// Conv1d and Conv2d with stride, padding, dilation and groups (torch.nn.ConvNd).

import { ShapeError } from '../../ir/errors.js';
import type { ConvOptions } from '../trace/ops.js';
import { Tensor } from '../trace/tensor.js';
import * as F from './functional.js';
import { biasUniform, fanIn, kaimingUniformDefault } from './init.js';
import { Module, Parameter } from './module.js';

export interface ConvLayerOptions extends ConvOptions {
  bias?: boolean;
}

abstract class ConvNd extends Module {
  weight: Parameter;
  bias?: Parameter;
  readonly kernelSize: number[];
  constructor(readonly spatial: number, readonly inChannels: number, readonly outChannels: number, kernelSize: number | readonly number[], readonly options: ConvLayerOptions) {
    super();
    const groups = options.groups ?? 1;
    if (inChannels % groups !== 0) throw new ShapeError(`Conv${spatial}d: in_channels (${inChannels}) must be divisible by groups (${groups})`);
    if (outChannels % groups !== 0) throw new ShapeError(`Conv${spatial}d: out_channels (${outChannels}) must be divisible by groups (${groups})`);
    this.kernelSize = typeof kernelSize === 'number' ? Array(spatial).fill(kernelSize) : [...kernelSize];
    const shape = [outChannels, inChannels / groups, ...this.kernelSize];
    this.weight = new Parameter(kaimingUniformDefault(shape));
    if (options.bias ?? true) this.bias = new Parameter(biasUniform([outChannels], fanIn(shape)));
  }
  forward(x: Tensor): Tensor {
    return this.spatial === 1 ? F.conv1d(x, this.weight, this.bias, this.options) : F.conv2d(x, this.weight, this.bias, this.options);
  }
}

export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number, options: ConvLayerOptions = {}) {
    super(1, inChannels, outChannels, kernelSize, options);
  }
}

export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options: ConvLayerOptions = {}) {
    super(2, inChannels, outChannels, kernelSize, options);
  }
}
