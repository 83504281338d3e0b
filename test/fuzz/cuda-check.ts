// The CUDA compile check for fuzz graphs: the plan as the cuda target builds it (exact and TF32 matmuls), through nvcc -ptx and ptxas for sm_90.

import type { Graph } from '../../ir/node.js';
import { cudaSpec } from '../../compiler/targets/cuda.js';
import { buildPlan } from '../../compiler/pipeline.js';
import { buildForSm90, findCudaTools, prefixedSource } from '../cuda/nvcc.js';
import type { CompileChecker } from './backends.js';

/** The checker, or undefined when nvcc/ptxas are not installed. */
export function cudaChecker(): CompileChecker | undefined {
  const tools = findCudaTools();
  if ('missing' in tools) return undefined;
  return {
    source(graph, prefix) {
      const plans = (['exact', 'tf32'] as const).map((matmul) => ({ tag: `${prefix}_${matmul}`, plan: buildPlan(graph, cudaSpec({ matmul }), { verify: true }).plan }));
      return {
        source: plans.map(({ tag, plan }) => (plan.kernels.length ? prefixedSource(plan, tag) : '')).join('\n'),
        entries: plans.flatMap(({ tag, plan }) => plan.kernels.map((k) => `${tag}_${k.entry}`)),
      };
    },
    build: (source) => buildForSm90(tools, source).entries,
  };
}
