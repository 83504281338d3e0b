// The PyTorch reference ensembles compiled to C and run natively on the cpu target.

import { describe, expect, it } from 'vitest';
import { compile, functionalCall, nn, stackModuleState, vmap, type Tensor } from '../../index.js';
import { MLP, PreNorm, SmallCNN } from '../../examples/models.js';
import { expectClose } from '../helpers/assert.js';
import { loadCase } from '../helpers/reference.js';

type Dict = Record<string, Tensor>;

const CASES: [string, () => nn.Module, number][] = [
  ['tutorial_mlp', () => new MLP(), 3],
  ['tutorial_mlp_per_member', () => new MLP(), 3],
  ['prenorm', () => new PreNorm(), 4],
  ['small_cnn', () => new SmallCNN(), 2],
];

describe('torch-reference on the cpu target', () => {
  for (const [name, make, kernels] of CASES) {
    it(`${name} (${kernels} kernels)`, async () => {
      const c = loadCase(name);
      const models = c.members.map((sd) => {
        const m = make().eval();
        m.loadStateDict(sd);
        return m;
      });
      const { params, buffers } = stackModuleState(models);
      const f = (p: Dict, b: Dict, x: Tensor): Tensor => functionalCall(models[0]!, [p, b], [x]);
      const x = c.io['x']!;
      const ens = await compile(vmap(f, [0, 0, c.inputs['x']!.in_dim]), { target: 'cpu', example: [params, buffers, x] });
      try {
        const out = await ens.run(params, buffers, x);
        expectClose(out, c.io['expected']!, c.rtol, c.atol);
        expect(ens.plan.steps.length).toBe(kernels);
      } finally {
        ens.destroy();
      }
    });
  }
});
