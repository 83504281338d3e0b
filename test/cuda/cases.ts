// The graphs the CUDA tests compile: the shared layer and torch-reference cases, built into CUDA plans.

import { convertArray, type TypedArray } from '../../ir/dtype.js';
import { compile, Tensor } from '../../index.js';
import { flatten } from '../../compiler/func/pytree.js';
import { buildPlan } from '../../compiler/pipeline.js';
import { cudaSpec, type CudaMatmul } from '../../compiler/targets/cuda.js';
import type { Graph } from '../../ir/node.js';
import type { ExecutionPlan } from '../../runtime/plan.js';
import { LAYER_CASES, REFERENCE_NAMES, referenceCase, type EnsembleCase } from '../helpers/backend-cases.js';


/** A case the CUDA tests build: the shared backend cases (test/helpers/backend-cases.ts). */
export type CudaCase = EnsembleCase;

export { LAYER_CASES, REFERENCE_NAMES, referenceCase };

export interface BuiltCase {
  readonly c: CudaCase;
  readonly graph: Graph;
  readonly plan: ExecutionPlan;
  /** The plan's inputs in plan order, converted to their device dtypes. */
  readonly inputs: TypedArray[];
  /** The eager CPU results, flattened. */
  readonly expected: Tensor[];
}

/** Traces the case (via the reference target, which needs no device) and builds its CUDA plan. */
export async function buildCase(c: CudaCase, matmul: CudaMatmul): Promise<BuiltCase> {
  const ref = await compile(c.fn, { target: 'reference', example: c.args });
  ref.destroy();
  const plan = buildPlan(ref.graph, cudaSpec({ matmul }), { verify: true }).plan;
  const byPath = new Map<string, Tensor>();
  c.args.forEach((arg, ai) => {
    const flat = flatten(arg, String(ai));
    flat.leaves.forEach((leaf, li) => leaf instanceof Tensor && byPath.set(flat.paths[li]!, leaf));
  });
  const inputs = plan.inputs.map((t) => {
    const leaf = byPath.get(t.name);
    if (!leaf) throw new Error(`no argument for plan input ${t.name}`);
    return convertArray(leaf.data, t.dtype);
  });
  const expected = flatten(c.fn(...c.args)).leaves as Tensor[];
  return { c, graph: ref.graph, plan, inputs, expected };
}
