// Compiled training steps on WebGPU: the train_step reference case, and 5 steps against the CPU reference.

import { describe, expect, it } from 'vitest';
import { F, functionalCall, stackModuleState, Tensor, vmap } from '../../index.js';
import { valueAndGrad } from '../../compiler/func/grad.js';
import { withInitSeed } from '../../compiler/nn/init.js';
import { adam, adamInit, sgd, sgdInit, type AdamState, type SGDState } from '../../compiler/optim/index.js';
import { compileTrainStep } from '../../compiler/train.js';
import { Generator } from '../../runtime/rng.js';
import { trainStepModel } from '../../examples/models.js';
import { expectClose } from '../helpers/assert.js';
import { trainStepReference } from '../helpers/backend-cases.js';

type Dict = Record<string, Tensor>;

describe('compileTrainStep on WebGPU', () => {
  it('train_step: loss, every grad.* and every after_adam.* match PyTorch', async () => {
    const { c, params, loss } = trainStepReference();
    interface State { params: Dict; opt: AdamState }
    const step = (s: State, x: Tensor, y: Tensor): [State, { loss: Tensor; grads: Dict }] => {
      const [l, grads] = vmap(valueAndGrad(loss))(s.params, x, y);
      const r = adam(s.params, grads, s.opt, { lr: c.lr! });
      return [{ params: r.params, opt: r.state }, { loss: l, grads }];
    };
    const state: State = { params, opt: adamInit(params) };
    const x = c.io['x']!, y = c.io['y']!;
    const trainer = await compileTrainStep(step, { target: 'webgpu', example: [state, x, y] });
    try {
      await trainer.setState(state);
      const out = await trainer.step(x, y);
      expectClose(out.loss, c.io['loss']!, c.rtol, c.atol);
      for (const name of Object.keys(params)) expectClose(out.grads[name]!, c.io[`grad.${name}`]!, c.rtol, c.atol);
      const after = await trainer.state();
      for (const name of Object.keys(params)) expectClose(after.params[name]!, c.io[`after_adam.${name}`]!, c.rtol, c.atol);
      expect(after.opt.step.item()).toBe(1);
    } finally {
      trainer.destroy();
    }
  });

  it('5 compiled steps (SGD with momentum, per-member lr) equal 5 eager steps on the CPU reference', async () => {
    const M = 3;
    const models = Array.from({ length: M }, (_, i) => withInitSeed(10 + i, trainStepModel));
    const { params } = stackModuleState(models);
    const base = models[0]!;
    const loss = (p: Dict, x: Tensor, y: Tensor): Tensor => F.crossEntropy(functionalCall(base, p, [x]), y);
    interface State { params: Dict; opt: SGDState }
    const step = (s: State, x: Tensor, y: Tensor): [State, Tensor] => {
      const [l, grads] = vmap(valueAndGrad(loss))(s.params, x, y);
      const r = sgd(s.params, grads, s.opt, { lr: [0.05, 0.1, 0.2], momentum: 0.9 });
      return [{ params: r.params, opt: r.state }, l];
    };
    const gen = new Generator(3);
    const batches = Array.from({ length: 5 }, () => [Tensor.randn([M, 8, 10], { generator: gen }), Tensor.randint(0, 3, [M, 8], { generator: gen })] as const);
    let eager: State = { params, opt: sgdInit(params, { lr: [0.05, 0.1, 0.2], momentum: 0.9 }) };
    const trainer = await compileTrainStep(step, { target: 'webgpu', example: [eager, ...batches[0]!] });
    try {
      await trainer.setState(eager);
      for (const [x, y] of batches) {
        const [next, l] = step(eager, x, y);
        eager = next;
        expectClose(await trainer.step(x, y), l, 1e-4, 1e-5);
      }
      const after = await trainer.state();
      for (const name of Object.keys(params)) expectClose(after.params[name]!, eager.params[name]!, 1e-4, 1e-5);
    } finally {
      trainer.destroy();
    }
  });
});
