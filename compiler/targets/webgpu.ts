// The `webgpu` target: WGSL kernels on a WebGPU device (navigator.gpu, or Dawn in Node); loads nothing Node-only.

import type { ExecutionPlan } from '../../runtime/plan.js';
import { lowerGroupGpu } from '../codegen/lower-gpu.js';
import { renderWgsl } from '../codegen/render/wgsl.js';
import type { TargetSpec } from '../codegen/target-spec.js';
import { buildPlan } from '../pipeline.js';
import { patched, planNeeds, type DeviceLimits, type TargetDefinition } from './target.js';

/** The WebGPU spec for a device's limits: arenas up to one binding, 64-byte alignment. */
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

function requires(plan: ExecutionPlan): Record<string, number> {
  const { max, grid, threads } = planNeeds;
  const k = plan.kernels;
  return {
    maxStorageBufferBindingSize: max(plan.arenas.map((a) => Math.max(16, Math.ceil((a.words * 4) / 16) * 16))),
    maxStorageBuffersPerShaderStage: max(k.map((x) => x.bindings.length)),
    maxComputeWorkgroupsPerDimension: max([0, 1, 2].map((axis) => grid(plan, axis))),
    maxComputeInvocationsPerWorkgroup: threads(plan),
    maxComputeWorkgroupSizeX: max(k.map((x) => x.workgroupSize[0])),
    maxComputeWorkgroupSizeY: max(k.map((x) => x.workgroupSize[1])),
    maxComputeWorkgroupSizeZ: max(k.map((x) => x.workgroupSize[2])),
  };
}

/** The webgpu target. */
export const webgpu: TargetDefinition = {
  name: 'webgpu',
  title: 'WebGPU',
  async prepare(graph, options) {
    const [{ acquireWebGpu }, { WebGpuExecutor }] = await Promise.all([import('../../runtime/webgpu/adapter.js'), import('../../runtime/webgpu/executor.js')]);
    const ctx = await acquireWebGpu(options.webgpu);
    const l = ctx.limits;
    const limits = { maxStorageBufferBindingSize: l.maxStorageBufferBindingSize, maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension, ...options.limits };
    const plan = patched(buildPlan(graph, webgpuSpec(limits), { verify: options.verify }).plan, options.patchSource);
    return { plan, executor: await WebGpuExecutor.create(ctx, plan) };
  },
  aot: {
    spec: async (o) => webgpuSpec({ ...WEBGPU_DEFAULT_LIMITS, maxStorageBufferBindingSize: o?.webgpuMaxBindingBytes ?? WEBGPU_DEFAULT_LIMITS.maxStorageBufferBindingSize }),
    requires,
  },
  fuzz: { mode: 'run', f64: false },
};
