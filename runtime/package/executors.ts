// The runtimes a package can run on, one per target: each starts an Executor for a stored plan without the compiler.

import { BackendError } from '../../ir/errors.js';
import type { Executor } from '../device.js';
import type { ExecutionPlan, Target } from '../plan.js';
import { acquireWebGpu, type WebGpuOptions } from '../webgpu/adapter.js';
import { WebGpuExecutor } from '../webgpu/executor.js';
import { findDawn, useDawn } from './dawn.js';
import { isNode } from './files.js';

export interface RuntimeOptions {
  readonly webgpu?: WebGpuOptions;
  /** Node only: the `webgpu` npm package module to use instead of finding one. */
  readonly dawn?: unknown;
}

export interface RuntimeContext {
  /** The package folder (for finding native dependencies next to it). */
  readonly base: URL;
  /** The device limits the plan needs (the manifest's `requires`). */
  readonly requires: Readonly<Record<string, number>>;
}

export type PackageRuntime = (plan: ExecutionPlan, ctx: RuntimeContext, options: RuntimeOptions) => Promise<Executor>;

/** Names a device limit that is below what the plan was built for. */
function checkLimits(have: Readonly<Record<string, unknown>>, requires: Readonly<Record<string, number>>, device: string): void {
  for (const [key, need] of Object.entries(requires)) {
    const got = have[key];
    if (typeof got === 'number' && got < need) {
      throw new BackendError(`${device} has ${key} = ${got}, but this package's plan needs ${need}; rebuild the package for this device or use another one`);
    }
  }
}

async function webgpuRuntime(plan: ExecutionPlan, ctx: RuntimeContext, options: RuntimeOptions): Promise<Executor> {
  if (isNode && !options.webgpu?.device) useDawn(await findDawn(ctx.base, options.dawn));
  const gpu = await acquireWebGpu(options.webgpu);
  const limits: Record<string, unknown> = {};
  for (const key in gpu.limits) limits[key] = (gpu.limits as unknown as Record<string, unknown>)[key];
  checkLimits(limits, ctx.requires, gpu.description);
  return WebGpuExecutor.create(gpu, plan);
}

/**
 * The targets this runtime can run. A target whose runtime is not listed here (yet) is skipped by
 * `target: 'auto'` and named in the error when asked for explicitly.
 */
export const PACKAGE_RUNTIMES: { readonly [T in Target]?: PackageRuntime } = {
  webgpu: webgpuRuntime,
};
