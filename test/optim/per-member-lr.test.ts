// Per-member learning rates: equal members on equal data diverge by lr, each matching a single-model run at its lr.

import { describe, expect, it } from 'vitest';
import { F, functionalCall, nn, stackModuleState, Tensor, vmap } from '../../index.js';
import { grad } from '../../compiler/func/grad.js';
import { withInitSeed } from '../../compiler/nn/init.js';
import { adam, adamInit, sgd, sgdInit, type AdamState, type SGDState } from '../../compiler/optim/index.js';
import { Generator } from '../../runtime/rng.js';
import { expectClose } from '../helpers/assert.js';

type Dict = Record<string, Tensor>;

class Net extends nn.Module {
  a = new nn.Linear(4, 8);
  b = new nn.Linear(8, 3);
  forward(x: Tensor): Tensor {
    return this.b.forward(this.a.forward(x).tanh());
  }
}

const LRS = [1e-3, 3e-2, 0.3];
const STEPS = 4;
const gen = new Generator(77);
const model = withInitSeed(5, () => new Net());
const x = Tensor.randn([16, 4], { generator: gen });
const y = Tensor.randint(0, 3, [16], { generator: gen });
const loss = (p: Dict, xb: Tensor, yb: Tensor): Tensor => F.crossEntropy(functionalCall(model, p, [xb]), yb);

describe('per-member learning rates', () => {
  for (const kind of ['adam', 'sgd'] as const) {
    it(`${kind}: members with equal init and data end up different, each equal to a single-model run at its lr`, () => {
      const { params: stacked } = stackModuleState(LRS.map(() => model));
      const opts = kind === 'adam' ? {} : { momentum: 0.9 };
      let p = stacked;
      let s: AdamState | SGDState = kind === 'adam' ? adamInit(p) : sgdInit(p, { lr: LRS, ...opts });
      for (let k = 0; k < STEPS; k++) {
        const g = vmap(grad(loss), [0, null, null])(p, x, y);
        ({ params: p, state: s } = kind === 'adam' ? adam(p, g, s as AdamState, { lr: LRS }) : sgd(p, g, s as SGDState, { lr: LRS, ...opts }));
      }
      LRS.forEach((lr, i) => {
        let q: Dict = Object.fromEntries(model.namedParameters());
        let t: AdamState | SGDState = kind === 'adam' ? adamInit(q) : sgdInit(q, { lr, ...opts });
        for (let k = 0; k < STEPS; k++) {
          const g = grad(loss)(q, x, y);
          ({ params: q, state: t } = kind === 'adam' ? adam(q, g, t as AdamState, { lr }) : sgd(q, g, t as SGDState, { lr, ...opts }));
        }
        for (const name of Object.keys(q)) expectClose(p[name]!.select(0, i), q[name]!, 1e-5, 1e-6);
      });
      const w = p['a.weight']!;
      expect(w.select(0, 0).toArray()).not.toEqual(w.select(0, 1).toArray());
      expect(w.select(0, 1).toArray()).not.toEqual(w.select(0, 2).toArray());
    });
  }
});
