// One ensemble per family of the composed layers and functions, compiled on every runnable target (test/backends/composed-layers.test.ts).

import { F, functionalCall, manualSeed, nn, stackModuleState, Tensor, valueAndGrad, vmap } from '../../index.js';
import { layerCase, type EnsembleCase } from './backend-cases.js';
import { Activations } from './torch-layers.js';

type Dict = Record<string, Tensor>;

class Norms extends nn.Module {
  gn = new nn.GroupNorm(2, 4);
  inorm = new nn.InstanceNorm2d(4, { affine: true });
  rms = new nn.RMSNorm(5);
  forward(x: Tensor): Tensor {
    return this.rms.forward(this.inorm.forward(this.gn.forward(x)).add(x));
  }
}

class Resample extends nn.Module {
  up = new nn.ConvTranspose2d(4, 3, 4, { stride: 2, padding: 1, groups: 1 });
  bil = new nn.Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: false });
  near = new nn.Upsample({ size: [5, 7] });
  pool = new nn.AdaptiveAvgPool2d([3, 2]);
  forward(x: Tensor): Tensor[] {
    const y = this.up.forward(x).add(this.bil.forward(x).narrow(1, 0, 3));
    return [this.pool.forward(y), this.near.forward(y)];
  }
}

class Attention extends nn.Module {
  enc = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 12, batchFirst: true, normFirst: true, activation: 'gelu' });
  mha = new nn.MultiheadAttention(8, 4, { batchFirst: true });
  forward(x: Tensor, kpm: Tensor): Tensor[] {
    const h = this.enc.forward(x, { isCausal: true });
    const [y, w] = this.mha.forward(h, x, x, { keyPaddingMask: kpm, averageAttnWeights: false });
    return [y, w!];
  }
}

class Recurrent extends nn.Module {
  lstm = new nn.LSTM(3, 4, { batchFirst: true });
  gru = new nn.GRU(4, 3, { bidirectional: true });
  forward(x: Tensor): Tensor[] {
    const [o, [h]] = this.lstm.forward(x);
    const [o2, h2] = this.gru.forward(o.transpose(0, 1));
    return [o2, h2, h];
  }
}

/** Tensor methods and F functions on per-member inputs, every output at once. */
function functionsCase(): EnsembleCase {
  manualSeed(11);
  const M = 3;
  const x = Tensor.randn([M, 4, 5]), y = Tensor.randn([M, 4, 5]);
  const idx = Tensor.tensor([[0, 3], [2, 2], [4, 1]], 'i64');
  const mask = Tensor.randint(0, 2, [M, 4, 5], { dtype: 'i32' });
  const f = (a: Tensor, b: Tensor, i: Tensor, m: Tensor): Tensor[] => {
    const [c0, c1] = a.chunk(2, 1) as [Tensor, Tensor];
    const p = a.sigmoid();
    return [
      a.tril(1).add(b.triu()), a.logsumexp(1), c0.narrow(1, 0, 2).repeat(2, 1).add(c1.repeat(2, 1)).mul(a.split([3, 2], 1)[1]!.repeat(2, 1)),
      a.indexSelect(1, i), a.std(0), a.maskedFill(m, -1), a.unsqueeze(0).bmm(b.transpose(0, 1).unsqueeze(0)),
      F.scaledDotProductAttention(a, b, b, { isCausal: true }), F.normalize(a), F.cosineSimilarity(a, b),
      F.binaryCrossEntropy(p, b.sigmoid()), F.binaryCrossEntropyWithLogits(a, b.sigmoid(), { posWeight: Tensor.full([5], 2) }),
      F.smoothL1Loss(a, b, { beta: 0.5 }), F.klDiv(a.logSoftmax(1), b.softmax(1), { reduction: 'batchmean' }),
      F.leakyRelu(a).add(F.elu(a)).add(F.softplus(a, 2, 3)).add(F.mish(a)).add(F.hardswish(a)),
      F.oneHot(i, 5).float(),
    ];
  };
  return { name: 'Tensor methods and F functions, per-member inputs', fn: vmap(f) as EnsembleCase['fn'], args: [x, y, idx, mask], rtol: 1e-4, atol: 1e-5 };
}

/** vmap(valueAndGrad) through ConvTranspose2d and Upsample: the backward graphs of the compositions (the recurrent ones are checked against PyTorch on the reference). */
function gradCase(): EnsembleCase {
  manualSeed(12);
  class Net extends nn.Module {
    up = new nn.ConvTranspose2d(2, 4, 3, { stride: 2, padding: 1, outputPadding: 1 });
    bil = new nn.Upsample({ size: [3, 5], mode: 'bilinear', alignCorners: true });
    forward(x: Tensor): Tensor {
      return this.bil.forward(this.up.forward(x).relu()).sum([1, 2, 3]);
    }
  }
  const M = 2;
  const models = Array.from({ length: M }, () => new Net());
  const { params } = stackModuleState(models);
  const loss = (p: Dict, x: Tensor, t: Tensor): Tensor => F.binaryCrossEntropyWithLogits(functionalCall(models[0]!, p, [x]), t);
  const fn = vmap(valueAndGrad(loss), [0, null, 0]);
  const args = [params, Tensor.randn([2, 2, 2, 2]), Tensor.rand([M, 2])];
  return { name: 'vmap(valueAndGrad) through ConvTranspose2d and bilinear Upsample', fn: fn as EnsembleCase['fn'], args, rtol: 1e-3, atol: 1e-5 };
}

function attentionCase(): EnsembleCase {
  manualSeed(13);
  const models = Array.from({ length: 3 }, () => new Attention().eval());
  const { params, buffers } = stackModuleState(models);
  const kpm = Tensor.tensor([[0, 0, 0, 1, 1], [0, 0, 0, 0, 1]], 'i32');
  const fn = vmap((p: Dict, b: Dict, x: Tensor, k: Tensor) => functionalCall(models[0]!, [p, b], [x, k]), [0, 0, null, null]);
  return { name: 'TransformerEncoderLayer (causal, pre-norm, gelu) then MultiheadAttention with a key padding mask', fn: fn as EnsembleCase['fn'], args: [params, buffers, Tensor.randn([2, 5, 8]), kpm], rtol: 1e-4, atol: 1e-5 };
}

/** One case per family of issue 13 part A. */
export const COMPOSED_CASES: readonly (() => EnsembleCase)[] = [
  layerCase('LeakyReLU, ELU, Softplus, Mish, Hardswish between Linear layers', () => new Activations(), [7, 4]),
  layerCase('GroupNorm, InstanceNorm2d (affine), RMSNorm', () => new Norms(), [2, 4, 3, 5]),
  layerCase('ConvTranspose2d, bilinear and nearest Upsample, uneven AdaptiveAvgPool2d', () => new Resample(), [2, 4, 3, 4], { perMember: true }),
  attentionCase,
  layerCase('LSTM (batch_first) into a bidirectional GRU', () => new Recurrent(), [2, 2, 3]),
  functionsCase,
  gradCase,
];
