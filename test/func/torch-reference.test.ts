// The PyTorch reference ensembles, run eagerly through stackModuleState + vmap(functionalCall) on the CPU reference.

import { describe, expect, it } from 'vitest';
import { functionalCall, nn, stackModuleState, vmap, type Tensor } from '../../index.js';
import { MLP, PreNorm, SmallCNN } from '../../examples/models.js';
import { expectClose } from '../helpers/assert.js';
import { loadCase } from '../helpers/reference.js';

const CASES: [string, () => nn.Module][] = [
  ['tutorial_mlp', () => new MLP()],
  ['tutorial_mlp_per_member', () => new MLP()],
  ['prenorm', () => new PreNorm()],
  ['small_cnn', () => new SmallCNN()],
];

describe('torch-reference on the CPU reference', () => {
  for (const [name, make] of CASES) {
    it(name, () => {
      const c = loadCase(name);
      const models = c.members.map((sd) => {
        const m = make().eval();
        m.loadStateDict(sd);
        return m;
      });
      const { params, buffers } = stackModuleState(models);
      expect(Object.keys(params)).toEqual(c.param_order);
      expect(Object.keys(buffers)).toEqual(c.buffer_order);
      const x = c.io['x']!;
      const f = (p: Record<string, Tensor>, b: Record<string, Tensor>, xi: Tensor): Tensor => functionalCall(models[0]!, [p, b], [xi]);
      const out = vmap(f, [0, 0, c.inputs['x']!.in_dim])(params, buffers, x);
      expectClose(out, c.io['expected']!, c.rtol, c.atol);
    });
  }
});
