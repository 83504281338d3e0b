// The models of the torch-reference cases and the demo, written as a PyTorch user would write them.

import { nn, Tensor, F } from '../index.js';

/** The torch.func ensembling tutorial's MLP 784-128-128-10 lives in its own file, the CLI's example. */
export { MLP } from './mlp.js';

/** tanh(x + down(gelu(up(norm(x))))) with exact GELU. */
export class PreNorm extends nn.Module {
  norm = new nn.LayerNorm(32);
  up = new nn.Linear(32, 64);
  down = new nn.Linear(64, 32);
  forward(x: Tensor): Tensor {
    return x.add(this.down.forward(F.gelu(this.up.forward(this.norm.forward(x))))).tanh();
  }
}

/** Conv2d(3, 8, 3, padding=1), ReLU, flatten, Linear(512, 10). */
export class SmallCNN extends nn.Module {
  conv = new nn.Conv2d(3, 8, 3, { padding: 1 });
  fc = new nn.Linear(512, 10);
  forward(x: Tensor): Tensor {
    return this.fc.forward(this.conv.forward(x).relu().flatten(1));
  }
}

/** Sequential(Linear(10, 32), Tanh(), Linear(32, 3)): the train_step case. */
export function trainStepModel(): nn.Sequential {
  return new nn.Sequential(new nn.Linear(10, 32), new nn.Tanh(), new nn.Linear(32, 3));
}
