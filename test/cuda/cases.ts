// The graphs the CUDA tests compile: every layer of test/webgpu/layers.test.ts and the torch-reference cases (not train_step).

import { convertArray, type TypedArray } from '../../ir/dtype.js';
import { compile, functionalCall, manualSeed, nn, stackModuleState, Tensor, vmap } from '../../index.js';
import { flatten } from '../../compiler/func/pytree.js';
import { buildPlan } from '../../compiler/pipeline.js';
import { cudaSpec, type CudaMatmul } from '../../compiler/codegen/cuda-spec.js';
import type { Graph } from '../../ir/node.js';
import type { ExecutionPlan } from '../../runtime/plan.js';
import { MLP, PreNorm, SmallCNN } from '../../examples/models.js';
import { loadCase } from '../helpers/reference.js';

type Dict = Record<string, Tensor>;

export interface CudaCase {
  readonly name: string;
  readonly fn: (...args: unknown[]) => unknown;
  readonly args: unknown[];
  /** Tolerances against the eager CPU result (exact FP32 matmuls). */
  readonly rtol: number;
  readonly atol: number;
  /** The expected kernel count, where a test pins it. */
  readonly kernels?: number;
}

function layer(name: string, make: () => nn.Module, xShape: number[], options: { M?: number; perMember?: boolean; intInput?: number } = {}): () => CudaCase {
  return () => {
    manualSeed(7);
    const M = options.M ?? 3;
    const models = Array.from({ length: M }, () => make().eval());
    const { params, buffers } = stackModuleState(models);
    const shape = options.perMember ? [M, ...xShape] : xShape;
    const x = options.intInput ? Tensor.randint(0, options.intInput, shape) : Tensor.randn(shape);
    const fn = vmap((p: Dict, b: Dict, xi: Tensor) => functionalCall(models[0]!, [p, b], [xi]), [0, 0, options.perMember ? 0 : null]);
    return { name, fn: fn as CudaCase['fn'], args: [params, buffers, x], rtol: 1e-4, atol: 1e-5 };
  };
}

class Stack extends nn.Module {
  layers = new nn.ModuleList([new nn.Linear(4, 4), new nn.Linear(4, 4)]);
  forward(x: Tensor): Tensor {
    for (const l of this.layers) x = (l.forward as (t: Tensor) => Tensor)(x).relu();
    return x.sum(-1).add(x.mean(-1)).add(x.amax(-1));
  }
}

function bn1(): nn.Module {
  const m = new nn.BatchNorm1d(4);
  m.running_mean = new nn.Buffer(Tensor.randn([4]));
  m.running_var = new nn.Buffer(Tensor.rand([4], { low: 0.5, high: 2 }));
  return m;
}

/** The layer list of the WebGPU layer tests, plus a Linear big enough for tensor-core tiles. */
export const LAYER_CASES: readonly (() => CudaCase)[] = [
  layer('Linear, shared input', () => new nn.Linear(6, 5), [4, 6]),
  layer('Linear, per-member input', () => new nn.Linear(6, 5), [4, 6], { perMember: true }),
  layer('Linear without bias on 3-d input', () => new nn.Linear(6, 5, { bias: false }), [2, 3, 6]),
  layer('Linear 40 -> 72 (tensor-core tiles)', () => new nn.Linear(40, 72), [70, 40], { perMember: true, M: 2 }),
  layer('Conv1d with stride and padding', () => new nn.Conv1d(3, 4, 3, { stride: 2, padding: 1 }), [2, 3, 9]),
  layer('Conv2d with groups', () => new nn.Conv2d(4, 6, 3, { padding: 1, groups: 2 }), [2, 4, 5, 5]),
  layer('Conv2d with stride, per-member input', () => new nn.Conv2d(3, 4, 3, { stride: 2 }), [2, 3, 7, 7], { perMember: true }),
  layer('MaxPool2d', () => new nn.MaxPool2d(2), [2, 3, 6, 6], { perMember: true }),
  layer('AvgPool2d', () => new nn.AvgPool2d(3, { stride: 2, padding: 1 }), [2, 3, 7, 7], { perMember: true }),
  layer('AvgPool2d without padding in the count', () => new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }), [2, 3, 7, 7], { perMember: true }),
  layer('LayerNorm', () => new nn.LayerNorm(8), [5, 8], { perMember: true }),
  layer('BatchNorm1d in eval mode', bn1, [6, 4]),
  layer('BatchNorm2d in eval mode', () => new nn.BatchNorm2d(3), [2, 3, 4, 4], { perMember: true }),
  layer('Embedding', () => new nn.Embedding(10, 4), [3, 5], { intInput: 10 }),
  layer(
    'Sequential of activations with Dropout in eval mode',
    () => new nn.Sequential(new nn.Linear(4, 8), new nn.GELU(), new nn.Linear(8, 8), new nn.GELU('tanh'), new nn.Dropout(0.3), new nn.Linear(8, 8), new nn.SiLU(), new nn.Tanh(), new nn.Sigmoid(), new nn.ReLU()),
    [3, 4],
  ),
  layer('softmax', () => new nn.Sequential(new nn.Linear(4, 7), new nn.Softmax(-1)), [3, 4]),
  layer('log_softmax, per-member input', () => new nn.Sequential(new nn.Linear(4, 7), new nn.LogSoftmax(1)), [3, 4], { perMember: true }),
  layer('ModuleList inside a custom module', () => new Stack(), [3, 4]),
];

const MODELS: Record<string, [() => nn.Module, number]> = {
  tutorial_mlp: [() => new MLP(), 3],
  tutorial_mlp_per_member: [() => new MLP(), 3],
  prenorm: [() => new PreNorm(), 4],
  small_cnn: [() => new SmallCNN(), 2],
};

/** Every torch-reference case but train_step (training is another issue's). */
export const REFERENCE_NAMES = Object.keys(MODELS);

export function referenceCase(name: string): CudaCase {
  const [make, kernels] = MODELS[name]!;
  const c = loadCase(name);
  const models = c.members.map((sd) => {
    const m = make().eval();
    m.loadStateDict(sd);
    return m;
  });
  const { params, buffers } = stackModuleState(models);
  const f = (p: Dict, b: Dict, x: Tensor): Tensor => functionalCall(models[0]!, [p, b], [x]);
  const fn = vmap(f, [0, 0, c.inputs['x']!.in_dim]);
  return { name, fn: fn as CudaCase['fn'], args: [params, buffers, c.io['x']!], rtol: c.rtol, atol: c.atol, kernels };
}

export interface BuiltCase {
  readonly c: CudaCase;
  readonly graph: Graph;
  readonly plan: ExecutionPlan;
  /** The plan's inputs in plan order, converted to their device dtypes. */
  readonly inputs: TypedArray[];
  /** The eager CPU results, flattened. */
  readonly expected: Tensor[];
}

/** Traces the case (via the reference target, which needs no device) and builds its CUDA plan. */
export async function buildCase(c: CudaCase, matmul: CudaMatmul): Promise<BuiltCase> {
  const ref = await compile(c.fn, { target: 'reference', example: c.args });
  ref.destroy();
  const plan = buildPlan(ref.graph, cudaSpec({ matmul }), { verify: true }).plan;
  const byPath = new Map<string, Tensor>();
  c.args.forEach((arg, ai) => {
    const flat = flatten(arg, String(ai));
    flat.leaves.forEach((leaf, li) => leaf instanceof Tensor && byPath.set(flat.paths[li]!, leaf));
  });
  const inputs = plan.inputs.map((t) => {
    const leaf = byPath.get(t.name);
    if (!leaf) throw new Error(`no argument for plan input ${t.name}`);
    return convertArray(leaf.data, t.dtype);
  });
  const expected = flatten(c.fn(...c.args)).leaves as Tensor[];
  return { c, graph: ref.graph, plan, inputs, expected };
}
