// The ensemble member: a small MLP over flattened 28x28 digits.

import { nn, type Tensor } from '../../index.js';
import { PIXELS } from './data.js';

export class DigitMLP extends nn.Module {
  fc1: nn.Linear;
  fc2: nn.Linear;
  constructor(hidden = 32) {
    super();
    this.fc1 = new nn.Linear(PIXELS, hidden);
    this.fc2 = new nn.Linear(hidden, 10);
  }
  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.fc1.forward(x).relu());
  }
}
