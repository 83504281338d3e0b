// The compile targets the pipeline knows: their limits, lowering and renderer.

import type { Target } from '../runtime/plan.js';
import { lowerGroupGpu } from './codegen/lower-gpu.js';
import { renderWgsl } from './codegen/render/wgsl.js';
import type { TargetSpec } from './pipeline.js';

export interface DeviceLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxComputeWorkgroupsPerDimension: number;
}

export function webgpuSpec(limits: DeviceLimits): TargetSpec {
  return {
    target: 'webgpu',
    limits: { maxArenaWords: Math.floor(limits.maxStorageBufferBindingSize / 4), alignWords: 16 },
    maxWorkgroupsPerDim: limits.maxComputeWorkgroupsPerDimension,
    lower: lowerGroupGpu,
    render: renderWgsl,
    entry: () => 'main',
  };
}

/** WebGPU's guaranteed limits, for building plans without a device (AOT packages). */
export const WEBGPU_DEFAULT_LIMITS: DeviceLimits = { maxStorageBufferBindingSize: 128 * 2 ** 20, maxComputeWorkgroupsPerDimension: 65535 };

export type { Target };
