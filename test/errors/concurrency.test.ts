// Ten overlapping run() calls on one compiled ensemble give what ten sequential ones give, on every target (row C01).

import { describe, expect, it } from 'vitest';
import { compile, F, functionalCall, manualSeed, nn, stackModuleState, Tensor, vmap } from '../../index.js';
import type { CompileTarget } from '../../compiler/compile.js';
import { expectClose } from '../helpers/assert.js';
import { runTargets, snapshot } from './helpers.js';

type Dict = Record<string, Tensor>;

function ensemble() {
  manualSeed(21);
  const make = () => new nn.Sequential(new nn.Linear(6, 32), new nn.ReLU(), new nn.Linear(32, 5)).eval();
  const models = Array.from({ length: 7 }, make);
  const { params, buffers } = stackModuleState(models);
  const other = stackModuleState(Array.from({ length: 7 }, make)).params;
  const f = vmap((p: Dict, b: Dict, x: Tensor) => F.logSoftmax(functionalCall<Tensor>(models[0]!, [p, b], [x]), -1), [0, 0, null]);
  const xs = Array.from({ length: 10 }, () => Tensor.randn([9, 6]));
  return { f, params, other, buffers, xs };
}

for (const target of runTargets()) {
  describe(`overlapping runs on ${target}`, () => {
    it('C01 ten overlapping runs equal ten sequential runs, and no buffer is corrupted', async () => {
      const e = ensemble();
      // Even calls upload new parameters too, so overlapping calls also race on the parameters' buffers.
      const argsOf = (i: number): [Dict | undefined, Dict | undefined, Tensor] => [i % 2 ? e.params : e.other, e.buffers, e.xs[i]!];
      const inputsBefore = snapshot([...e.xs, ...Object.values(e.params), ...Object.values(e.other)]);
      const c = await compile(e.f, { target: target as CompileTarget, example: [e.params, e.buffers, e.xs[0]!] });
      try {
        const sequential: number[][] = [];
        for (let i = 0; i < 10; i++) sequential.push((await c.run(...argsOf(i))).toArray());
        const overlapping = await Promise.all(Array.from({ length: 10 }, (_, i) => c.run(...argsOf(i))));
        overlapping.forEach((r, i) => expect(r.toArray(), `call ${i}`).toEqual(sequential[i]));
        // And each equals the CPU reference, so the sequential runs were right too.
        sequential.forEach((r, i) => expectClose(r, e.f(...(argsOf(i) as [Dict, Dict, Tensor])).toArray(), 1e-4, 1e-5));
        // Nothing was corrupted: the caller's tensors are unchanged and a later run sees the last upload.
        expect(snapshot([...e.xs, ...Object.values(e.params), ...Object.values(e.other)])).toEqual(inputsBefore);
        expect((await c.run(undefined, undefined, e.xs[3]!)).toArray()).toEqual((await c.run(...argsOf(9).slice(0, 2) as [Dict, Dict], e.xs[3]!)).toArray());
      } finally {
        c.destroy();
      }
    });
  });
}
