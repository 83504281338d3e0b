// The composed layers and functions beyond the PyTorch fixtures: bad arguments, edge values, and how they trace.

import { describe, expect, it } from 'vitest';
import { F, grad, manualSeed, nn, ShapeError, Tensor, traceFunction, vmap } from '../../index.js';
import { expectClose } from '../helpers/assert.js';

class Outer extends nn.Module {
  attn = new nn.MultiheadAttention(8, 2, { batchFirst: true });
  forward(x: Tensor): Tensor {
    return this.attn.forward(x, x, x)[0];
  }
}

describe('bad arguments: a ShapeError naming the call, the shapes, and the module path', () => {
  it('Tensor methods', () => {
    const x = Tensor.randn([2, 3]);
    expect(() => x.bmm(Tensor.randn([2, 3, 4]))).toThrow(/bmm: batch1 must be a 3D tensor, got \[2, 3\]/);
    expect(() => Tensor.randn([2, 3, 4]).bmm(Tensor.randn([3, 4, 5]))).toThrow(/Expected size for first two dimensions of batch2 tensor to be: \[2, 4\] but got: \[3, 4\]/);
    expect(() => x.chunk(0)).toThrow(/chunk expects `chunks` to be greater than 0, got: 0/);
    expect(() => x.split([1, 1], 1)).toThrow(/split_with_sizes expects split_sizes to sum exactly to 3/);
    expect(() => x.repeat(2)).toThrow(/Number of dimensions of repeat dims \(1\) can not be smaller than number of dimensions of tensor \[2, 3\]/);
    expect(() => x.indexSelect(1, Tensor.tensor([3], 'i64'))).toThrow(/index 3 is out of range for dimension 1 with size 3 of \[2, 3\]/);
    expect(() => x.indexSelect(0, Tensor.tensor([[0]], 'i64'))).toThrow(/Index is supposed to be a vector/);
    expect(() => x.maskedFill(Tensor.ones([3, 3]), 0)).toThrow(/masked_fill: mask \[3, 3\] does not broadcast to the tensor's shape \[2, 3\]/);
    expect(() => Tensor.randn([4]).tril()).toThrow(/tril: input tensor must have at least 2 dimensions, got \[4\]/);
  });

  it('layers name the module path of the failing call', () => {
    const m = new Outer();
    expect(() => m.forward(Tensor.randn([2, 5, 6]))).toThrow(/was expecting embedding dimension of 8, but got query \[2, 5, 6\] \(in module attn \(MultiheadAttention\)/);
    expect(() => new nn.LSTM(4, 3).forward(Tensor.randn([5, 2, 6]))).toThrow(/LSTM: input.size\(-1\) must be equal to input_size. Expected 4, got 6/);
    expect(() => new nn.GRU(4, 3).forward(Tensor.randn([5, 2, 4]), Tensor.randn([2, 2, 3]))).toThrow(/GRU: Expected hidden size \[1, 2, 3\], got \[2, 2, 3\]/);
    expect(() => new nn.GroupNorm(4, 6)).toThrow(/num_channels \(6\) must be divisible by num_groups \(4\)/);
    expect(() => new nn.InstanceNorm2d(3).forward(Tensor.randn([2, 3]))).toThrow(/InstanceNorm2d: expected 3D or 4D input \(got 2D input \[2, 3\]\)/);
    expect(() => new nn.InstanceNorm1d(3, { affine: true }).forward(Tensor.randn([2, 4, 5]))).toThrow(/expected input's size at dim=1 to match num_features \(3\), but got: 4/);
    expect(() => new nn.RMSNorm(4).forward(Tensor.randn([2, 3]))).toThrow(/rms_norm: input \[2, 3\] does not end with normalized_shape \[4\]/);
    expect(() => new nn.ConvTranspose2d(2, 2, 3, { stride: 2, outputPadding: 2 }).forward(Tensor.randn([1, 2, 3, 3]))).toThrow(/output padding must be smaller than either stride or dilation/);
    expect(() => new nn.ConvTranspose1d(2, 2, 3).forward(Tensor.randn([1, 3, 5]))).toThrow(/input \[1, 3, 5\] has 3 channels but weight \[2, 2, 3\] expects 2/);
    expect(() => new nn.MultiheadAttention(6, 4)).toThrow(/embed_dim \(6\) must be divisible by num_heads \(4\)/);
    expect(() => new nn.Upsample({ scaleFactor: 2, mode: 'nearest', alignCorners: true }).forward(Tensor.randn([1, 1, 2, 2]))).toThrow(/align_corners option can only be set with the interpolating modes/);
    expect(() => new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' }).forward(Tensor.randn([1, 1, 4]))).toThrow(/mode 'bilinear' needs a 4D input/);
    expect(() => new nn.AdaptiveAvgPool2d([2, 2, 2]).forward(Tensor.randn([1, 1, 4, 4]))).toThrow(/output_size must have 2 entries/);
  });

  it('F functions', () => {
    const q = Tensor.randn([2, 3, 4]);
    expect(() => F.scaledDotProductAttention(q, q, q, { isCausal: true, attnMask: Tensor.ones([3, 3]) })).toThrow(/Explicit attn_mask should not be set when is_causal=True/);
    expect(() => F.scaledDotProductAttention(q, Tensor.randn([2, 3, 5]), q)).toThrow(/must have the same embedding size/);
    expect(() => F.scaledDotProductAttention(q, q, q, { attnMask: Tensor.ones([4, 3]) })).toThrow(/attn_mask \[4, 3\] does not broadcast to the attention scores \[2, 3, 3\]/);
    expect(() => F.binaryCrossEntropy(Tensor.tensor([0.5, 1.5]), Tensor.tensor([0, 1]))).toThrow(/all elements of input should be between 0 and 1/);
    expect(() => F.binaryCrossEntropy(Tensor.tensor([0.5]), Tensor.tensor([0, 1]))).toThrow(/Using a target size \(\[2\]\) that is different to the input size \(\[1\]\)/);
    expect(() => F.smoothL1Loss(q, q, { beta: -1 })).toThrow(/does not support negative values for beta/);
    expect(() => F.smoothL1Loss(q, q, { reduction: 'avg' as 'mean' })).toThrow(/avg is not a valid value for reduction/);
    expect(() => F.oneHot(Tensor.tensor([1, -1], 'i64'))).toThrow(/Class values must be non-negative/);
    expect(() => F.oneHot(Tensor.tensor([1, 5], 'i64'), 3)).toThrow(/Class values must be smaller than num_classes 3/);
    expect(() => traceFunction('t', [{ name: 'i', shape: [3], dtype: 'i64' }], ([i]) => F.oneHot(i!))).toThrow(/num_classes=-1 infers the class count from the values, which a traced tensor \[3\] does not have/);
  });
});

describe('edge values', () => {
  it('binary_cross_entropy clamps each log at -100, with a finite gradient at 0 and 1', () => {
    const p = Tensor.tensor([0, 1, 0, 1]);
    const t = Tensor.tensor([1, 0, 0, 1]);
    expectClose(F.binaryCrossEntropy(p, t, { reduction: 'none' }), [100, 100, 0, 0]);
    const g = grad((x: Tensor) => F.binaryCrossEntropy(x, t, { reduction: 'sum' }))(p);
    expect(g.toArray().every(Number.isFinite)).toBe(true);
  });

  it('binary_cross_entropy_with_logits is stable for large logits', () => {
    const x = Tensor.tensor([100, -100, 0]);
    expectClose(F.binaryCrossEntropyWithLogits(x, Tensor.tensor([0, 1, 1]), { reduction: 'none' }), [100, 100, Math.log(2)], 1e-6, 1e-5);
  });

  it('logsumexp of an all -inf row is -inf, and of a row with +inf is +inf', () => {
    const x = Tensor.tensor([[-Infinity, -Infinity], [Infinity, 1], [1000, 1000]]);
    const y = x.logsumexp(1).toArray();
    expect(y[0]).toBe(-Infinity);
    expect(y[1]).toBe(Infinity);
    expect(y[2]).toBeCloseTo(1000 + Math.log(2), 3);
  });

  it('ELU, Softplus and Mish have finite gradients where exp would overflow', () => {
    const x = Tensor.tensor([-200, -30, 0, 30, 200]);
    for (const f of [(t: Tensor) => F.elu(t), (t: Tensor) => F.softplus(t), (t: Tensor) => F.mish(t), (t: Tensor) => F.softplus(t, 0.5, 1000)]) {
      expect(f(x).toArray().every(Number.isFinite)).toBe(true);
      expect(grad((t: Tensor) => f(t).sum())(x).toArray().every(Number.isFinite)).toBe(true);
    }
  });

  it('normalize and cosine_similarity of a zero vector give 0 with a finite gradient', () => {
    const z = Tensor.zeros([2, 3]);
    expect(F.normalize(z).toArray()).toEqual([0, 0, 0, 0, 0, 0]);
    expect(grad((t: Tensor) => F.normalize(t).sum())(z).toArray().every(Number.isFinite)).toBe(true);
    expect(F.cosineSimilarity(z, Tensor.ones([2, 3])).toArray()).toEqual([0, 0]);
  });

  it('tril and triu give 0 off the triangle even where x is NaN; masked_fill takes a 0-d tensor value', () => {
    const x = Tensor.full([2, 2], NaN);
    expect(x.tril().toArray()).toEqual([NaN, 0, NaN, NaN]);
    expect(x.triu(1).toArray()).toEqual([0, NaN, 0, 0]);
    expect(Tensor.zeros([2]).maskedFill(Tensor.tensor([1, 0], 'i32'), Tensor.tensor(3)).toArray()).toEqual([3, 0]);
  });

  it('a fully masked attention row is NaN, as in torch', () => {
    const q = Tensor.randn([2, 4]);
    const y = F.scaledDotProductAttention(q, q, q, { attnMask: Tensor.tensor([[0, 0], [1, 1]], 'i32') }).toArray();
    expect(y.slice(0, 4).every(Number.isNaN)).toBe(true);
    expect(y.slice(4).every(Number.isFinite)).toBe(true);
  });

  it('one_hot infers num_classes from concrete values and returns i64', () => {
    const h = F.oneHot(Tensor.tensor([0, 2], 'i64'));
    expect(h.dtype).toBe('i64');
    expect(h.tolist()).toEqual([[1, 0, 0], [0, 0, 1]]);
  });

  it('kl_div reduction batchmean divides by the batch size, mean by the element count', () => {
    const x = Tensor.randn([4, 5]).logSoftmax(1), t = Tensor.randn([4, 5]).softmax(1);
    const none = F.klDiv(x, t, { reduction: 'none' });
    expectClose(F.klDiv(x, t, { reduction: 'batchmean' }), none.sum().div(4));
    expectClose(F.klDiv(x, t), none.mean());
  });
});

describe('behaviour', () => {
  it('scaled_dot_product_attention with dropout_p draws a mask (randomness as F.dropout)', () => {
    manualSeed(3);
    const q = Tensor.randn([1, 64, 8]);
    const v = Tensor.ones([1, 64, 8]);
    const y = F.scaledDotProductAttention(q, q, v, { dropoutP: 0.5 });
    // Each output is the sum of kept weights / (1 - p): about 1 on average, not exactly 1.
    const vals = y.toArray();
    expect(vals.some((a) => Math.abs(a - 1) > 1e-3)).toBe(true);
    expect(Math.abs(vals.reduce((a, b) => a + b, 0) / vals.length - 1)).toBeLessThan(0.2);
    expect(() => vmap((t: Tensor) => F.scaledDotProductAttention(t, t, t, { dropoutP: 0.1 }))(Tensor.randn([2, 1, 3, 4]))).toThrow(/randomness/);
  });

  it('MultiheadAttention returns null weights without needWeights, and projects self-attention with one matmul', () => {
    const m = new nn.MultiheadAttention(8, 2, { batchFirst: true }).eval();
    const x = Tensor.randn([2, 3, 8]);
    const [, w] = m.forward(x, x, x, { needWeights: false });
    expect(w).toBeNull();
    const traced = traceFunction('mha', [{ name: 'x', shape: [2, 3, 8], dtype: 'f32' }], ([t]) => m.forward(t!, t!, t!, { needWeights: false })[0]);
    const count = (g: typeof traced.graph): number => {
      const seen = new Set<number>();
      let n = 0;
      const walk = (node: (typeof g.outputs)[number]): void => {
        if (seen.has(node.id)) return;
        seen.add(node.id);
        if (node.op === 'matmul') n++;
        node.inputs.forEach(walk);
      };
      g.outputs.forEach(walk);
      return n;
    };
    // in-projection, q @ k^T, weights @ v, out-projection.
    expect(count(traced.graph)).toBe(4);
  });

  it('MultiheadAttention on unbatched input, and isCausal equals an explicit causal mask', () => {
    const m = new nn.MultiheadAttention(4, 2).eval();
    const x = Tensor.randn([5, 4]);
    const [y, w] = m.forward(x, x, x, { isCausal: true });
    expect(y.shape).toEqual([5, 4]);
    expect(w!.shape).toEqual([5, 5]);
    const mask = Tensor.ones([5, 5], 'i32').triu(1);
    expectClose(y, m.forward(x, x, x, { attnMask: mask })[0]);
    expect(w!.triu(1).abs().sum().item()).toBe(0);
  });

  it('InstanceNorm without running stats leaves the module unchanged in training; with them, eval uses them', () => {
    const n = new nn.InstanceNorm1d(2);
    expect(n.stateDict()).toEqual({});
    const x = Tensor.randn([3, 2, 6]);
    const y = n.forward(x);
    expectClose(y.mean(2), Tensor.zeros([3, 2]), 1e-5, 1e-5);
    const t = new nn.InstanceNorm1d(2, { trackRunningStats: true }).eval();
    expectClose(t.forward(x), x.div(Math.sqrt(1 + 1e-5)));
  });

  it('ConvTranspose2d is the transpose of Conv2d: <conv(x), y> = <x, conv_transpose(y)>', () => {
    const conv = new nn.Conv2d(4, 6, 3, { stride: 2, padding: 1, groups: 2, bias: false });
    const x = Tensor.randn([1, 4, 7, 7]);
    const cx = conv.forward(x);
    const y = Tensor.randn(cx.shape);
    const ct = F.convTranspose2d(y, conv.weight, undefined, { stride: 2, padding: 1, groups: 2 });
    expect(ct.shape).toEqual(x.shape);
    expect(cx.mul(y).sum().item()).toBeCloseTo(x.mul(ct).sum().item(), 3);
  });

  it('Upsample by an integer factor traces to views (no take, no matmul); AdaptiveAvgPool with equal bins to one avg_pool', () => {
    const ops = (f: (t: Tensor) => Tensor, shape: number[]): string[] => {
      const g = traceFunction('f', [{ name: 'x', shape, dtype: 'f32' }], ([t]) => f(t!)).graph;
      const out: string[] = [];
      const walk = (n: (typeof g.outputs)[number]): void => {
        n.inputs.forEach(walk);
        if (n.op !== 'input') out.push(n.op);
      };
      g.outputs.forEach(walk);
      return out;
    };
    expect(ops((t) => new nn.Upsample({ scaleFactor: 2 }).forward(t), [1, 2, 3, 3]).every((o) => ['reshape', 'expand'].includes(o))).toBe(true);
    expect(ops((t) => new nn.AdaptiveAvgPool2d(2).forward(t), [1, 2, 4, 6])).toEqual(['avg_pool']);
  });

  it('LSTM and GRU accept unbatched input and per-call initial states, and return PyTorch\'s structure', () => {
    const lstm = new nn.LSTM(3, 2, { numLayers: 2 });
    const [out, [h, c]] = lstm.forward(Tensor.randn([4, 3]), [Tensor.zeros([2, 2]), Tensor.zeros([2, 2])]);
    expect([out.shape, h.shape, c.shape]).toEqual([[4, 2], [2, 2], [2, 2]]);
    // The last step's output of the top layer is h_n of that layer.
    expectClose(out.select(0, 3), h.select(0, 1));
    const gru = new nn.GRU(3, 2, { bidirectional: true, batchFirst: true });
    const [o2, h2] = gru.forward(Tensor.randn([2, 4, 3]));
    expect([o2.shape, h2.shape]).toEqual([[2, 4, 4], [2, 2, 2]]);
    // The reverse direction ends at step 0.
    expectClose(o2.select(1, 0).narrow(1, 2, 2), h2.select(0, 1));
  });

  it('the new layers raise ShapeError (the class every layer uses)', () => {
    expect(() => new nn.Upsample({})).toThrow(ShapeError);
  });
});
