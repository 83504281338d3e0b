// Layers computed against plain loops written here: Linear, Conv, pools, norms, Embedding, Dropout, activations.

import { describe, expect, it } from 'vitest';
import { F, nn, ShapeError, Tensor } from '../../index.js';
import { expectClose } from '../helpers/assert.js';

/** A direct loop over the convolution definition, for [N, C, H, W] inputs (1-d inputs use W only). */
function naiveConv2d(x: Tensor, w: Tensor, b: Tensor | undefined, stride: number[], pad: number[], dil: number[], groups: number): Tensor {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [O, CG, KH, KW] = w.shape as [number, number, number, number];
  const OH = Math.floor((H + 2 * pad[0]! - dil[0]! * (KH - 1) - 1) / stride[0]!) + 1;
  const OW = Math.floor((W + 2 * pad[1]! - dil[1]! * (KW - 1) - 1) / stride[1]!) + 1;
  const xv = x.toArray(), wv = w.toArray(), bv = b?.toArray();
  const out: number[] = [];
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) {
    const g = Math.floor(o / (O / groups));
    let acc = bv ? bv[o]! : 0;
    for (let c = 0; c < CG; c++) for (let p = 0; p < KH; p++) for (let q = 0; q < KW; q++) {
      const h = i * stride[0]! - pad[0]! + p * dil[0]!, ww = j * stride[1]! - pad[1]! + q * dil[1]!;
      if (h < 0 || h >= H || ww < 0 || ww >= W) continue;
      acc += xv[((n * C + g * CG + c) * H + h) * W + ww]! * wv[((o * CG + c) * KH + p) * KW + q]!;
    }
    out.push(acc);
  }
  return Tensor.fromArray(out, [N, O, OH, OW]);
}

function naivePool(x: Tensor, k: number[], s: number[], p: number[], kind: 'max' | 'avg', countIncludePad = true): Tensor {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const OH = Math.floor((H + 2 * p[0]! - k[0]!) / s[0]!) + 1, OW = Math.floor((W + 2 * p[1]! - k[1]!) / s[1]!) + 1;
  const xv = x.toArray();
  const out: number[] = [];
  for (let nc = 0; nc < N * C; nc++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) {
    let best = -Infinity, sum = 0, count = 0, padded = 0;
    for (let a = 0; a < k[0]!; a++) for (let b = 0; b < k[1]!; b++) {
      const h = i * s[0]! - p[0]! + a, w = j * s[1]! - p[1]! + b;
      if (h < H + p[0]! && w < W + p[1]!) padded++;
      if (h < 0 || h >= H || w < 0 || w >= W) continue;
      const v = xv[(nc * H + h) * W + w]!;
      best = Math.max(best, v);
      sum += v;
      count++;
    }
    out.push(kind === 'max' ? best : sum / (countIncludePad ? padded : count));
  }
  return Tensor.fromArray(out, [N, C, OH, OW]);
}

describe('Linear', () => {
  it('computes x @ W.T + b with W laid out [out, in]', () => {
    const l = new nn.Linear(3, 2);
    l.loadStateDict({ weight: Tensor.tensor([[1, 2, 3], [4, 5, 6]]), bias: Tensor.tensor([0.5, -1]) });
    expect(l.forward(Tensor.tensor([[1, 0, -1], [2, 1, 0]])).tolist()).toEqual([[-1.5, -3], [4.5, 12]]);
    expect(l.forward(Tensor.tensor([1, 1, 1])).tolist()).toEqual([6.5, 14]);
    expect(l.forward(Tensor.ones([2, 5, 3])).shape).toEqual([2, 5, 2]);
  });

  it('names the feature mismatch', () => {
    expect(() => new nn.Linear(3, 2).forward(Tensor.ones([4, 5]))).toThrow('linear: input [4, 5] has 5 features but weight [2, 3] expects 3');
  });
});

describe('Conv1d and Conv2d', () => {
  const cases: { what: string; make: () => nn.Conv2d; x: number[]; stride: number[]; pad: number[]; dil: number[]; groups: number }[] = [
    { what: 'plain', make: () => new nn.Conv2d(3, 4, 3), x: [2, 3, 5, 5], stride: [1, 1], pad: [0, 0], dil: [1, 1], groups: 1 },
    { what: 'stride 2, padding 1', make: () => new nn.Conv2d(2, 3, 3, { stride: 2, padding: 1 }), x: [1, 2, 6, 7], stride: [2, 2], pad: [1, 1], dil: [1, 1], groups: 1 },
    { what: 'groups 2, rectangular kernel', make: () => new nn.Conv2d(4, 6, [2, 3], { groups: 2, padding: [1, 0] }), x: [2, 4, 4, 5], stride: [1, 1], pad: [1, 0], dil: [1, 1], groups: 2 },
    { what: 'depthwise, dilation 2, no bias', make: () => new nn.Conv2d(3, 3, 2, { groups: 3, dilation: 2, bias: false }), x: [1, 3, 5, 5], stride: [1, 1], pad: [0, 0], dil: [2, 2], groups: 3 },
  ];
  for (const c of cases) {
    it(`Conv2d ${c.what}`, () => {
      const conv = c.make();
      const x = Tensor.randn(c.x);
      expectClose(conv.forward(x), naiveConv2d(x, conv.weight, conv.bias, c.stride, c.pad, c.dil, c.groups), 1e-5, 1e-5);
    });
  }

  it('Conv1d equals a Conv2d over a height-1 image', () => {
    const c1 = new nn.Conv1d(4, 2, 3, { stride: 2, padding: 1, groups: 2 });
    const x = Tensor.randn([2, 4, 9]);
    const expected = naiveConv2d(x.unsqueeze(2), c1.weight.unsqueeze(2), c1.bias, [1, 2], [0, 1], [1, 1], 2).squeeze(2);
    expectClose(c1.forward(x), expected, 1e-5, 1e-5);
  });

  it('padding "same" keeps the size', () => {
    expect(new nn.Conv2d(2, 2, 3, { padding: 'same' }).forward(Tensor.randn([1, 2, 5, 4])).shape).toEqual([1, 2, 5, 4]);
  });

  it('checks groups at construction', () => {
    expect(() => new nn.Conv2d(3, 4, 3, { groups: 2 })).toThrow(ShapeError);
  });
});

describe('pools', () => {
  const x = Tensor.randn([2, 3, 7, 6]);
  it('MaxPool2d (stride defaults to the kernel; padding never wins)', () => {
    expectClose(new nn.MaxPool2d(2).forward(x), naivePool(x, [2, 2], [2, 2], [0, 0], 'max'));
    expectClose(new nn.MaxPool2d(3, { stride: 2, padding: 1 }).forward(x), naivePool(x, [3, 3], [2, 2], [1, 1], 'max'));
    expectClose(new nn.MaxPool2d(2, { padding: 1 }).forward(Tensor.full([1, 1, 2, 2], -5)), Tensor.full([1, 1, 2, 2], -5));
  });
  it('AvgPool2d counts padding by default (count_include_pad), or not', () => {
    expectClose(new nn.AvgPool2d(3, { stride: 2, padding: 1 }).forward(x), naivePool(x, [3, 3], [2, 2], [1, 1], 'avg'));
    expectClose(new nn.AvgPool2d([2, 3], { padding: [1, 1], countIncludePad: false }).forward(x), naivePool(x, [2, 3], [2, 3], [1, 1], 'avg', false));
  });
  it('rejects padding larger than half the kernel, as torch does', () => {
    expect(() => new nn.MaxPool2d(2, { padding: 2 }).forward(x)).toThrow(/padding 2 should be at most half of kernel size 2/);
  });
});

describe('LayerNorm', () => {
  it('normalises over the trailing dims with the biased variance, then scales and shifts', () => {
    const ln = new nn.LayerNorm(4);
    ln.loadStateDict({ weight: Tensor.tensor([1, 2, 1, 1]), bias: Tensor.tensor([0, 0, 1, 0]) });
    const y = ln.forward(Tensor.tensor([[1, 2, 3, 4]])).toArray();
    const s = Math.sqrt(1.25 + 1e-5);
    expectClose(y, [-1.5 / s, 2 * (-0.5 / s), 0.5 / s + 1, 1.5 / s]);
  });
});

describe('BatchNorm', () => {
  it('in training, uses batch statistics and updates running stats with momentum (unbiased variance) and the count', () => {
    const bn = new nn.BatchNorm1d(2);
    const x = Tensor.tensor([[1, 10], [3, 20], [5, 60]]);
    const y = bn.forward(x);
    // Channel 0: mean 3, biased var 8/3, unbiased 4.
    expectClose(y.select(1, 0), [-2, 0, 2].map((v) => v / Math.sqrt(8 / 3 + 1e-5)));
    expectClose(bn.running_mean!, [0.3, 3]);
    expectClose(bn.running_var!, [0.9 + 0.1 * 4, 0.9 + 0.1 * 700]);
    expect(bn.num_batches_tracked!.toArray()).toEqual([1]);
    expect(bn.num_batches_tracked!.dtype).toBe('i64');
    bn.forward(x);
    expect(bn.num_batches_tracked!.toArray()).toEqual([2]);
  });

  it('in eval, uses the running stats and changes no buffer', () => {
    const bn = new nn.BatchNorm2d(2).eval();
    bn.loadStateDict({
      weight: Tensor.tensor([2, 1]), bias: Tensor.tensor([0, 1]),
      running_mean: Tensor.tensor([1, -1]), running_var: Tensor.tensor([4, 0.25]), num_batches_tracked: Tensor.tensor(5, 'i64'),
    });
    const x = Tensor.randn([3, 2, 2, 2]);
    const expected0 = x.select(1, 0).sub(1).div(Math.sqrt(4 + 1e-5)).mul(2);
    const expected1 = x.select(1, 1).add(1).div(Math.sqrt(0.25 + 1e-5)).add(1);
    const y = bn.forward(x);
    expectClose(y.select(1, 0), expected0);
    expectClose(y.select(1, 1), expected1);
    expect(bn.running_mean!.toArray()).toEqual([1, -1]);
    expect(bn.num_batches_tracked!.toArray()).toEqual([5]);
  });

  it('checks the input rank', () => {
    expect(() => new nn.BatchNorm2d(2).forward(Tensor.ones([2, 2]))).toThrow('BatchNorm2d: expected 4D input, got [2, 2]');
    expect(() => new nn.BatchNorm1d(2).forward(Tensor.ones([1, 2]))).toThrow(/more than 1 value per channel/);
  });
});

describe('Embedding', () => {
  it('looks up rows for i64 and i32 indices of any shape', () => {
    const e = new nn.Embedding(4, 2);
    e.loadStateDict({ weight: Tensor.tensor([[0, 1], [2, 3], [4, 5], [6, 7]]) });
    expect(e.forward(Tensor.tensor([[3, 0], [1, 1]], 'i64')).tolist()).toEqual([[[6, 7], [0, 1]], [[2, 3], [2, 3]]]);
    expect(e.forward(Tensor.tensor([2], 'i32')).tolist()).toEqual([[4, 5]]);
    expect(() => e.forward(Tensor.tensor([1]))).toThrow(/indices must be an integer tensor/);
    expect(() => e.forward(Tensor.tensor([4], 'i64'))).toThrow(/index 4 is out of range/);
  });
});

describe('Dropout', () => {
  it('is the identity in eval mode', () => {
    const x = Tensor.randn([3, 4]);
    const d = new nn.Dropout(0.3).eval();
    expect(d.forward(x)).toBe(x);
    expect(F.dropout(x, 0.3, false)).toBe(x);
  });
  it('in training zeroes about p of the elements and scales the rest by 1/(1-p)', () => {
    const y = new nn.Dropout(0.25).forward(Tensor.ones([4000])).toArray();
    const zeros = y.filter((v) => v === 0).length;
    expect(zeros / y.length).toBeGreaterThan(0.2);
    expect(zeros / y.length).toBeLessThan(0.3);
    for (const v of y) expect([0, 1 / 0.75].some((t) => Math.abs(v - t) < 1e-6)).toBe(true);
    expect(() => F.dropout(Tensor.ones([2]), 1.5)).toThrow(ShapeError);
  });
});

describe('activations', () => {
  const x = Tensor.tensor([-2, -0.5, 0, 1, 3]);
  const v = [-2, -0.5, 0, 1, 3];
  const erfRef = (z: number): number => {
    // Abramowitz-Stegun 7.1.26 is too coarse; integrate exp(-t^2) with Simpson's rule instead.
    const n = 2000, h = z / n;
    let s = 1 + Math.exp(-z * z);
    for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * Math.exp(-((i * h) ** 2));
    return (2 / Math.sqrt(Math.PI)) * (h / 3) * s;
  };
  it('relu, tanh, sigmoid, silu', () => {
    expectClose(F.relu(x), [0, 0, 0, 1, 3]);
    expectClose(F.tanh(x), v.map(Math.tanh));
    expectClose(F.sigmoid(x), v.map((z) => 1 / (1 + Math.exp(-z))));
    expectClose(F.silu(x), v.map((z) => z / (1 + Math.exp(-z))));
    expectClose(new nn.SiLU().forward(x), F.silu(x));
  });
  it('gelu is exact (erf) by default, and the tanh approximation on request', () => {
    expectClose(F.gelu(x), v.map((z) => 0.5 * z * (1 + erfRef(z / Math.SQRT2))), 1e-6, 1e-7);
    // Torch's values: gelu(1) = 0.8413447, gelu(1, approximate='tanh') = 0.8411920.
    expect(F.gelu(Tensor.tensor([1])).item()).toBeCloseTo(0.8413447, 6);
    expect(F.gelu(Tensor.tensor([1]), { approximate: 'tanh' }).item()).toBeCloseTo(0.841192, 6);
    expectClose(new nn.GELU('tanh').forward(x), v.map((z) => 0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z ** 3)))));
  });
  it('softmax and log_softmax along a dim, stable for large inputs', () => {
    const a = Tensor.tensor([[1, 2, 3], [1000, 1000, 1000]]);
    const s = F.softmax(a, -1);
    const e = [1, 2, 3].map(Math.exp);
    const z = e.reduce((p, q) => p + q);
    expectClose(s.select(0, 0), e.map((t) => t / z));
    expectClose(s.select(0, 1), [1 / 3, 1 / 3, 1 / 3]);
    expectClose(F.logSoftmax(a, 1).select(0, 0), e.map((t) => Math.log(t / z)));
    expectClose(F.softmax(a, 0).sum(0), [1, 1, 1]);
    expectClose(new nn.LogSoftmax(1).forward(a), F.logSoftmax(a, -1));
    expectClose(new nn.Softmax(1).forward(a), s);
  });
});
