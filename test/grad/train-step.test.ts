// The train_step torch-reference case: loss, per-member gradients and one Adam step match PyTorch (CPU reference).

import { describe, expect, it } from 'vitest';
import { vmap } from '../../index.js';
import { grad, valueAndGrad } from '../../compiler/func/grad.js';
import { Adam, adam, adamInit } from '../../compiler/optim/index.js';
import { expectClose } from '../helpers/assert.js';
import { trainStepReference } from '../helpers/backend-cases.js';

const setup = trainStepReference;

describe('torch-reference train_step on the CPU reference', () => {
  it('vmap(valueAndGrad) gives the loss and every grad.*; adam gives every after_adam.*', () => {
    const { c, params, loss } = setup();
    expect(Object.keys(params)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    const [value, grads] = vmap(valueAndGrad(loss))(params, c.io['x']!, c.io['y']!);
    expectClose(value, c.io['loss']!, c.rtol, c.atol);
    for (const name of Object.keys(params)) expectClose(grads[name]!, c.io[`grad.${name}`]!, c.rtol, c.atol);
    const r = adam(params, grads, adamInit(params), { lr: c.lr!, betas: [0.9, 0.999], eps: 1e-8 });
    for (const name of Object.keys(params)) expectClose(r.params[name]!, c.io[`after_adam.${name}`]!, c.rtol, c.atol);
    expect(r.state.step.item()).toBe(1);
  });

  it('the same through grad and the Adam object, which updates the params dict in place', () => {
    const { c, params, loss } = setup();
    const grads = vmap(grad(loss))(params, c.io['x']!, c.io['y']!);
    const opt = new Adam(params, { lr: c.lr! });
    opt.step(grads);
    for (const name of Object.keys(params)) expectClose(params[name]!, c.io[`after_adam.${name}`]!, c.rtol, c.atol);
  });
});
