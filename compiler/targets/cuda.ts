// The `cuda` target's driver: find the device, build the plan for its compute capability, start the CUDA runtime.

import type { Graph } from '../../ir/node.js';
import { acquireCuda } from '../../runtime/cuda/context.js';
import { CudaExecutor } from '../../runtime/cuda/executor.js';
import { buildPlan } from '../pipeline.js';
import type { Prepared, TargetOptions } from './registry.js';
import { cudaSpec } from '../codegen/cuda-spec.js';

/** Loaded on demand by compiler/targets/registry.ts, so koffi and the driver load only when CUDA is asked for. */
export async function prepareCuda(graph: Graph, options: TargetOptions): Promise<Prepared> {
  const ctx = acquireCuda(options.cuda);
  const matmul = options.cuda?.matmul ?? (process.env['VMAPC_CUDA_MATMUL'] === 'tf32' ? 'tf32' : 'exact');
  let plan = buildPlan(graph, cudaSpec({ matmul, computeCapability: ctx.computeCapability }), { verify: options.verify }).plan;
  const patch = options.patchSource;
  if (patch) plan = { ...plan, kernels: plan.kernels.map((k) => ({ ...k, source: patch(k.name, k.source) })) };
  return { plan, executor: CudaExecutor.create(ctx, plan) };
}
