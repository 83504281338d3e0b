// The CLI's example model: the torch.func ensembling tutorial's MLP, in a file of its own that imports from 'vmapc'.
//
//   npx vmapc inspect examples/mlp.ts
//   npx vmapc build examples/mlp.ts --members 8 --input x=f32[64,784] --out dist/mlp8

import { nn, type Tensor } from 'vmapc';

/** 784-128-128-10 with ReLU, as PyTorch's `fc3(relu(fc2(relu(fc1(x.flatten(1))))))`. */
export class MLP extends nn.Module {
  fc1 = new nn.Linear(784, 128);
  fc2 = new nn.Linear(128, 128);
  fc3 = new nn.Linear(128, 10);

  forward(x: Tensor): Tensor {
    x = x.flatten(1);
    x = this.fc1.forward(x).relu();
    x = this.fc2.forward(x).relu();
    return this.fc3.forward(x);
  }
}
