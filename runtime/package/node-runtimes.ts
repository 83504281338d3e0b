// The cpu and cuda runtimes of packages (Node only): imported on demand, so a browser never loads them; with webgpu, runtime.js's table.

import { findDawn } from './dawn.js';
import { isNode } from './files.js';
import { nodeOnlyReason, webgpuRuntime, type PackageRuntime, type PackageRuntimes } from './executors.js';
import { useKoffi } from './koffi.js';

const inNodeOnly = (target: 'cpu' | 'cuda') => (): string | undefined => (isNode ? undefined : nodeOnlyReason(target));

/** The cpu target: the plan's C built by the system compiler, called through koffi. */
const cpuRuntime: PackageRuntime = {
  unavailable: inNodeOnly('cpu'),
  async start(plan, ctx, options) {
    await useKoffi(ctx.base, options.koffi);
    return (await import('./cpu-runtime.js')).startCpu(plan, options.cpu);
  },
};

/** The cuda target: the plan's CUDA C compiled by NVRTC, launched through the driver API. */
const cudaRuntime: PackageRuntime = {
  unavailable: inNodeOnly('cuda'),
  async start(plan, ctx, options) {
    await useKoffi(ctx.base, options.koffi);
    return (await import('./cuda-runtime.js')).startCuda(plan, ctx.requires, options.cuda);
  },
};

/** Every target's runtime: what runtime.js (Node, and pages that load a package folder unbundled) runs. */
export const PACKAGE_RUNTIMES: PackageRuntimes = { webgpu: webgpuRuntime(findDawn), cpu: cpuRuntime, cuda: cudaRuntime };
