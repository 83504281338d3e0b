// Bad-input table, the torch.func transforms jvp, linearize, jacrev, jacfwd and hessian (rows E80-E86).

import { describe, expect, it } from 'vitest';
import { F, GradError, hessian, jacfwd, jacrev, jvp, linearize, Tensor, VmapError } from '../../index.js';
import { innermostTrace } from '../../compiler/trace/trace.js';
import { expectError, snapshot } from './helpers.js';

const x = Tensor.randn([3]);
const y = Tensor.randn([3]);
const params = { w: Tensor.randn([3]), b: Tensor.randn([3]) };
const labels = Tensor.fromArray(BigInt64Array.from([0n, 2n, 1n]), [3]);
const f = (p: { w: Tensor; b: Tensor }, a: Tensor): Tensor => a.mul(p.w).add(p.b).tanh();

/** The call fails with `cls`, leaves its inputs and the trace stack as they were, and good calls still give the right values. */
async function rejects(call: () => unknown, cls: typeof GradError | typeof VmapError, ...patterns: RegExp[]): Promise<void> {
  const before = snapshot([x, y, labels, ...Object.values(params)]);
  const keys = Object.keys(params);
  await expectError(call, cls, ...patterns);
  expect(snapshot([x, y, labels, ...Object.values(params)])).toEqual(before);
  expect(Object.keys(params)).toEqual(keys);
  expect(innermostTrace()).toBeUndefined();
  const [out, tangent] = jvp(f, [params, x], [{ w: Tensor.zeros([3]), b: Tensor.zeros([3]) }, Tensor.ones([3])]);
  const sech2 = out.mul(out).neg().add(1);
  expect(tangent.toArray()).toEqual(sech2.mul(params.w).toArray());
  expect(jacrev((a: Tensor) => f(params, a))(x).shape).toEqual([3, 3]);
}

describe('bad inputs to the torch.func transforms', () => {
  it('E80 non-float primals or tangents', async () => {
    await rejects(() => jvp((a: Tensor) => a.mul(2), [labels], [labels]), GradError, /^jvp\(<anonymous>, primals, tangents\): Expected the primal at 0 to be floating point, but got i64\[3\]/);
    await rejects(() => jvp((a: Tensor) => a.mul(2), [x], [labels]), GradError, /Expected the tangent at 0 to be floating point, but got i64\[3\]/);
    await rejects(() => linearize((a: Tensor) => a.mul(2), labels), GradError, /^linearize\(<anonymous>, \*primals\): Expected the primal at 0 to be floating point/);
    await rejects(() => jacfwd((a: Tensor) => a.mul(2))(labels), GradError, /^jacfwd\(<anonymous>, argnums=0\)\(<inputs>\): the input at 0 is i64\[3\]; only floating-point tensors can be differentiated/);
    await rejects(() => jacrev((a: Tensor) => a.mul(2))(labels), GradError, /^jacrev\(<anonymous>, argnums=0\)\(<inputs>\): the input at 0 is i64\[3\]/);
    // labels in an argument that is not differentiated are fine
    expect(jacrev((a: Tensor, l: Tensor) => F.crossEntropy(a.reshape([1, 3]).expand([3, 3]), l))(x, labels).shape).toEqual([3]);
  });
  it('E81 tangents whose shapes differ from the primals', async () => {
    await rejects(() => jvp(f, [params, x], [params, Tensor.ones([4])]), GradError, /the tangent at 1 has shape \[4\] but its primal has shape \[3\]; a tangent must have the size of its primal/);
    await rejects(() => jvp(f, [params, x], [{ w: Tensor.ones([1, 3]), b: params.b }, x]), GradError, /the tangent at 0\.w has shape \[1, 3\] but its primal has shape \[3\]/);
    const [, jvpFn] = linearize(f, params, x);
    await rejects(() => jvpFn(params, Tensor.ones([2])), GradError, /^linearize\(f, \*primals\) jvpFn\(\*tangents\): the tangent at 1 has shape \[2\]/);
  });
  it('E82 tangents whose structure differs from the primals, or primals that are not an array', async () => {
    await rejects(() => jvp(f, [params, x], [params] as never), GradError, /Expected primals and tangents to have the same structure\. .*Got primals with structure \[\{w: \*, b: \*\}, \*\] and tangents with structure \[\{w: \*, b: \*\}\]/);
    await rejects(() => jvp(f, [params, x], [{ w: x }, x] as never), GradError, /Got primals with structure \[\{w: \*, b: \*\}, \*\] and tangents with structure \[\{w: \*\}, \*\]/);
    await rejects(() => jvp((a: Tensor) => a, x as never, x as never), GradError, /Expected primals to be an array \(torch's tuple\) of f's arguments, got a Tensor f32\[3\]/);
    await rejects(() => jvp((a: Tensor, k: number) => a.mul(k), [x, 2], [x, 2] as never), GradError, /Expected primals to only contain Tensors, got number at 1/);
  });
  it('E83 argnums out of range, repeated or empty', async () => {
    await rejects(() => jacrev(f, 2)(params, x), GradError, /^jacrev\(f, argnums=2\)\(<inputs>\): Got argnums=2, but only 2 positional inputs were given \(expected -2 <= argnum < 2\)/);
    await rejects(() => jacfwd(f, -3)(params, x), GradError, /^jacfwd\(f, argnums=-3\)\(<inputs>\): Got argnums=-3, but only 2 positional inputs/);
    await rejects(() => hessian((a: Tensor) => a.sum(), 1)(x), GradError, /Got argnums=1, but only 1 positional inputs/);
    await rejects(() => jacrev(f, [1, 1])(params, x), GradError, /argnums must be unique, got \[1,1\]/);
    await rejects(() => jacfwd(f, [])(params, x), GradError, /argnums must be non-empty/);
  });
  it('E84 hasAux outputs that are not an [output, aux] pair', async () => {
    const g = (a: Tensor): Tensor => a.sin();
    await rejects(() => jvp(g as never, [x], [x], { hasAux: true }), GradError, /^jvp\(g, primals, tangents\): with hasAux the function must return \[output, aux\], got a Tensor f32\[3\]/);
    await rejects(() => jacrev(g as never, 0, { hasAux: true })(x), GradError, /^jacrev\(g, argnums=0\)\(<inputs>\): with hasAux the function must return \[output, aux\], got a Tensor f32\[3\]/);
    await rejects(() => jacfwd(((a: Tensor) => [a, a, a]) as never, 0, { hasAux: true })(x), GradError, /with hasAux the function must return \[output, aux\], got an array of length 3/);
  });
  it('E85 a chunkSize that is not a positive integer; a random op in jacfwd under randomness "error"', async () => {
    await rejects(() => jacrev(f, 1, { chunkSize: 0 }), GradError, /^jacrev\(f, argnums=1\): chunkSize should be a positive integer, got 0/);
    await rejects(() => jacfwd((a: Tensor) => F.dropout(a, 0.5, true))(x), VmapError, /called a random operation while in randomness='error' mode/);
  });
  it('E86 outputs that are not floating-point tensors (jacrev) or not tensors at all (jvp)', async () => {
    await rejects(() => jacrev((a: Tensor) => a.argmax())(x), GradError, /output leaf 0 is i32\[\]; every output must be a floating-point Tensor/);
    await rejects(() => jvp((a: Tensor) => [a, 3] as never, [x], [x]), GradError, /expected f\(\*args\) to return only tensors, got number/);
    await rejects(() => jvp((_a: Tensor) => [] as never, [x], [x]), GradError, /Expected f to be a function that has non-empty output/);
  });
});
