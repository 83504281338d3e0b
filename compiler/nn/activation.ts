// Activation layers and Dropout as modules.

import { Tensor } from '../trace/tensor.js';
import * as F from './functional.js';
import { Module } from './module.js';

export class ReLU extends Module { forward(x: Tensor): Tensor { return x.relu(); } }
export class Tanh extends Module { forward(x: Tensor): Tensor { return x.tanh(); } }
export class Sigmoid extends Module { forward(x: Tensor): Tensor { return x.sigmoid(); } }
export class SiLU extends Module { forward(x: Tensor): Tensor { return x.silu(); } }

export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') { super(); }
  forward(x: Tensor): Tensor { return x.gelu(this.approximate); }
}

export class Softmax extends Module {
  constructor(readonly dim: number) { super(); }
  forward(x: Tensor): Tensor { return x.softmax(this.dim); }
}

export class LogSoftmax extends Module {
  constructor(readonly dim: number) { super(); }
  forward(x: Tensor): Tensor { return x.logSoftmax(this.dim); }
}

export class Dropout extends Module {
  constructor(readonly p = 0.5) { super(); }
  forward(x: Tensor): Tensor { return F.dropout(x, this.p, this.training); }
}

/** x where x > 0, else negative_slope * x. */
export class LeakyReLU extends Module {
  /** @param negativeSlope The slope for x <= 0 (default 0.01). */
  constructor(readonly negativeSlope = 0.01) { super(); }
  /** leaky_relu(x). */
  forward(x: Tensor): Tensor { return F.leakyRelu(x, this.negativeSlope); }
}

/** x where x > 0, else alpha * (exp(x) - 1). */
export class ELU extends Module {
  /** @param alpha The value approached as x -> -inf is -alpha (default 1). */
  constructor(readonly alpha = 1) { super(); }
  /** elu(x). */
  forward(x: Tensor): Tensor { return F.elu(x, this.alpha); }
}

/** log(1 + exp(beta x)) / beta, linear above the threshold. */
export class Softplus extends Module {
  /**
   * @param beta Sharpness (default 1).
   * @param threshold Above beta * x > threshold the result is x (default 20).
   */
  constructor(readonly beta = 1, readonly threshold = 20) { super(); }
  /** softplus(x). */
  forward(x: Tensor): Tensor { return F.softplus(x, this.beta, this.threshold); }
}

/** x * tanh(softplus(x)). */
export class Mish extends Module {
  /** mish(x). */
  forward(x: Tensor): Tensor { return F.mish(x); }
}

/** x * relu6(x + 3) / 6. */
export class Hardswish extends Module {
  /** hardswish(x). */
  forward(x: Tensor): Tensor { return F.hardswish(x); }
}
