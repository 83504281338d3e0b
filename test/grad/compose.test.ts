// grad composed with vmap in both orders: per-member gradients, per-sample gradients, grad of a vmapped loss.

import { describe, expect, it } from 'vitest';
import { F, functionalCall, nn, stackModuleState, Tensor, vmap } from '../../index.js';
import { grad, valueAndGrad, vjp } from '../../compiler/func/grad.js';
import { withInitSeed } from '../../compiler/nn/init.js';
import { Generator } from '../../runtime/rng.js';
import { expectClose } from '../helpers/assert.js';

type Dict = Record<string, Tensor>;
const gen = new Generator(2024);

class Mlp extends nn.Module {
  a = new nn.Linear(5, 7);
  b = new nn.Linear(7, 3);
  forward(x: Tensor): Tensor {
    return this.b.forward(F.gelu(this.a.forward(x)));
  }
}

class TinyCnn extends nn.Module {
  conv = new nn.Conv2d(2, 4, 3, { stride: 1, padding: 1 });
  pool = new nn.MaxPool2d(2);
  avg = new nn.AvgPool2d(2, { stride: 1 });
  fc = new nn.Linear(4, 3);
  forward(x: Tensor): Tensor {
    const h = this.avg.forward(this.pool.forward(this.conv.forward(x).relu()));
    return this.fc.forward(h.mean([2, 3]));
  }
}

const M = 3;
function ensemble<T extends nn.Module>(make: () => T): { models: T[]; params: Dict } {
  const models = Array.from({ length: M }, (_, i) => withInitSeed(40 + i, make));
  return { models, params: stackModuleState(models).params };
}
const row = (t: Tensor, i: number): Tensor => t.select(0, i);
const paramsOf = (m: nn.Module): Dict => Object.fromEntries(m.namedParameters());

describe('vmap(grad(f)): per-member gradients', () => {
  it('equals a loop of grads for an MLP with cross-entropy', () => {
    const { models, params } = ensemble(() => new Mlp());
    const loss = (p: Dict, x: Tensor, y: Tensor): Tensor => F.crossEntropy(functionalCall(models[0]!, p, [x]), y);
    const x = Tensor.randn([M, 6, 5], { generator: gen });
    const y = Tensor.randint(0, 3, [M, 6], { generator: gen });
    const grads = vmap(grad(loss))(params, x, y);
    models.forEach((m, i) => {
      const g = grad(loss)(paramsOf(m), row(x, i), row(y, i));
      for (const name of Object.keys(g)) expectClose(row(grads[name]!, i), g[name]!, 1e-5, 1e-6);
    });
  });

  it('equals a loop for a conv net with max and avg pooling, shared input', () => {
    const { models, params } = ensemble(() => new TinyCnn());
    const loss = (p: Dict, x: Tensor, y: Tensor): Tensor => F.crossEntropy(functionalCall(models[0]!, p, [x]), y);
    const x = Tensor.randn([2, 2, 6, 6], { generator: gen });
    const y = Tensor.tensor([0, 2], 'i64');
    const grads = vmap(grad(loss), [0, null, null])(params, x, y);
    models.forEach((m, i) => {
      const g = grad(loss)(paramsOf(m), x, y);
      for (const name of Object.keys(g)) expectClose(row(grads[name]!, i), g[name]!, 1e-4, 1e-6);
    });
  });

  it('argnums [0, 1]: gradients for params and inputs, per member', () => {
    const { models, params } = ensemble(() => new Mlp());
    const loss = (p: Dict, x: Tensor): Tensor => functionalCall<Tensor>(models[0]!, p, [x]).tanh().sum();
    const x = Tensor.randn([M, 4, 5], { generator: gen });
    const [gp, gx] = vmap(grad(loss, { argnums: [0, 1] }))(params, x);
    expect(gx.shape).toEqual([M, 4, 5]);
    models.forEach((m, i) => {
      const [p1, x1] = grad(loss, { argnums: [0, 1] })(paramsOf(m), row(x, i));
      expectClose(row(gx, i), x1, 1e-5, 1e-6);
      expectClose(row(gp['a.weight']!, i), p1['a.weight']!, 1e-5, 1e-6);
    });
  });
});

describe('grad of a function that uses vmap inside', () => {
  it('the gradient of the summed ensemble loss is the stacked per-member gradients', () => {
    const { models, params } = ensemble(() => new Mlp());
    const loss = (p: Dict, x: Tensor, y: Tensor): Tensor => F.crossEntropy(functionalCall(models[0]!, p, [x]), y);
    const x = Tensor.randn([M, 6, 5], { generator: gen });
    const y = Tensor.randint(0, 3, [M, 6], { generator: gen });
    const total = (p: Dict): Tensor => vmap(loss)(p, x, y).sum();
    const [value, g] = valueAndGrad(total)(params);
    const perMember = vmap(grad(loss))(params, x, y);
    expectClose(value, vmap(loss)(params, x, y).sum(), 1e-6, 1e-6);
    for (const name of Object.keys(params)) expectClose(g[name]!, perMember[name]!, 1e-5, 1e-6);
  });

  it('an ensemble-mean prediction loss couples the members', () => {
    const { models, params } = ensemble(() => new Mlp());
    const x = Tensor.randn([4, 5], { generator: gen });
    const y = Tensor.tensor([0, 1, 2, 1], 'i64');
    const ensembleLoss = (p: Dict): Tensor => F.crossEntropy(vmap((pi: Dict) => functionalCall<Tensor>(models[0]!, pi, [x]))(p).mean(0), y);
    const g = grad(ensembleLoss)(params);
    // Central differences on one weight of member 1.
    const w = params['b.weight']!;
    const h = 1e-2;
    const bump = (d: number): Dict => {
      const data = Float64Array.from(w.toArray());
      data[1 * 21 + 4] += d;
      return { ...params, 'b.weight': Tensor.fromArray(data, w.shape, 'f32') };
    };
    const numeric = (ensembleLoss(bump(h)).item() - ensembleLoss(bump(-h)).item()) / (2 * h);
    expect(g['b.weight']!.toArray()[1 * 21 + 4]).toBeCloseTo(numeric, 3);
  });
});

describe('per-sample gradients', () => {
  it('vmap(grad, in_dims [null, 0, 0]) over samples equals a loop over samples', () => {
    const model = withInitSeed(3, () => new Mlp());
    const params = paramsOf(model);
    const lossOne = (p: Dict, x: Tensor, y: Tensor): Tensor => F.crossEntropy(functionalCall(model, p, [x.unsqueeze(0)]), y.unsqueeze(0));
    const x = Tensor.randn([5, 5], { generator: gen });
    const y = Tensor.randint(0, 3, [5], { generator: gen });
    const per = vmap(grad(lossOne), [null, 0, 0])(params, x, y);
    for (let s = 0; s < 5; s++) {
      const g = grad(lossOne)(params, row(x, s), row(y, s));
      for (const name of Object.keys(g)) expectClose(row(per[name]!, s), g[name]!, 1e-5, 1e-6);
    }
    // The mean of per-sample gradients is the batch gradient.
    const batch = grad((p: Dict) => F.crossEntropy(functionalCall(model, p, [x]), y))(params);
    for (const name of Object.keys(batch)) expectClose(per[name]!.mean(0), batch[name]!, 1e-5, 1e-6);
  });

  it('per member and per sample: vmap(vmap(grad)) gives [M, N, ...] gradients', () => {
    const { models, params } = ensemble(() => new Mlp());
    const lossOne = (p: Dict, x: Tensor, y: Tensor): Tensor => F.crossEntropy(functionalCall(models[0]!, p, [x.unsqueeze(0)]), y.unsqueeze(0));
    const x = Tensor.randn([4, 5], { generator: gen });
    const y = Tensor.randint(0, 3, [4], { generator: gen });
    const per = vmap(vmap(grad(lossOne), [null, 0, 0]), [0, null, null])(params, x, y);
    expect(per['a.weight']!.shape).toEqual([M, 4, 7, 5]);
    const g = grad(lossOne)(paramsOf(models[2]!), row(x, 3), row(y, 3));
    expectClose(row(row(per['a.weight']!, 2), 3), g['a.weight']!, 1e-5, 1e-6);
  });
});

describe('dropout under vmap(grad) with randomness different', () => {
  it('each member gets its own mask, and the gradient treats that mask as a constant', () => {
    const p = 0.5;
    const f = (w: Tensor, x: Tensor): [Tensor, Tensor] => {
      const y = F.dropout(x.mul(w), p, true);
      return [y.sum(), y];
    };
    const w = Tensor.randn([M, 16], { generator: gen });
    const x = Tensor.randn([16], { generator: gen }).abs().add(0.1);
    const [g, y] = vmap(grad(f, { hasAux: true }), [0, null], 0, { randomness: 'different' })(w, x);
    const kept = y.ne(0);
    expectClose(g, kept.mul(x).div(1 - p), 1e-6, 1e-7);
    expect(row(kept, 0).toArray()).not.toEqual(row(kept, 1).toArray());
  });

  it('vjp reuses the forward draw', () => {
    const x = Tensor.randn([32], { generator: gen });
    const [out, back] = vjp((t: Tensor) => F.dropout(t, 0.5, true), [x]);
    const [gx] = back(Tensor.ones([32]));
    expect(gx.ne(0).toArray()).toEqual(out.ne(0).toArray());
  });
});
