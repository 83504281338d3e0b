// jvp, linearize, jacrev, jacfwd and hessian: values, pytree structure as torch.func gives it, argnums, hasAux.

import { describe, expect, it } from 'vitest';
import { F, grad, manualSeed, hessian, jacfwd, jacrev, jvp, linearize, Tensor, vjp, vmap } from '../../index.js';
import * as ops from '../../compiler/trace/ops.js';
import { applyGraph, traceFunction } from '../../compiler/trace/trace-fn.js';
import { expectClose } from '../helpers/assert.js';

const t = (v: number[], shape?: number[]): Tensor => Tensor.fromArray(Float64Array.from(v), shape ?? [v.length], 'f64');
const diag = (v: number[]): Tensor => t(v.flatMap((x, i) => v.map((_, j) => (i === j ? x : 0))), [v.length, v.length]);

describe('jvp', () => {
  it('returns [output, J t] for several primals, pytrees and several outputs', () => {
    const f = (p: { w: Tensor; b: Tensor }, x: Tensor): [Tensor, { s: Tensor }] => [x.mul(p.w).add(p.b).sin(), { s: x.mul(x).sum() }];
    const p = { w: t([1, 2]), b: t([0.5, -0.5]) }, x = t([0.3, 0.7]);
    const tp = { w: t([1, 0]), b: t([0, 1]) }, tx = t([2, 3]);
    const [out, tan] = jvp(f, [p, x], [tp, tx]);
    const z = [0.3 * 1 + 0.5, 0.7 * 2 - 0.5];
    expectClose(out[0], t(z.map(Math.sin)), 1e-12, 1e-12);
    // d sin(x w + b) = cos(.) (tx w + x tw + tb)
    expectClose(tan[0], t([Math.cos(z[0]!) * (2 * 1 + 0.3 * 1 + 0), Math.cos(z[1]!) * (3 * 2 + 0 + 1)]), 1e-12, 1e-12);
    expectClose(tan[1].s, t([2 * 0.3 * 2 + 2 * 0.7 * 3]).reshape([]), 1e-12, 1e-12);
  });

  it('hasAux returns [output, jvpOut, aux]; aux is not differentiated', () => {
    const [out, tan, aux] = jvp((x: Tensor): [Tensor, Tensor] => [x.exp(), x.mul(10)], [t([0, 1])], [t([1, 1])], { hasAux: true });
    expectClose(out, t([1, Math.E]), 1e-12);
    expectClose(tan, t([1, Math.E]), 1e-12);
    expect(aux.toArray()).toEqual([0, 10]);
  });

  it('integer outputs get zero tangents of their dtype, as torch.func.jvp', () => {
    const [idx, tan] = jvp((x: Tensor) => x.argmax(), [t([1, 5, 2])], [t([1, 1, 1])]);
    expect(idx.item()).toBe(1);
    expect(tan.dtype).toBe(idx.dtype);
    expect(tan.item()).toBe(0);
  });

  it('an f32 primal with an f64 tangent: the tangent is converted to f32', () => {
    const [, tan] = jvp((x: Tensor) => x.mul(x), [Tensor.tensor([3])], [t([1])]);
    expect(tan.dtype).toBe('f32');
    expect(tan.toArray()).toEqual([6]);
  });

  it('jvp(grad(f)) is a Hessian-vector product; jvp agrees with vjp: <u, J t> = <J^T u, t>', () => {
    const f = (x: Tensor): Tensor => x.mul(x).mul(x).sum().add(x.sum());
    const x = t([1, 2, 3]), v = t([1, 0, 2]);
    const [, hvp] = jvp(grad(f), [x], [v]);
    expectClose(hvp, t([6 * 1 * 1, 0, 6 * 3 * 2]), 1e-12, 1e-12);
    const g = (a: Tensor): Tensor => a.tanh().matmul(t([1, 2, 3, 4, 5, 6], [3, 2]));
    const [y, tan] = jvp(g, [x], [v]);
    const [, back] = vjp(g, [x]);
    const u = t([0.5, -1]);
    const [gu] = back(u);
    expect(y.shape).toEqual([2]);
    expect(tan.mul(u).sum().item()).toBeCloseTo(gu.mul(v).sum().item(), 12);
  });

  it('traces: jvp inside a traced function replays to the eager values', () => {
    const f = (x: Tensor, v: Tensor): Tensor[] => jvp((a: Tensor) => a.sigmoid().mul(a), [x], [v]);
    const x = t([0.1, -2]), v = t([1, 3]);
    const traced = traceFunction('jvp', [{ name: 'x', shape: [2], dtype: 'f64' }, { name: 'v', shape: [2], dtype: 'f64' }], (ins) => f(ins[0]!, ins[1]!));
    const replay = applyGraph(traced.graph, [x, v]);
    const eager = f(x, v);
    replay.forEach((r, i) => expectClose(r, eager[i]!, 0, 0));
  });
});

describe('linearize', () => {
  it('returns the output once and a jvpFn equal to jvp at the same primals, vmappable', () => {
    const f = (p: { w: Tensor }, x: Tensor): Tensor => x.matmul(p.w).tanh();
    const p = { w: t([1, -1, 0.5, 2, 0, 1], [3, 2]) }, x = t([0.2, 0.4, -0.1, 1, 0, 0.3], [2, 3]);
    const [out, jvpFn] = linearize(f, p, x);
    expectClose(out, f(p, x), 0, 0);
    const tp = { w: t([1, 2, 3, 4, 5, 6], [3, 2]) }, tx = t([0, 1, 0, 1, 0, 1], [2, 3]);
    expectClose(jvpFn(tp, tx), jvp(f, [p, x], [tp, tx])[1], 1e-12, 1e-12);
    const many = vmap(jvpFn)({ w: ops.stack([tp.w, tp.w.mul(2)]) }, ops.stack([tx, tx]));
    expect(many.shape).toEqual([2, 2, 2]);
    expectClose(many.select(0, 1), jvp(f, [p, x], [{ w: tp.w.mul(2) }, tx])[1], 1e-12, 1e-12);
  });
});

describe('jacrev and jacfwd', () => {
  // The two differ only in options these tests do not pass, so one signature serves both.
  const JACS = [jacrev, jacfwd as unknown as typeof jacrev];
  const xs = [0.3, -1.2, 2];

  it('jacrev(sin) and jacfwd(sin) are diag(cos x); vmap gives one per row', () => {
    for (const jac of JACS) {
      const J = jac((x: Tensor) => x.sin())(t(xs));
      expectClose(J, diag(xs.map(Math.cos)), 1e-12, 1e-12);
      const batched = vmap(jac((x: Tensor) => x.sin()))(t([...xs, ...xs.map((v) => v * 2)], [2, 3]));
      expect(batched.shape).toEqual([2, 3, 3]);
      expectClose(batched.select(0, 1), diag(xs.map((v) => Math.cos(2 * v))), 1e-12, 1e-12);
    }
  });

  it('argnums: an int gives the argument structure, an array a tuple, negative counts from the end', () => {
    const f = (x: Tensor, y: Tensor): Tensor => x.add(y.mul(y));
    const x = t([1, 2]), y = t([3, 4]);
    for (const jac of JACS) {
      expectClose(jac(f, 1)(x, y), diag([6, 8]), 0, 0);
      expectClose(jac(f, -1)(x, y), diag([6, 8]), 0, 0);
      const [jx, jy] = jac(f, [0, 1])(x, y);
      expectClose(jx, diag([1, 1]), 0, 0);
      expectClose(jy, diag([6, 8]), 0, 0);
    }
  });

  it('pytrees: output structure outside, input structure inside, leaves [...out.shape, ...in.shape]', () => {
    const f = (p: { w: Tensor; b: Tensor }, x: Tensor): { y: Tensor; s: Tensor } => {
      const y = x.matmul(p.w).add(p.b);
      return { y, s: y.sum() };
    };
    const p = { w: t([1, 2, 3, 4, 5, 6], [3, 2]), b: t([0.5, -0.5]) }, x = t([1, 0, 2, 0, 1, 1], [2, 3]);
    const rev = jacrev(f)(p, x), fwd = jacfwd(f)(p, x);
    expect(Object.keys(rev)).toEqual(['y', 's']);
    expect(Object.keys(rev.y)).toEqual(['w', 'b']);
    expect(rev.y.w.shape).toEqual([2, 2, 3, 2]);
    expect(rev.y.b.shape).toEqual([2, 2, 2]);
    expect(rev.s.w.shape).toEqual([3, 2]);
    expect(rev.s.b.shape).toEqual([2]);
    for (const o of ['y', 's'] as const) for (const i of ['w', 'b'] as const) expectClose(fwd[o][i], rev[o][i], 1e-12, 1e-12);
    // d y[n, j] / d b[k] = [j == k]; d s / d w = column sums of x.
    expectClose(rev.y.b, t([1, 0, 0, 1, 1, 0, 0, 1], [2, 2, 2]), 0, 0);
    expectClose(rev.s.w, t([1, 1, 1, 1, 3, 3], [3, 2]), 0, 0);
    // arrays of outputs and arrays of argnums nest the same way.
    const both = jacrev((a: Tensor, b: Tensor) => [a.mul(b), a.sum()], [0, 1])(t([1, 2]), t([3, 4]));
    expect(both.length).toBe(2);
    expectClose(both[0]![1], diag([1, 2]), 0, 0);
    expectClose(both[1]![0], t([1, 1]), 0, 0);
  });

  it('hasAux returns [jacobian, aux] with aux computed as f computes it', () => {
    const f = (x: Tensor): [Tensor, { n: Tensor }] => [x.mul(x), { n: x.sum() }];
    for (const jac of JACS) {
      const [J, aux] = jac(f, 0, { hasAux: true })(t([1, 2]));
      expectClose(J, diag([2, 4]), 0, 0);
      expect(aux.n.item()).toBe(3);
      expect(aux.n.shape).toEqual([]);
    }
  });

  it('jacrev chunkSize gives the same Jacobian in chunks (1: a row at a time)', () => {
    const f = (x: Tensor): Tensor => x.matmul(t([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3])).tanh();
    const full = jacrev(f)(t(xs));
    for (const chunkSize of [1, 2]) expectClose(jacrev(f, 0, { chunkSize })(t(xs)), full, 0, 0);
  });

  it('jacfwd randomness: a dropout mask under "same" is one draw for every column', () => {
    manualSeed(1);
    const f = (x: Tensor): Tensor => F.dropout(x, 0.5, true);
    const J = jacfwd(f, 0, { randomness: 'same' })(t([1, 2, 3, 4, 5, 6, 7, 8]));
    const d = J.toArray();
    // diagonal 0 or 1/(1-p) = 2 (one mask, dropped or kept), zero elsewhere
    for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) expect(i === j ? [0, 2] : [0]).toContain(d[i * 8 + j]);
    const kept = Array.from({ length: 8 }, (_, i) => d[i * 9]);
    expect(new Set(kept).size, 'some kept and some dropped').toBe(2);
    const [, jvpOut] = jvp(f, [t([1, 2, 3, 4, 5, 6, 7, 8])], [t([1, 1, 1, 1, 1, 1, 1, 1])]);
    expect(jvpOut.toArray().every((v) => v === 0 || v === 2)).toBe(true);
    expect(() => jacfwd(f)(t([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow("randomness='error'");
  });
});

describe('hessian', () => {
  it('is jacfwd(jacrev): the Hessian of sum(sin x) is diag(-sin x); of a dict, a dict of dicts', () => {
    expectClose(hessian((x: Tensor) => x.sin().sum())(t(xs0())), diag(xs0().map((v) => -Math.sin(v))), 1e-12, 1e-12);
    const f = (p: { a: Tensor; b: Tensor }): Tensor => p.a.mul(p.b).sum().mul(p.a.sum());
    const H = hessian(f)({ a: t([1, 2]), b: t([3, 4, 5].slice(0, 2)) });
    expect(Object.keys(H)).toEqual(['a', 'b']);
    expect(Object.keys(H.a)).toEqual(['a', 'b']);
    // f = (a.b)(sum a): d2f/da_i da_j = b_i + b_j; d2f/da_i db_j = [i==j] sum(a) + a_j
    expectClose(H.a.a, t([6, 7, 7, 8], [2, 2]), 1e-12, 1e-12);
    expectClose(H.a.b, t([3 + 1, 2, 1, 3 + 2], [2, 2]), 1e-12, 1e-12);
    expectClose(H.b.b, t([0, 0, 0, 0], [2, 2]), 0, 0);
    expectClose(hessian(f)({ a: t([1, 2]), b: t([3, 4]) }).b.a, t([4, 1, 2, 5], [2, 2]), 1e-12, 1e-12);
  });
});

function xs0(): number[] {
  return [0.5, -1, 2.5];
}

describe('compositions beyond the PyTorch cases', () => {
  const f = (x: Tensor): Tensor => x.sin().mul(x.exp()).sum();
  const x = t([0.2, -0.4, 0.9]);

  it('the four Hessians agree: jacfwd(jacrev), jacrev(jacrev), jacfwd(jacfwd), jacrev(jacfwd)', () => {
    const H = hessian(f)(x);
    expectClose(jacrev(jacrev(f))(x), H, 1e-12, 1e-12);
    expectClose(jacfwd(jacfwd(f))(x), H, 1e-12, 1e-12);
    expectClose(jacrev(jacfwd(f))(x), H, 1e-12, 1e-12);
    // d2/dx2 sin(x) e^x = 2 cos(x) e^x on the diagonal
    expectClose(H, diag([0.2, -0.4, 0.9].map((v) => 2 * Math.cos(v) * Math.exp(v))), 1e-12, 1e-12);
  });

  it('reverse over forward: grad of a jvp is a Hessian-vector product too', () => {
    const v = t([1, 2, -1]);
    const hvpRev = grad((y: Tensor) => jvp(f, [y], [v])[1])(x);
    const [, hvpFwd] = jvp(grad(f), [x], [v]);
    expectClose(hvpRev, hvpFwd, 1e-12, 1e-12);
    expectClose(hvpFwd, hessian(f)(x).matmul(v), 1e-12, 1e-12);
  });

  it('jvp of a vmapped function equals vmap of the jvp; jvp of jvp gives second directional derivatives', () => {
    const g = (a: Tensor): Tensor => a.tanh().mul(a);
    const xs = t([0.1, 0.2, 0.3, -1, 0, 2], [2, 3]), ts = t([1, 0, 1, 0.5, 0.5, 0.5], [2, 3]);
    expectClose(jvp(vmap(g), [xs], [ts])[1], vmap((a: Tensor, b: Tensor) => jvp(g, [a], [b])[1])(xs, ts), 1e-12, 1e-12);
    const v = t([1, 1, 1]);
    const [, second] = jvp((y: Tensor) => jvp(f, [y], [v])[1], [x], [v]);
    expectClose(second, hessian(f)(x).matmul(v).mul(v).sum(), 1e-12, 1e-12);
  });

  it('grad of a Jacobian norm, and third derivatives: jacfwd(hessian)', () => {
    const xs = [0.2, -0.4, 0.9];
    const dg = (v: number): number => Math.exp(v) * (Math.sin(v) + Math.cos(v)); // d/dx sin(x) e^x
    const d2g = (v: number): number => 2 * Math.cos(v) * Math.exp(v);
    const d3g = (v: number): number => 2 * Math.exp(v) * (Math.cos(v) - Math.sin(v));
    expectClose(grad((y: Tensor) => jacrev(f)(y).mul(jacrev(f)(y)).sum())(x), t(xs.map((v) => 2 * dg(v) * d2g(v))), 1e-12, 1e-12);
    const T = jacfwd(hessian(f))(x);
    expect(T.shape).toEqual([3, 3, 3]);
    xs.forEach((v, i) => expect(T.toArray()[i * 9 + i * 3 + i]).toBeCloseTo(d3g(v), 12));
    expect(T.toArray().filter((_, k) => k % 13 !== 0).every((e) => e === 0)).toBe(true);
  });
});
