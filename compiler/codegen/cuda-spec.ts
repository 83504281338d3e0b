// The CUDA target's part of the pipeline: its limits, its matmul choice (exact FP32 or TF32 tensor cores) and its renderer.

import type { TargetSpec } from '../pipeline.js';
import { lowerGroupGpu } from './lower-gpu.js';
import { lowerMatmulTf32, mmaFits } from './matmul-cuda.js';
import { renderCuda } from './render/cuda.js';

/**
 * How matmuls run. 'exact': the shared tiled FP32 kernel (every product and sum in FP32, as PyTorch's
 * default `allow_tf32 = False`). 'tf32': tensor cores (mma.sync m16n8k8), inputs rounded to TF32's
 * 10-bit mantissa and accumulated in FP32; about 1e-3 relative error per product, much faster on large
 * matmuls. Needs compute capability 8.0 or later; older devices use 'exact'.
 */
export type CudaMatmul = 'exact' | 'tf32';

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
