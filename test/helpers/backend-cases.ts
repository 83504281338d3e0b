// The ensembles every backend is checked on: each layer vmapped over members, and the torch-reference models.

import { F, functionalCall, manualSeed, nn, optim, stackModuleState, Tensor, valueAndGrad, vmap } from '../../index.js';
import { withInitSeed } from '../../compiler/nn/init.js';
import { Generator } from '../../runtime/rng.js';
import { MLP, PreNorm, SmallCNN, trainStepModel } from '../../examples/models.js';
import { loadCase } from './reference.js';

type Dict = Record<string, Tensor>;

export interface EnsembleCase {
  readonly name: string;
  readonly fn: (...args: unknown[]) => unknown;
  readonly args: unknown[];
  /** Tolerances against the eager CPU result. */
  readonly rtol: number;
  readonly atol: number;
  /** The kernel count a test pins, where it does. */
  readonly kernels?: number;
}

export interface LayerOptions {
  readonly M?: number;
  readonly perMember?: boolean;
  readonly intInput?: number;
}

/** vmap(functionalCall) over M fresh members of a layer, on a shared or per-member input. */
export function layerCase(name: string, make: () => nn.Module, xShape: number[], options: LayerOptions = {}): () => EnsembleCase {
  return () => {
    manualSeed(7);
    const M = options.M ?? 3;
    const models = Array.from({ length: M }, () => make().eval());
    const { params, buffers } = stackModuleState(models);
    const shape = options.perMember ? [M, ...xShape] : xShape;
    const x = options.intInput ? Tensor.randint(0, options.intInput, shape) : Tensor.randn(shape);
    const fn = vmap((p: Dict, b: Dict, xi: Tensor) => functionalCall(models[0]!, [p, b], [xi]), [0, 0, options.perMember ? 0 : null]);
    return { name, fn: fn as EnsembleCase['fn'], args: [params, buffers, x], rtol: 1e-4, atol: 1e-5 };
  };
}

class Stack extends nn.Module {
  layers = new nn.ModuleList([new nn.Linear(4, 4), new nn.Linear(4, 4)]);
  forward(x: Tensor): Tensor {
    for (const l of this.layers) x = (l.forward as (t: Tensor) => Tensor)(x).relu();
    return x.sum(-1).add(x.mean(-1)).add(x.amax(-1));
  }
}

function batchNorm1dWithStats(): nn.Module {
  const m = new nn.BatchNorm1d(4);
  m.running_mean = new nn.Buffer(Tensor.randn([4]));
  m.running_var = new nn.Buffer(Tensor.rand([4], { low: 0.5, high: 2 }));
  return m;
}

/** Non-finite values through the ops whose device forms most often get them wrong. */
class NonFinite extends nn.Module {
  scale = new nn.Parameter(Tensor.randn([5]));
  forward(x: Tensor): Tensor[] {
    const y = x.mul(this.scale);
    return [y.relu(), y.maximum(x), y.minimum(x), y.tanh(), y.int()];
  }
}

function nonFiniteCase(): EnsembleCase {
  const base = layerCase('NaN and Inf through relu, maximum, tanh and integer casts', () => new NonFinite(), [4, 5])();
  const x = Tensor.fromArray([NaN, Infinity, -Infinity, 1.5, -2.5, 0, 3e3, -7, NaN, 2, Infinity, 1, 1, 1, 1, -Infinity, 0.5, 0.25, 9, 10], [4, 5]);
  return { ...base, args: [...base.args.slice(0, 2), x] };
}

/** Every layer of the core issue. Param-free layers take per-member input (vmap needs a mapped tensor). */
export const LAYER_CASES: readonly (() => EnsembleCase)[] = [
  layerCase('Linear, shared input', () => new nn.Linear(6, 5), [4, 6]),
  layerCase('Linear, per-member input', () => new nn.Linear(6, 5), [4, 6], { perMember: true }),
  layerCase('Linear without bias on 3-d input', () => new nn.Linear(6, 5, { bias: false }), [2, 3, 6]),
  layerCase('Linear 40 -> 72 (tensor-core sized tiles)', () => new nn.Linear(40, 72), [70, 40], { perMember: true, M: 2 }),
  layerCase('Linear with ragged tiles', () => new nn.Linear(37, 23), [13, 37], { M: 2, perMember: true }),
  layerCase('Linear 20 -> 600 (wider than one accumulator block)', () => new nn.Linear(20, 600), [64, 20], { M: 4 }),
  layerCase('Conv1d with stride and padding', () => new nn.Conv1d(3, 4, 3, { stride: 2, padding: 1 }), [2, 3, 9]),
  layerCase('Conv2d with groups', () => new nn.Conv2d(4, 6, 3, { padding: 1, groups: 2 }), [2, 4, 5, 5]),
  layerCase('Conv2d with stride, per-member input', () => new nn.Conv2d(3, 4, 3, { stride: 2 }), [2, 3, 7, 7], { perMember: true }),
  layerCase('MaxPool2d', () => new nn.MaxPool2d(2), [2, 3, 6, 6], { perMember: true }),
  layerCase('AvgPool2d', () => new nn.AvgPool2d(3, { stride: 2, padding: 1 }), [2, 3, 7, 7], { perMember: true }),
  layerCase('AvgPool2d without padding in the count', () => new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }), [2, 3, 7, 7], { perMember: true }),
  layerCase('LayerNorm', () => new nn.LayerNorm(8), [5, 8], { perMember: true }),
  layerCase('BatchNorm1d in eval mode', batchNorm1dWithStats, [6, 4]),
  layerCase('BatchNorm2d in eval mode', () => new nn.BatchNorm2d(3), [2, 3, 4, 4], { perMember: true }),
  layerCase('Embedding', () => new nn.Embedding(10, 4), [3, 5], { intInput: 10 }),
  layerCase(
    'Sequential of activations with Dropout in eval mode',
    () => new nn.Sequential(new nn.Linear(4, 8), new nn.GELU(), new nn.Linear(8, 8), new nn.GELU('tanh'), new nn.Dropout(0.3), new nn.Linear(8, 8), new nn.SiLU(), new nn.Tanh(), new nn.Sigmoid(), new nn.ReLU()),
    [3, 4],
  ),
  layerCase('softmax', () => new nn.Sequential(new nn.Linear(4, 7), new nn.Softmax(-1)), [3, 4]),
  layerCase('log_softmax, per-member input', () => new nn.Sequential(new nn.Linear(4, 7), new nn.LogSoftmax(1)), [3, 4], { perMember: true }),
  layerCase('ModuleList inside a custom module', () => new Stack(), [3, 4]),
  nonFiniteCase,
];

const REFERENCE_MODELS: Record<string, [() => nn.Module, number]> = {
  tutorial_mlp: [() => new MLP(), 3],
  tutorial_mlp_per_member: [() => new MLP(), 3],
  prenorm: [() => new PreNorm(), 4],
  small_cnn: [() => new SmallCNN(), 2],
};

/** Every torch-reference case but train_step (a training step, checked in the training tests). */
export const REFERENCE_NAMES = Object.keys(REFERENCE_MODELS);

/** A torch-reference case as an ensemble: members loaded from their checkpoints, stacked, vmapped. */
export function referenceCase(name: string): EnsembleCase & { readonly expected: Tensor } {
  const [make, kernels] = REFERENCE_MODELS[name]!;
  const c = loadCase(name);
  const models = c.members.map((sd) => {
    const m = make().eval();
    m.loadStateDict(sd);
    return m;
  });
  const { params, buffers } = stackModuleState(models);
  const f = (p: Dict, b: Dict, x: Tensor): Tensor => functionalCall(models[0]!, [p, b], [x]);
  const fn = vmap(f, [0, 0, c.inputs['x']!.in_dim]);
  return { name, fn: fn as EnsembleCase['fn'], args: [params, buffers, c.io['x']!], rtol: c.rtol, atol: c.atol, kernels, expected: c.io['expected']! };
}

/**
 * Whole training steps (forward, backward through vmap(valueAndGrad), optimizer update) as one
 * function of (state, x, y): what compileTrainStep compiles. Backward graphs use patterns forward
 * graphs do not (transposed convs, one-hot gathers, reductions over the batch).
 */
export const TRAIN_CASES: readonly (() => EnsembleCase)[] = [
  () => {
    const M = 3;
    const models = Array.from({ length: M }, (_, i) => withInitSeed(20 + i, () => new nn.Sequential(new nn.Linear(10, 16), new nn.Tanh(), new nn.Linear(16, 3))));
    const { params } = stackModuleState(models);
    const loss = (p: Dict, x: Tensor, y: Tensor): Tensor => F.crossEntropy(functionalCall(models[0]!, p, [x]), y);
    const step = (s: { params: Dict; opt: optim.AdamState }, x: Tensor, y: Tensor): [{ params: Dict; opt: optim.AdamState }, Tensor] => {
      const [l, grads] = vmap(valueAndGrad(loss))(s.params, x, y);
      const r = optim.adam(s.params, grads, s.opt, { lr: [1e-3, 1e-2, 3e-2] });
      return [{ params: r.params, opt: r.state }, l];
    };
    const gen = new Generator(5);
    const args = [{ params, opt: optim.adamInit(params) }, Tensor.randn([M, 8, 10], { generator: gen }), Tensor.randint(0, 3, [M, 8], { generator: gen })];
    return { name: 'training step: MLP, cross-entropy, Adam with per-member lr', fn: step as EnsembleCase['fn'], args, rtol: 1e-3, atol: 1e-5 };
  },
  () => {
    const M = 2;
    const models = Array.from({ length: M }, (_, i) => withInitSeed(30 + i, () => new nn.Sequential(new nn.Conv2d(2, 3, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(12, 2))));
    const { params } = stackModuleState(models);
    const loss = (p: Dict, x: Tensor, y: Tensor): Tensor => F.mseLoss(functionalCall(models[0]!, p, [x]), y);
    const step = (s: { params: Dict; opt: optim.SGDState }, x: Tensor, y: Tensor): [{ params: Dict; opt: optim.SGDState }, Tensor] => {
      const [l, grads] = vmap(valueAndGrad(loss))(s.params, x, y);
      const r = optim.sgd(s.params, grads, s.opt, { lr: [0.05, 0.1], momentum: 0.9 });
      return [{ params: r.params, opt: r.state }, l];
    };
    const gen = new Generator(6);
    const args = [{ params, opt: optim.sgdInit(params, { lr: [0.05, 0.1], momentum: 0.9 }) }, Tensor.randn([M, 3, 2, 4, 4], { generator: gen }), Tensor.randn([M, 3, 2], { generator: gen })];
    return { name: 'training step: conv + pool, MSE, SGD with momentum', fn: step as EnsembleCase['fn'], args, rtol: 1e-3, atol: 1e-5 };
  },
];

/** The train_step reference case: its members loaded and stacked, and the per-member cross-entropy loss. */
export function trainStepReference(): { c: ReturnType<typeof loadCase>; params: Dict; loss: (p: Dict, x: Tensor, y: Tensor) => Tensor } {
  const c = loadCase('train_step');
  const models = c.members.map((sd) => {
    const m = trainStepModel();
    m.loadStateDict(sd);
    return m;
  });
  const { params } = stackModuleState(models);
  const base = models[0]!;
  const loss = (p: Dict, x: Tensor, y: Tensor): Tensor => F.crossEntropy(functionalCall(base, p, [x]), y);
  return { c, params, loss };
}
