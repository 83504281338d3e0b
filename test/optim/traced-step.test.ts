// A whole training step (vmap(valueAndGrad) + adam) is a pure function of tensors: traced once, replayed every step.

import { describe, expect, it } from 'vitest';
import { F, functionalCall, stackModuleState, Tensor, vmap } from '../../index.js';
import { valueAndGrad } from '../../compiler/func/grad.js';
import { flatten, unflatten } from '../../compiler/func/pytree.js';
import { withInitSeed } from '../../compiler/nn/init.js';
import { adam, adamInit, type AdamState } from '../../compiler/optim/index.js';
import { applyGraph, traceFunction } from '../../compiler/trace/trace-fn.js';
import { Generator } from '../../runtime/rng.js';
import { trainStepModel } from '../../examples/models.js';
import { expectClose } from '../helpers/assert.js';

type Dict = Record<string, Tensor>;
interface StepOut { params: Dict; state: AdamState; loss: Tensor }

const M = 3;
const models = Array.from({ length: M }, (_, i) => withInitSeed(i, trainStepModel));
const base = models[0]!;
const lossFn = (p: Dict, x: Tensor, y: Tensor): Tensor => F.crossEntropy(functionalCall(base, p, [x]), y);
const step = (params: Dict, state: AdamState, x: Tensor, y: Tensor): StepOut => {
  const [loss, grads] = vmap(valueAndGrad(lossFn))(params, x, y);
  const r = adam(params, grads, state, { lr: [0.01, 0.05, 0.1] });
  return { params: r.params, state: r.state, loss };
};

describe('a traced training step', () => {
  it('has no captures, and replaying its graph for 3 steps equals 3 eager steps', () => {
    const gen = new Generator(8);
    const { params } = stackModuleState(models);
    const state = adamInit(params);
    const batches = Array.from({ length: 3 }, () => [Tensor.randn([M, 6, 10], { generator: gen }), Tensor.randint(0, 3, [M, 6], { generator: gen })] as const);

    const args = flatten([params, state, ...batches[0]!]);
    const specs = args.leaves.map((l, i) => ({ name: args.paths[i]!, shape: (l as Tensor).shape, dtype: (l as Tensor).dtype }));
    const traced = traceFunction('trainStep', specs, (leaves) => {
      const [p, s, x, y] = unflatten(args.def, leaves) as [Dict, AdamState, Tensor, Tensor];
      return step(p, s, x, y);
    });
    expect(traced.captures).toHaveLength(0);

    let eager: StepOut = { params, state, loss: Tensor.zeros([M]) };
    let replay = { params, state } as StepOut;
    for (const [x, y] of batches) {
      eager = step(eager.params, eager.state, x, y);
      const outs = applyGraph(traced.graph, flatten([replay.params, replay.state, x, y]).leaves as Tensor[]);
      replay = unflatten(traced.outTree, outs) as StepOut;
      expectClose(replay.loss, eager.loss, 1e-6, 1e-7);
    }
    for (const name of Object.keys(params)) expectClose(replay.params[name]!, eager.params[name]!, 1e-6, 1e-7);
    expect(replay.state.step.item()).toBe(3);
  });
});
