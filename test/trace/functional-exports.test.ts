// The functional ops exported by name from the package (torch.* style) equal the Tensor methods and trace like them.

import { describe, expect, it } from 'vitest';
import * as vmapc from '../../index.js';
import { Tensor } from '../../index.js';
import { expectClose } from '../helpers/assert.js';

const x = Tensor.tensor([[0.5, -1.5, 2], [3, -0.25, 1]]);
const y = Tensor.tensor([[1, 2, -3], [0.5, 4, -2]]);

describe('top-level functional ops', () => {
  it('unary functions equal the Tensor methods', () => {
    const pos = x.abs().add(0.1);
    for (const name of ['neg', 'abs', 'sign', 'exp', 'tanh', 'erf', 'sigmoid', 'relu', 'sin', 'cos'] as const) expectClose(vmapc[name](x), x[name]());
    for (const name of ['log', 'sqrt', 'rsqrt', 'reciprocal'] as const) expectClose(vmapc[name](pos), pos[name]());
  });

  it('binary functions broadcast and take numbers on either side', () => {
    for (const name of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'lt', 'le', 'gt', 'ge', 'eq', 'ne'] as const) expectClose(vmapc[name](x, y), x[name](y));
    expectClose(vmapc.sub(1, x), x.rsub(1));
    expectClose(vmapc.pow(x.abs(), 2), x.abs().pow(2));
    expectClose(vmapc.clamp(x, -1, 1), x.clamp(-1, 1));
    expect(vmapc.add(x, Tensor.tensor([1, 2, 3])).shape).toEqual([2, 3]);
  });

  it('where, cat, stack, matmul and the reductions, eager and under vmap', () => {
    expect(vmapc.where(x.gt(0), x, 0).tolist()).toEqual([[0.5, 0, 2], [3, 0, 1]]);
    expect(vmapc.cat([x, y], 1).shape).toEqual([2, 6]);
    expect(vmapc.stack([x, y], -1).shape).toEqual([2, 3, 2]);
    expectClose(vmapc.matmul(x, y.t()), x.matmul(y.t()));
    expectClose(vmapc.sum(x, 1), x.sum(1));
    expectClose(vmapc.softmax(x, -1), x.softmax(-1));
    const rows = vmapc.vmap((r: Tensor) => vmapc.where(r.gt(0), r, vmapc.mul(r, 0.1)).sum(), 0)(x);
    expectClose(rows, Tensor.tensor([2.5 - 0.15, 4 - 0.025]));
  });
});
