// vmapc's public API: modules, tensors, the torch.func transforms, and the compiler entry points.
export { Tensor, type NestedNumbers } from './compiler/trace/tensor.js';
// functional ops, as torch.* names them (camelCase): where(), cat(), stack(), matmul(), ...
export {
  where, cat, stack, matmul, full, cast, reshape, broadcastTo, permute, transpose, flatten, unsqueeze, squeeze, expand,
  narrow, select, pad, sum, mean, amax, amin, argmax, variance, softmax, logSoftmax, take, oneHot,
  type TensorLike, type ConvOptions, type PoolOptions,
} from './compiler/trace/ops.js';
export {
  add, sub, mul, div, pow, maximum, minimum, clamp, lt, le, gt, ge, eq, ne,
  neg, abs, sign, exp, log, sqrt, rsqrt, reciprocal, sin, cos, tanh, erf, sigmoid, relu,
} from './compiler/trace/elementwise.js';
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
export type { DType, TypedArray } from './ir/dtype.js';
export type { Shape } from './ir/shape.js';
export type { InputSpec, TracedFunction } from './compiler/trace/trace-fn.js';
export type { RunArgs } from './compiler/compile.js';
export type { TargetName, TargetReport } from './compiler/targets/registry.js';
export type { Randomness } from './compiler/passes/batching.js';
export type { GeneratorState } from './runtime/rng.js';
// Options of the targets (compile's `webgpu`, `cuda` and `cpu`)
export type { WebGpuOptions, WebGpuBackend } from './runtime/webgpu/adapter.js';
export type { GpuDevice, GpuLimits } from './runtime/webgpu/gpu-types.js';
export type { CudaOptions } from './runtime/cuda/context.js';
export type { CpuOptions } from './runtime/cpu-native/toolchain.js';

// training
export { grad, valueAndGrad, vjp, type Argnums, type GradOptions, type GradsOf, type VjpFn } from './compiler/func/grad.js';
export { initEnsemble, type Ensemble, type InitEnsembleOptions } from './compiler/func/init-ensemble.js';
export * as optim from './compiler/optim/index.js';
export { gradPass, type GradPassOptions } from './compiler/passes/grad-pass.js';

// forward mode, Jacobians and Hessians (docs/transforms.md)
export { jvp, linearize, type JvpFn } from './compiler/func/forward-ad.js';
export { jacrev, jacfwd, hessian, type Jacobian, type JacrevOptions, type JacfwdOptions, type ReplaceLeaves } from './compiler/func/jacobians.js';
export { jvpPass, type JvpPassOptions } from './compiler/passes/jvp.js';

// ops with IR ops of their own (issue 13): functional forms of the Tensor methods
export { ceil, cumsum, expm1, floor, gather, log1p, prod, round, argmin, scatterAdd } from './compiler/trace/ops-extra.js';
