// The runtimes a package can run on: their interface, the webgpu runtime, a stand-in for Node-only targets, and auto's order.

import { BackendError } from '../../ir/errors.js';
import { AUTO_ORDER, slotName } from '../auto-order.js';
import type { CpuOptions } from '../cpu-native/toolchain.js';
import type { CudaOptions } from '../cuda/context.js';
import type { Executor } from '../device.js';
import type { ExecutionPlan, Target } from '../plan.js';
import { acquireWebGpu, useDawnModule, type DawnModule, type WebGpuOptions } from '../webgpu/adapter.js';
import { WebGpuExecutor } from '../webgpu/executor.js';
import { isNode } from './files.js';
import { checkLimits } from './limits.js';

/** The options of `load()` that the runtimes read. */
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

/** What a runtime is told about the package it starts. */
export interface RuntimeContext {
  /** The package folder (native dependencies are looked for from there). */
  readonly base: URL;
  /** The device limits the plan needs (the manifest's `requires`). */
  readonly requires: Readonly<Record<string, number>>;
}

/** One target's runtime for packages: whether it can run here, and how it starts an Executor for a stored plan. */
export interface PackageRuntime {
  /** Why this runtime cannot run here (e.g. not in a browser), or undefined when it may. */
  unavailable(): string | undefined;
  start(plan: ExecutionPlan, ctx: RuntimeContext, options: RuntimeOptions): Promise<Executor>;
}

/** One runtime per target: the loader of runtime.js has all three, the browser loader (runtime-browser.js) webgpu only. */
export type PackageRuntimes = { readonly [T in Target]: PackageRuntime };

/** Finds Dawn in Node: the module the app gave (`load({ dawn })`), or one found from the package's folder. */
export type DawnFinder = (packageFolder: URL, given: unknown) => Promise<DawnModule>;

/**
 * WebGPU: navigator.gpu in a browser; in Node, Dawn from `findDawn` (runtime.js passes one; the browser
 * build has none, so it holds no code that looks for Node packages).
 */
export function webgpuRuntime(findDawn?: DawnFinder): PackageRuntime {
  return {
    unavailable: () => undefined,
    async start(plan, ctx, options) {
      if (isNode && findDawn && !options.webgpu?.device) useDawnModule(await findDawn(ctx.base, options.dawn));
      const gpu = await acquireWebGpu(options.webgpu);
      const limits: Record<string, unknown> = {};
      for (const key in gpu.limits) limits[key] = (gpu.limits as unknown as Record<string, unknown>)[key];
      checkLimits(limits, ctx.requires, gpu.description);
      return WebGpuExecutor.create(gpu, plan);
    },
  };
}

/** Why a Node-only target cannot run here: in a browser, always. */
export const nodeOnlyReason = (target: Target): string => `the ${target} target runs in Node only`;

/** A target that a browser build of the loader leaves out (cpu, cuda): never available there. */
export function nodeOnlyRuntime(target: Target): PackageRuntime {
  return {
    unavailable: () => nodeOnlyReason(target),
    start: () => Promise.reject(new BackendError(nodeOnlyReason(target))),
  };
}

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
