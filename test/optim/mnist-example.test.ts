// The MNIST ensemble example at toy size: the packaged digits load, and its pure step trains every member.

import { describe, expect, it } from 'vitest';
import { loadDigits, PIXELS } from '../../examples/train-mnist-ensemble/data.js';
import { makeStep, progressBar, trainEnsemble } from '../../examples/train-mnist-ensemble/train.js';
import { initEnsemble, optim, Tensor } from '../../index.js';
import { DigitMLP } from '../../examples/train-mnist-ensemble/model.js';

describe('examples/train-mnist-ensemble', () => {
  const digits = loadDigits({ trainPerDigit: 12, testPerDigit: 4, seed: 3 });

  it('loads real digits from the mnist package, train and test held apart', () => {
    expect(digits.train.x.shape).toEqual([120, PIXELS]);
    expect(digits.test.y.shape).toEqual([40]);
    expect(digits.train.y.dtype).toBe('i64');
    const counts = new Array<number>(10).fill(0);
    for (const c of digits.test.y.toArray()) counts[c]!++;
    expect(counts).toEqual(new Array(10).fill(4));
    const px = digits.train.x.toArray();
    expect(Math.min(...px)).toBe(0);
    expect(Math.max(...px)).toBeLessThanOrEqual(1);
    expect(px.some((v) => v > 0.5)).toBe(true);
  });

  it('the step lowers every member loss on a repeated batch, each at its own lr', () => {
    const ens = initEnsemble(DigitMLP, 2, { seed: 0, args: [8] });
    const step = makeStep(ens.model, [1e-2, 3e-2]);
    const x = Tensor.fromArray(digits.train.x.data, [1, 120, PIXELS]).expand([2, 120, PIXELS]);
    const y = Tensor.fromArray(digits.train.y.data, [1, 120], 'i64').expand([2, 120]);
    let r = { params: ens.params, opt: optim.adamInit(ens.params), loss: Tensor.zeros([2]) };
    const first = step(r.params, r.opt, x, y).loss.toArray();
    for (let k = 0; k < 5; k++) r = step(r.params, r.opt, x, y);
    r.loss.toArray().forEach((l, m) => expect(l).toBeLessThan(first[m]!));
  });

  it('trains and evaluates a tiny ensemble end to end with a compiled step, reporting progress', async () => {
    const lines: string[] = [];
    const result = await trainEnsemble(digits, { members: 2, hidden: 8, epochs: 1, batchSize: 20, lrs: [1e-3, 1e-2], seed: 4, target: 'cpu', report: (t, final) => final && lines.push(t) });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(progressBar(6, 6));
    expect(result.evaluation.members).toHaveLength(2);
    for (const a of [...result.evaluation.members, result.evaluation.ensemble]) expect(a).toBeGreaterThanOrEqual(0);
    expect(result.params['fc1.weight']!.shape).toEqual([2, 8, PIXELS]);
  });
});
