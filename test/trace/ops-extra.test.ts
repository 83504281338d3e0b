// The issue 13 functional ops with IR ops of their own: PyTorch's defaults, dtype promotion and argument errors.

import { describe, expect, it } from 'vitest';
import { functionalCall, nn, ShapeError, stackModuleState, Tensor, vmap } from '../../index.js';
import * as vmapc from '../../index.js';
import { argmin, cumsum, gather, prod, round, scatterAdd } from '../../index.js';

const ints = Tensor.fromArray(Int32Array.of(1, 2, 3, 4, 5, 6), [2, 3]);
const x = Tensor.tensor([[1.5, -2, 0.25], [4, 0.5, -1]]);

describe('dtypes and defaults, as PyTorch', () => {
  it('floor, ceil and round keep integer tensors; log1p and expm1 promote them to f32', () => {
    expect(ints.floor()).toBe(ints);
    expect(ints.round().dtype).toBe('i32');
    expect(ints.log1p().dtype).toBe('f32');
    expect(ints.expm1().dtype).toBe('f32');
    expect(ints.log1p().toArray()[0]).toBeCloseTo(Math.log(2), 6);
  });

  it('prod and cumsum of integers accumulate in i64 unless dtype says otherwise; dtype casts first', () => {
    expect(ints.prod().dtype).toBe('i64');
    expect(ints.prod().item()).toBe(720);
    expect(ints.prod(1, false, 'f32').toArray()).toEqual([6, 120]);
    expect(ints.cumsum(1).dtype).toBe('i64');
    expect(ints.cumsum(0, 'f64').dtype).toBe('f64');
    expect(cumsum(x, -1).toArray()).toEqual([1.5, -0.5, -0.25, 4, 4.5, 3.5]);
    expect(prod(x, 0, true).shape).toEqual([1, 3]);
  });

  it('round takes decimals both ways, as torch (x * 10^d rounded half to even)', () => {
    const v = Tensor.tensor([1.25, 1.35, 1234.5, -0.05]);
    const r1 = round(v, 1).toArray();
    expect(r1.map((a) => Number(a.toFixed(4)))).toEqual([1.2, 1.4, 1234.5, 0]);
    expect(Object.is(r1[3], -0)).toBe(true);
    expect(v.round(-2).toArray()).toEqual([0, 0, 1200, -0]);
  });

  it('min and argmin mirror max and argmax: values only; argmin is i32 and flattens without a dim', () => {
    expect(x.min().item()).toBe(-2);
    expect(x.min(1, true).shape).toEqual([2, 1]);
    expect(x.argmin().item()).toBe(1);
    expect(argmin(x, 0).dtype).toBe('i32');
    expect(argmin(x, 0).toArray()).toEqual([0, 0, 1]);
    const s = Tensor.tensor(2.5);
    expect([s.prod(0).item(), s.prod().item(), s.argmin(-1).item(), s.argmin().item(), s.cumsum(0).item()]).toEqual([2.5, 2.5, 0, 0, 2.5]);
    expect(() => s.prod(1)).toThrow(/prod: dim 1 is out of range for a tensor of rank 1/);
  });

  it('gather and scatter_add accept i32 and i64 indices, an index longer than the axis, and rank 0', () => {
    const idx = Tensor.fromArray(Int32Array.of(2, 2, 0, 1), [1, 4]);
    expect(gather(x, 1, idx).toArray()).toEqual([0.25, 0.25, 1.5, -2]);
    expect(scatterAdd(Tensor.zeros([2, 3]), 1, idx, Tensor.ones([2, 5])).toArray()).toEqual([1, 1, 2, 0, 0, 0]);
    expect(gather(Tensor.tensor(3), 0, Tensor.fromArray(BigInt64Array.of(0n), [])).item()).toBe(3);
  });
});

describe('the functional forms exported by name', () => {
  it('equal the Tensor methods, eager and under vmap', () => {
    for (const name of ['floor', 'ceil', 'round', 'expm1'] as const) expect(vmapc[name](x).toArray()).toEqual(x[name]().toArray());
    expect(vmapc.log1p(x.abs()).toArray()).toEqual(x.abs().log1p().toArray());
    const rows = vmapc.vmap((r: Tensor) => [vmapc.cumsum(r, 0), vmapc.prod(r), vmapc.argmin(r)])(x);
    expect(rows.map((t) => t.toArray())).toEqual([x.cumsum(1).toArray(), x.prod(1).toArray(), x.argmin(1).toArray()]);
  });
});

describe('argument errors name the op, the shapes and the calling module', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['round decimals on integers', () => ints.round(1), /round: decimals is only supported for floating-point tensors, got i32\[2,3\]/],
    ['cumsum dim', () => x.cumsum(2), /cumsum: dim 2 is out of range for a tensor of rank 2/],
    ['gather float index', () => x.gather(1, Tensor.zeros([2, 3])), /gather: index must be an integer tensor \(i64 or i32\), got f32\[2,3\]/],
    ['gather index rank', () => x.gather(1, Tensor.fromArray(Int32Array.of(0), [1])), /gather: index tensor \[1\] must have the same number of dimensions as input tensor \[2, 3\]/],
    ['gather index larger off the dim', () => x.gather(1, Tensor.fromArray(new Int32Array(3), [3, 1])), /gather: size does not match at dimension 0: expected index \[3, 1\] to be smaller than self \[2, 3\] apart from dimension 1/],
    ['gather index out of range (eager)', () => x.gather(0, Tensor.fromArray(Int32Array.of(2, 0, 0), [1, 3])), /gather: index 2 is out of range for axis 0 of size 2/],
    ['scatter_add src dtype', () => x.scatterAdd(0, Tensor.fromArray(new Int32Array(3), [1, 3]), x.double()), /scatter_add: expected self.dtype to be equal to src.dtype, got f32 and f64/],
    ['scatter_add src too small', () => x.scatterAdd(1, Tensor.fromArray(new Int32Array(6), [2, 3]), Tensor.zeros([2, 2])), /scatter_add: expected index \[2, 3\] to be smaller than src \[2, 2\] on every dimension/],
  ];
  for (const [what, fn, message] of cases) {
    it(what, () => {
      expect(fn).toThrow(message);
    });
  }

  it('inside a module, the error names the module path', () => {
    class Picker extends nn.Module {
      l = new nn.Linear(3, 3);
      forward(t: Tensor): Tensor {
        return this.l.forward(t).gather(1, Tensor.fromArray(new Int32Array(4), [4]));
      }
    }
    const members = [new Picker(), new Picker()];
    const { params, buffers } = stackModuleState(members);
    const f = vmap((p: Record<string, Tensor>, b: Record<string, Tensor>, t: Tensor) => functionalCall(members[0]!, [p, b], [t]), [0, 0, null]);
    expect(() => f(params, buffers, Tensor.randn([4, 3]))).toThrow(ShapeError);
    expect(() => f(params, buffers, Tensor.randn([4, 3]))).toThrow(/gather: index tensor \[4\] must have the same number of dimensions as input tensor \[4, 3\] \(in module <root> \(Picker\)/);
  });
});
