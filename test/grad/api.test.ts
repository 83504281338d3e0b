// grad, valueAndGrad and vjp: argnums, hasAux, pytrees, higher derivatives, tracing, and their errors.

import { describe, expect, it } from 'vitest';
import { GradError, Tensor } from '../../index.js';
import { grad, valueAndGrad, vjp } from '../../compiler/func/grad.js';
import { applyGraph, traceFunction } from '../../compiler/trace/trace-fn.js';
import { expectClose } from '../helpers/assert.js';

const t = (v: number[]): Tensor => Tensor.tensor(v, 'f64');

describe('grad', () => {
  it('argnums: an int gives one gradient, negative counts from the end, an array gives a tuple', () => {
    const f = (a: Tensor, b: Tensor): Tensor => a.mul(b).sum();
    const a = t([1, 2]), b = t([3, 4]);
    expect(grad(f)(a, b).toArray()).toEqual([3, 4]);
    expect(grad(f, { argnums: -1 })(a, b).toArray()).toEqual([1, 2]);
    const [ga, gb] = grad(f, { argnums: [1, 0] })(a, b);
    expect(ga.toArray()).toEqual([1, 2]);
    expect(gb.toArray()).toEqual([3, 4]);
  });

  it('records and arrays of tensors give gradients of the same structure', () => {
    const f = (p: { w: Tensor; bs: Tensor[] }, x: Tensor): Tensor => p.w.mul(x).sum().add(p.bs[0]!.mul(p.bs[1]!).sum());
    const g = grad(f)({ w: t([1, 1]), bs: [t([2]), t([5])] }, t([7, 8]));
    expect(g.w.toArray()).toEqual([7, 8]);
    expect(g.bs.map((x) => x.toArray())).toEqual([[5], [2]]);
  });

  it('hasAux returns [gradients, aux]; valueAndGrad returns [value, gradients]', () => {
    const f = (x: Tensor): [Tensor, { sq: Tensor }] => [x.mul(x).sum(), { sq: x.mul(x) }];
    const [g, aux] = grad(f, { hasAux: true })(t([1, 3]));
    expect(g.toArray()).toEqual([2, 6]);
    expect(aux.sq.toArray()).toEqual([1, 9]);
    const [[v, aux2], g2] = valueAndGrad(f, { hasAux: true })(t([1, 3]));
    expect(v.item()).toBe(10);
    expect(aux2.sq.toArray()).toEqual([1, 9]);
    expect(g2.toArray()).toEqual([2, 6]);
    const [v3, g3] = valueAndGrad((x: Tensor) => x.exp().sum())(t([0]));
    expect(v3.item()).toBe(1);
    expect(g3.toArray()).toEqual([1]);
  });

  it('nests for higher derivatives', () => {
    const f = (x: Tensor): Tensor => x.sin().sum();
    const d2 = grad((x: Tensor) => grad(f)(x).sum())(t([0.3, 1.1]));
    expectClose(d2, t([-Math.sin(0.3), -Math.sin(1.1)]), 1e-12, 1e-12);
    const d3 = grad((x: Tensor) => grad((y: Tensor) => grad(f)(y).sum())(x).sum())(t([0.3]));
    expectClose(d3, t([-Math.cos(0.3)]), 1e-12, 1e-12);
  });

  it('closed-over tensors are constants; a differentiated input the output ignores gets zeros', () => {
    const c = t([2, 3]);
    const g = grad((x: Tensor, unused: Tensor) => x.mul(c).sum(), { argnums: [0, 1] })(t([1, 1]), t([5]));
    expect(g[0].toArray()).toEqual([2, 3]);
    expect(g[1].toArray()).toEqual([0]);
  });

  it('traces into a pure graph: tracing grad and replaying the graph equals running it eagerly', () => {
    const f = (w: Tensor, x: Tensor): Tensor => x.matmul(w).tanh().sum();
    const w = Tensor.randn([3, 2]), x = Tensor.randn([4, 3]);
    const traced = traceFunction('step', [{ name: 'w', shape: [3, 2], dtype: 'f32' }, { name: 'x', shape: [4, 3], dtype: 'f32' }], ([ws, xs]) => grad(f)(ws!, xs!));
    expect(traced.captures).toHaveLength(0);
    const [replayed] = applyGraph(traced.graph, [w, x]);
    expectClose(replayed!, grad(f)(w, x), 1e-6, 1e-7);
  });

  it('errors name the problem', () => {
    const x = t([1, 2]);
    expect(() => grad((a: Tensor) => a.mul(2))(x)).toThrow(/scalar Tensor, got f64\[2\]/);
    expect(() => grad((a: Tensor) => a.sum(), { argnums: 1 })(x)).toThrow(/argnums=1/);
    expect(() => grad((a: Tensor, b: Tensor) => a.sum().add(b.sum()), { argnums: [0, 0] })(x, x)).toThrow(/unique/);
    expect(() => grad((a: Tensor) => a.sum())(Tensor.tensor([1, 2], 'i64'))).toThrow(/only floating-point tensors/);
    expect(() => grad((p: { n: number; w: Tensor }) => p.w.sum())({ n: 3, w: x })).toThrow(/at 0\.n is number/);
    expect(() => grad((a: Tensor) => [a.sum()] as unknown as Tensor)(x)).toThrow(GradError);
    expect(() => grad((a: Tensor) => a.sum() as unknown as [Tensor, Tensor], { hasAux: true } as never)(x)).toThrow(/\[output, aux\]/);
  });
});

describe('vjp', () => {
  it('returns the output and a function of cotangents giving one gradient per primal', () => {
    const f = (a: Tensor, b: Tensor): { s: Tensor; p: Tensor } => ({ s: a.add(b), p: a.mul(b) });
    const a = t([1, 2]), b = t([3, 5]);
    const [out, back] = vjp(f, [a, b]);
    expect(out.p.toArray()).toEqual([3, 10]);
    const [ga, gb] = back({ s: t([1, 1]), p: t([10, 100]) });
    expect(ga.toArray()).toEqual([1 + 30, 1 + 500]);
    expect(gb.toArray()).toEqual([1 + 10, 1 + 200]);
  });

  it('hasAux puts aux third; cotangents must match the output', () => {
    const [out, back, aux] = vjp((x: Tensor): [Tensor, Tensor] => [x.exp(), x.neg()], [t([0, 1])], { hasAux: true });
    expect(aux.toArray()).toEqual([-0, -1]);
    expectClose(back(out)[0], t([1, Math.E ** 2]), 1e-12, 1e-12);
    expect(() => back(t([1]))).toThrow(/shape \[2\]/);
    expect(() => back([t([1, 1])] as unknown as Tensor)).toThrow(/structure/);
  });
});
