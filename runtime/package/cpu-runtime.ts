// The cpu target's runtime for packages (Node only, loaded on demand): the plan's C kernels built by the system compiler, run through koffi.

import type { Executor } from '../device.js';
import type { ExecutionPlan } from '../plan.js';
import { CpuNativeExecutor } from '../cpu-native/executor.js';
import { findToolchain, type CpuOptions } from '../cpu-native/toolchain.js';

export function startCpu(plan: ExecutionPlan, options: CpuOptions = {}): Executor {
  return CpuNativeExecutor.create(findToolchain(options), plan, options.threads);
}
