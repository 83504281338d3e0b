// Bad-input table, members: stacking members that differ in class, mode, names, shapes or dtypes (rows E01-E07).

import { describe, expect, it } from 'vitest';
import { functionalCall, nn, stackModuleState, StateError, Tensor, vmap } from '../../index.js';
import { expectError, stateOf } from './helpers.js';

/** Stacking fails with the error, leaves every member's state as it was, and the good members still stack and run. */
async function rejects(members: nn.Module[], good: nn.Module[], ...patterns: RegExp[]): Promise<void> {
  const before = members.map(stateOf);
  await expectError(() => stackModuleState(members), StateError, ...patterns);
  expect(members.map(stateOf)).toEqual(before);
  const { params, buffers } = stackModuleState(good);
  const x = Tensor.randn([2, good[0] instanceof nn.Linear ? good[0].inFeatures : 3]);
  const f = (p: Record<string, Tensor>, b: Record<string, Tensor>, xi: Tensor): Tensor => functionalCall(good[0]!, [p, b], [xi]);
  const out = vmap(f, [0, 0, null])(params, buffers, x);
  good.forEach((m, i) => expect(out.select(0, i).toArray()).toEqual((m.forward as (t: Tensor) => Tensor)(x).toArray()));
}

describe('bad members (stack_module_state)', () => {
  it('E01 members of different classes', async () => {
    await rejects([new nn.Linear(3, 2), new nn.Conv1d(3, 2, 1)], [new nn.Linear(3, 2), new nn.Linear(3, 2)], /same class/, /member 0 is Linear, member 1 is Conv1d/);
  });
  it('E02 members in different modes (train and eval)', async () => {
    await rejects([new nn.Linear(3, 2), new nn.Linear(3, 2).eval()], [new nn.Linear(3, 2), new nn.Linear(3, 2)], /same training\/eval mode/, /0: train, 1: eval/);
  });
  it('E03 members whose parameters have different names', async () => {
    await rejects([new nn.Linear(3, 2), new nn.Linear(3, 2, { bias: false })], [new nn.Linear(3, 2), new nn.Linear(3, 2)], /member 1 \(Linear\) has different parameter names than member 0: missing bias/);
  });
  it('E04 members whose parameters have different shapes', async () => {
    await rejects([new nn.Linear(3, 2), new nn.Linear(3, 4)], [new nn.Linear(3, 2), new nn.Linear(3, 2)], /parameter 'weight' of member 1 has shape \[4, 3\] but member 0 has \[2, 3\]/);
  });
  it('E05 members whose parameters have different dtypes', async () => {
    const odd = new nn.Linear(3, 2);
    odd.weight = new nn.Parameter(odd.weight.double());
    await rejects([new nn.Linear(3, 2), odd], [new nn.Linear(3, 2), new nn.Linear(3, 2)], /parameter 'weight' of member 1 is f64 but member 0 is f32/);
  });
  it('E06 no members at all', async () => {
    await rejects([], [new nn.Linear(3, 2)], /Expected at least one model, got 0/);
  });
  it('E07 members whose buffers differ (running stats tracked in one, not the other)', async () => {
    const a = new nn.BatchNorm1d(3).eval(), b = new nn.BatchNorm1d(3, { trackRunningStats: false }).eval();
    await rejects([a, b], [new nn.Linear(3, 2), new nn.Linear(3, 2)], /member 1 \(BatchNorm1d\) has different buffer names than member 0: missing running_mean, running_var, num_batches_tracked/);
  });
});
