// The `cuda` target: CUDA C kernels compiled by NVRTC and run with the driver API (both loaded on demand, Node only).

import type { ExecutionPlan } from '../../runtime/plan.js';
import { lowerGroupGpu } from '../codegen/lower-gpu.js';
import { lowerMatmulTf32, mmaFits } from '../codegen/matmul-cuda.js';
import { renderCuda } from '../codegen/render/cuda.js';
import type { TargetSpec } from '../codegen/target-spec.js';
import { buildPlan } from '../pipeline.js';
import { patched, planNeeds, type TargetDefinition } from './target.js';
import { requireNode } from '../../runtime/platform.js';

/** The CUDA runtime (koffi, libcuda, libnvrtc), imported by specifiers that browser bundlers leave alone (docs/browser.md). */
const NODE_ONLY = { context: '../../runtime/cuda/context.js', executor: '../../runtime/cuda/executor.js' };

/**
 * How matmuls run. 'exact': the shared tiled FP32 kernel (every product and sum in FP32, as PyTorch's
 * default `allow_tf32 = False`). 'tf32': tensor cores (mma.sync m16n8k8), inputs rounded to TF32's
 * 10-bit mantissa and accumulated in FP32; about 1e-3 relative error per product, much faster on large
 * matmuls. Needs compute capability 8.0 or later; older devices use 'exact'.
 */
export type CudaMatmul = 'exact' | 'tf32';

/** What a CUDA plan is built for. */
export interface CudaSpecOptions {
  readonly matmul?: CudaMatmul;
  /** The device's compute capability as major * 10 + minor (90 for Hopper); TF32 needs 80 or more. */
  readonly computeCapability?: number;
}

/** The compute capability plans are built for when no device is at hand (Hopper, the lent H200's). */
export const CUDA_DEFAULT_CC = 90;

/** The matmul kind a spec really uses on a device, after the capability check. */
export function effectiveMatmul(options: CudaSpecOptions): CudaMatmul {
  const cc = options.computeCapability ?? CUDA_DEFAULT_CC;
  return options.matmul === 'tf32' && cc >= 80 ? 'tf32' : 'exact';
}

/** The CUDA spec: the GPU lowering (tensor-core matmuls when asked for and they fit) and the CUDA renderer. */
export function cudaSpec(options: CudaSpecOptions = {}): TargetSpec {
  const tf32 = effectiveMatmul(options) === 'tf32';
  return {
    target: 'cuda',
    // Index math is 32-bit, so one arena holds at most 2^31 - 1 words; 128-byte alignment for coalescing.
    limits: { maxArenaWords: 2 ** 31 - 1, alignWords: 32 },
    // gridDim.y and .z are limited to 65535 (x allows more, but the shared lowering splits over x and y alike).
    maxWorkgroupsPerDim: 65535,
    lower: (group, low) => (tf32 && mmaFits(group) ? lowerMatmulTf32(group, low) : lowerGroupGpu(group, low)),
    render: renderCuda,
    entry: (kernel) => kernel.name,
  };
}

function requires(plan: ExecutionPlan): Record<string, number> {
  const { threads, grid } = planNeeds;
  return { maxThreadsPerBlock: threads(plan), maxGridDimX: grid(plan, 0), maxGridDimY: grid(plan, 1), maxGridDimZ: grid(plan, 2) };
}

/** The cuda target. */
export const cuda: TargetDefinition = {
  name: 'cuda',
  title: 'CUDA (NVRTC and the driver API)',
  async prepare(graph, options) {
    // koffi, libcuda and libnvrtc load only when CUDA is asked for.
    requireNode('cuda', 'it loads NVRTC and the CUDA driver');
    const [{ acquireCuda }, { CudaExecutor }] = await Promise.all([
      import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_ONLY.context) as Promise<typeof import('../../runtime/cuda/context.js')>,
      import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_ONLY.executor) as Promise<typeof import('../../runtime/cuda/executor.js')>,
    ]);
    const ctx = acquireCuda(options.cuda);
    const matmul = options.cuda?.matmul ?? (process.env['VMAPC_CUDA_MATMUL'] === 'tf32' ? 'tf32' : 'exact');
    const plan = patched(buildPlan(graph, cudaSpec({ matmul, computeCapability: ctx.computeCapability }), { verify: options.verify }).plan, options.patchSource);
    return { plan, executor: CudaExecutor.create(ctx, plan) };
  },
  // Exact FP32 matmuls: the plan runs on every compute capability NVRTC targets at load time.
  aot: { spec: async () => cudaSpec({ matmul: 'exact' }), requires },
  // No GPU here: the fuzzer compiles its kernels with nvcc (test/fuzz/cuda-check.ts).
  fuzz: { mode: 'compile-check', f64: false },
};
