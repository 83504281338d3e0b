// The compile targets: each one's limits, lowering, renderer and runtime, in one table.

import { BackendError } from '../ir/errors.js';
import type { Graph } from '../ir/node.js';
import type { Executor } from '../runtime/device.js';
import type { ExecutionPlan, Target } from '../runtime/plan.js';
import { ReferenceExecutor } from '../runtime/cpu/reference-executor.js';
import type { CudaOptions } from '../runtime/cuda/context.js';
import { acquireWebGpu, type WebGpuOptions } from '../runtime/webgpu/adapter.js';
import { WebGpuExecutor } from '../runtime/webgpu/executor.js';
import { lowerGroupGpu } from './codegen/lower-gpu.js';
import { renderWgsl } from './codegen/render/wgsl.js';
import { buildPlan, type TargetSpec } from './pipeline.js';
import type { CpuOptions } from '../runtime/cpu-native/toolchain.js';

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

function pickLimits(l: DeviceLimits): DeviceLimits {
  return { maxStorageBufferBindingSize: l.maxStorageBufferBindingSize, maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension };
}

/** WebGPU's guaranteed limits, for building plans without a device (AOT packages). */
export const WEBGPU_DEFAULT_LIMITS: DeviceLimits = { maxStorageBufferBindingSize: 128 * 2 ** 20, maxComputeWorkgroupsPerDimension: 65535 };

/** Options every target may read; each reads its own part. */
export interface TargetOptions {
  readonly webgpu?: WebGpuOptions;
  /** The `cuda` target: device ordinal, exact or TF32 matmuls. */
  readonly cuda?: CudaOptions;
  /** The `cpu` target: compiler, flags, cache directory, threads, tile search. */
  readonly cpu?: CpuOptions;
  readonly verify?: boolean;
  /** @internal Rewrites a kernel's source before the device compiles it (tests break kernels with it). */
  readonly patchSource?: (kernel: string, source: string) => string;
  /** @internal Pretends the device has smaller limits (tests exercise chunking without gigabytes). */
  readonly limits?: Partial<DeviceLimits>;
}

export interface Prepared {
  readonly plan: ExecutionPlan;
  readonly executor: Executor;
}

/** What compile() needs from a target: build the plan for this machine and start its runtime. */
export interface TargetDriver {
  readonly name: string;
  prepare(graph: Graph, options: TargetOptions): Promise<Prepared>;
}

function patched(plan: ExecutionPlan, patch: TargetOptions['patchSource']): ExecutionPlan {
  if (!patch) return plan;
  return { ...plan, kernels: plan.kernels.map((k) => ({ ...k, source: patch(k.name, k.source) })) };
}

const EMPTY_PLAN = (target: Target): ExecutionPlan => ({ version: 1, target, arenas: [], inputs: [], constants: [], outputs: [], kernels: [], steps: [] });

export const TARGETS = {
  cuda: {
    name: 'CUDA (NVRTC and the driver API)',
    // Imported on demand: koffi and libcuda load only when CUDA is asked for.
    prepare: async (graph, options) => (await import('./codegen/cuda-target.js')).prepareCuda(graph, options),
  },
  webgpu: {
    name: 'WebGPU',
    async prepare(graph, options) {
      const ctx = await acquireWebGpu(options.webgpu);
      const limits = { ...pickLimits(ctx.limits), ...options.limits };
      const plan = patched(buildPlan(graph, webgpuSpec(limits), { verify: options.verify }).plan, options.patchSource);
      return { plan, executor: await WebGpuExecutor.create(ctx, plan) };
    },
  },
  cpu: {
    name: 'CPU (C compiled by the system compiler)',
    // Imported on demand, like CUDA: koffi loads only when the cpu target is asked for.
    prepare: async (graph, options) => (await import('./cpu-target.js')).prepareCpu(graph, options),
  },
  reference: {
    name: 'the CPU reference',
    async prepare(graph) {
      return { plan: EMPTY_PLAN('cpu'), executor: new ReferenceExecutor(graph) };
    },
  },
} satisfies Record<string, TargetDriver>;

/** A target name for compile(): 'webgpu', 'cuda', 'cpu', 'reference', or 'auto'. */
export type CompileTarget = keyof typeof TARGETS | 'auto';

/** An entry of AUTO_ORDER: a target, or WebGPU restricted to one adapter kind (unless the options pick one). */
export type AutoEntry = keyof typeof TARGETS | 'webgpu:native' | 'webgpu:opengl';

/** The order `target: 'auto'` tries; the first that prepares wins: a real GPU, the C backend, Mesa's CPU WebGPU, the reference. */
export const AUTO_ORDER: readonly AutoEntry[] = ['cuda', 'webgpu:native', 'cpu', 'webgpu:opengl', 'reference'];

export async function prepareTarget(target: CompileTarget, graph: Graph, options: TargetOptions): Promise<Prepared & { target: keyof typeof TARGETS }> {
  if (target !== 'auto') {
    const driver = (TARGETS as Record<string, TargetDriver>)[target];
    if (!driver) throw new BackendError(`unknown target '${String(target)}' (expected one of ${[...Object.keys(TARGETS), 'auto'].join(', ')})`);
    return { ...(await driver.prepare(graph, options)), target };
  }
  const failures: string[] = [];
  const userWebGpu = !!(options.webgpu?.device || (options.webgpu?.backend && options.webgpu.backend !== 'auto'));
  for (const entry of AUTO_ORDER) {
    const [t, backend] = entry.split(':') as [keyof typeof TARGETS, 'native' | 'opengl' | undefined];
    if (backend === 'opengl' && userWebGpu) continue; // the user's adapter choice was tried already
    const opts = backend && !userWebGpu ? { ...options, webgpu: { ...options.webgpu, backend } } : options;
    try {
      return { ...(await TARGETS[t].prepare(graph, opts)), target: t };
    } catch (e) {
      failures.push(`${entry}: ${(e as Error).message}`);
    }
  }
  throw new BackendError(`no target could run this function:\n  ${failures.join('\n  ')}`);
}

export type { Target };
