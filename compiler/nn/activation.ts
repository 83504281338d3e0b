// Activation layers and Dropout as modules.

import { Tensor } from '../trace/tensor.js';
import * as F from './functional.js';
import { Module } from './module.js';

/** torch.nn.ReLU: max(x, 0). */
export class ReLU extends Module {
  /** max(x, 0) per element. */
  forward(x: Tensor): Tensor { return x.relu(); }
}
/** torch.nn.Tanh. */
export class Tanh extends Module {
  /** tanh(x) per element. */
  forward(x: Tensor): Tensor { return x.tanh(); }
}
/** torch.nn.Sigmoid. */
export class Sigmoid extends Module {
  /** 1 / (1 + e^-x) per element. */
  forward(x: Tensor): Tensor { return x.sigmoid(); }
}
/** torch.nn.SiLU: x * sigmoid(x). */
export class SiLU extends Module {
  /** x * sigmoid(x) per element. */
  forward(x: Tensor): Tensor { return x.silu(); }
}

/** torch.nn.GELU, exact or with the tanh approximation. */
export class GELU extends Module {
  /** @param approximate 'none' (exact, with erf) or 'tanh'. */
  constructor(readonly approximate: 'none' | 'tanh' = 'none') { super(); }
  /** GELU per element. */
  forward(x: Tensor): Tensor { return x.gelu(this.approximate); }
}

/** torch.nn.Softmax along one dim. */
export class Softmax extends Module {
  /** @param dim The dim that sums to 1 (negative counts from the end). */
  constructor(readonly dim: number) { super(); }
  /** Softmax of x along dim. */
  forward(x: Tensor): Tensor { return x.softmax(this.dim); }
}

/** torch.nn.LogSoftmax along one dim. */
export class LogSoftmax extends Module {
  /** @param dim The dim to normalise (negative counts from the end). */
  constructor(readonly dim: number) { super(); }
  /** Log-softmax of x along dim. */
  forward(x: Tensor): Tensor { return x.logSoftmax(this.dim); }
}

/**
 * torch.nn.Dropout: in training mode zeroes each element with probability p and scales the rest by
 * 1/(1-p); in eval mode returns x. In training mode under vmap, give vmap `randomness: 'different'`
 * (a mask per member) or `'same'`.
 */
export class Dropout extends Module {
  /** @param p The probability of zeroing an element (default 0.5). */
  constructor(readonly p = 0.5) { super(); }
  /** x with dropout applied in training mode; x itself in eval mode. */
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
