// vmapc's public API: modules, tensors, the torch.func transforms, and the compiler entry points.
export { Tensor, type NestedNumbers } from './compiler/trace/tensor.js';
export * as nn from './compiler/nn/index.js';
export * as F from './compiler/nn/functional.js';
export { stackModuleState, type StackedState } from './compiler/func/stack.js';
export { functionalCall, type FunctionalCallOptions, type TensorDict } from './compiler/func/functional-call.js';
export { vmap, type InDims, type OutDims, type VmapOptions } from './compiler/func/vmap.js';
export { traceFunction, applyGraph } from './compiler/trace/trace-fn.js';
export { compile, type CompileOptions, type CompiledFunction, type CompileTarget, type KernelInfo } from './compiler/compile.js';
export { compileTrainStep, type CompiledTrainStep } from './compiler/train.js';
export { loadSafetensors, parseSafetensors, serializeSafetensors } from './compiler/io.js';
export { manualSeed, Generator } from './runtime/rng.js';
export * from './ir/errors.js';
export type { DType } from './ir/dtype.js';

// training
export { grad, valueAndGrad, vjp, type Argnums, type GradOptions, type GradsOf, type VjpFn } from './compiler/func/grad.js';
export { initEnsemble, type Ensemble, type InitEnsembleOptions } from './compiler/func/init-ensemble.js';
export * as optim from './compiler/optim/index.js';
export { gradPass, type GradPassOptions } from './compiler/passes/grad-pass.js';

// forward mode, Jacobians and Hessians (docs/transforms.md)
export { jvp, linearize, type JvpFn } from './compiler/func/forward-ad.js';
export { jacrev, jacfwd, hessian, type Jacobian, type JacrevOptions, type JacfwdOptions } from './compiler/func/jacobians.js';
export { jvpPass, type JvpPassOptions } from './compiler/passes/jvp.js';

// ops with IR ops of their own (issue 13): functional forms of the Tensor methods
export { ceil, cumsum, expm1, floor, gather, log1p, prod, round, argmin, scatterAdd } from './compiler/trace/ops-extra.js';
