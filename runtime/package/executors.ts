// The runtimes a package can run on, one per target: each starts an Executor for a stored plan without the compiler.

import { AUTO_ORDER, slotName } from '../auto-order.js';
import type { CpuOptions } from '../cpu-native/toolchain.js';
import type { CudaOptions } from '../cuda/context.js';
import type { Executor } from '../device.js';
import type { ExecutionPlan, Target } from '../plan.js';
import { acquireWebGpu, type WebGpuOptions } from '../webgpu/adapter.js';
import { WebGpuExecutor } from '../webgpu/executor.js';
import { findDawn, useDawn } from './dawn.js';
import { isNode } from './files.js';
import { useKoffi } from './koffi.js';
import { checkLimits } from './limits.js';

export interface RuntimeOptions {
  readonly webgpu?: WebGpuOptions;
  /** Node: the `webgpu` npm package module to use instead of finding one. */
  readonly dawn?: unknown;
  /** Node: the `koffi` npm package module (the cpu and cuda runtimes call C through it). */
  readonly koffi?: unknown;
  /** The cpu target: C compiler, flags, cache folder, threads. */
  readonly cpu?: CpuOptions;
  /** The cuda target: the device ordinal. */
  readonly cuda?: Pick<CudaOptions, 'device'>;
}

export interface RuntimeContext {
  /** The package folder (native dependencies are looked for from there). */
  readonly base: URL;
  /** The device limits the plan needs (the manifest's `requires`). */
  readonly requires: Readonly<Record<string, number>>;
}

export interface PackageRuntime {
  /** Why this runtime cannot run here (e.g. not in a browser), or undefined when it may. */
  unavailable(): string | undefined;
  start(plan: ExecutionPlan, ctx: RuntimeContext, options: RuntimeOptions): Promise<Executor>;
}

const nodeOnly = (target: string) => (): string | undefined => (isNode ? undefined : `the ${target} target runs in Node only`);

const webgpu: PackageRuntime = {
  unavailable: () => undefined,
  async start(plan, ctx, options) {
    if (isNode && !options.webgpu?.device) useDawn(await findDawn(ctx.base, options.dawn));
    const gpu = await acquireWebGpu(options.webgpu);
    const limits: Record<string, unknown> = {};
    for (const key in gpu.limits) limits[key] = (gpu.limits as unknown as Record<string, unknown>)[key];
    checkLimits(limits, ctx.requires, gpu.description);
    return WebGpuExecutor.create(gpu, plan);
  },
};

// The cpu and cuda runtimes are imported on demand: they use Node's modules and koffi, which a browser never loads.
const cpu: PackageRuntime = {
  unavailable: nodeOnly('cpu'),
  async start(plan, ctx, options) {
    await useKoffi(ctx.base, options.koffi);
    return (await import('./cpu-runtime.js')).startCpu(plan, options.cpu);
  },
};

const cuda: PackageRuntime = {
  unavailable: nodeOnly('cuda'),
  async start(plan, ctx, options) {
    await useKoffi(ctx.base, options.koffi);
    return (await import('./cuda-runtime.js')).startCuda(plan, ctx.requires, options.cuda);
  },
};

export const PACKAGE_RUNTIMES: { readonly [T in Target]: PackageRuntime } = { webgpu, cpu, cuda };

/** One try of `target: 'auto'`: a target, with WebGPU limited to one kind of adapter. */
export interface AutoStep {
  readonly target: Target;
  readonly webgpu?: WebGpuOptions;
  /** The slot in words, e.g. `webgpu:native`. */
  readonly slot: string;
}

/**
 * The order `target: 'auto'` tries the package's targets: AUTO_ORDER, as compile()'s auto. An adapter
 * or device the app chose (or a browser, which has one adapter) makes WebGPU one step, at the native
 * slot's place.
 */
export function autoSteps(built: readonly Target[], options: RuntimeOptions): AutoStep[] {
  const chosen = !!(options.webgpu?.device || (options.webgpu?.backend && options.webgpu.backend !== 'auto')) || !isNode;
  return AUTO_ORDER.filter((s) => built.includes(s.target)).flatMap((s): AutoStep[] => {
    if (!s.adapter) return [{ target: s.target, slot: slotName(s) }];
    if (chosen) return s.adapter === 'native' ? [{ target: s.target, slot: s.target }] : [];
    return [{ target: s.target, webgpu: { ...options.webgpu, backend: s.adapter }, slot: slotName(s) }];
  });
}
