// Conv1d and Conv2d with stride, padding, dilation and groups (torch.nn.ConvNd).

import { ShapeError } from '../../ir/errors.js';
import type { ConvOptions } from '../trace/ops.js';
import { Tensor } from '../trace/tensor.js';
import * as F from './functional.js';
import { biasUniform, fanIn, kaimingUniformDefault } from './init.js';
import { Module, Parameter } from './module.js';

/** Options of Conv1d and Conv2d: the convolution's (stride, padding, dilation, groups) and whether there is a bias. */
export interface ConvLayerOptions extends ConvOptions {
  /** `false` leaves the bias out (default true). */
  bias?: boolean;
}

/** The shared part of Conv1d and Conv2d. */
abstract class ConvNd extends Module {
  /** The kernels, [outChannels, inChannels / groups, ...kernelSize]. */
  weight: Parameter;
  /** The bias, [outChannels]; absent with `bias: false`. */
  bias?: Parameter;
  /** The kernel's size per spatial dim. */
  readonly kernelSize: number[];
  /**
   * @param spatial The number of spatial dims (1 or 2).
   * @param inChannels Channels of the input.
   * @param outChannels Channels of the output.
   * @param kernelSize The kernel's size, one number for every spatial dim or one per dim.
   * @param options Stride, padding (a number, per dim, 'same' or 'valid'), dilation, groups, bias.
   */
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
  /** x [N, C, ...spatial] (or unbatched [C, ...spatial]) to [N, outChannels, ...out spatial]. */
  forward(x: Tensor): Tensor {
    return this.spatial === 1 ? F.conv1d(x, this.weight, this.bias, this.options) : F.conv2d(x, this.weight, this.bias, this.options);
  }
}

/** torch.nn.Conv1d, with PyTorch's default init. */
export class Conv1d extends ConvNd {
  /** A 1-d convolution of `inChannels` to `outChannels` with a kernel of `kernelSize`. */
  constructor(inChannels: number, outChannels: number, kernelSize: number, options: ConvLayerOptions = {}) {
    super(1, inChannels, outChannels, kernelSize, options);
  }
}

/** torch.nn.Conv2d, with PyTorch's default init. */
export class Conv2d extends ConvNd {
  /** A 2-d convolution of `inChannels` to `outChannels` with a kernel of `kernelSize` (one number or [kh, kw]). */
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options: ConvLayerOptions = {}) {
    super(2, inChannels, outChannels, kernelSize, options);
  }
}
