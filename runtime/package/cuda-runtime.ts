// The cuda target's runtime for packages (Node only, loaded on demand): the plan's CUDA C compiled by NVRTC for this device.

import type { Executor } from '../device.js';
import type { ExecutionPlan } from '../plan.js';
import { acquireCuda, describeCuda, type CudaOptions } from '../cuda/context.js';
import { CudaExecutor } from '../cuda/executor.js';
import { checkLimits } from './limits.js';

export function startCuda(plan: ExecutionPlan, requires: Readonly<Record<string, number>>, options: CudaOptions = {}): Executor {
  const ctx = acquireCuda(options);
  const have = { maxThreadsPerBlock: ctx.maxThreadsPerBlock, maxGridDimX: ctx.maxGrid[0], maxGridDimY: ctx.maxGrid[1], maxGridDimZ: ctx.maxGrid[2], computeCapability: ctx.computeCapability };
  checkLimits(have, requires, describeCuda(ctx));
  return CudaExecutor.create(ctx, plan);
}
