// The demo's ensemble member: the MNIST example's digit MLP, returning class probabilities (so the package's run() gives them directly).

import type { Tensor } from '../../index.js';
import { DigitMLP } from '../train-mnist-ensemble/model.js';

/** DigitMLP (784-hidden-10, ReLU) followed by a softmax over the 10 classes; same parameters, same state-dict names. */
export class DigitProbabilities extends DigitMLP {
  override forward(x: Tensor): Tensor {
    return super.forward(x).softmax(-1);
  }
}
