// The `reference` target: the IR interpreter (f64 math, f32 storage), the oracle and the last resort of `auto`.

import type { ExecutionPlan } from '../../runtime/plan.js';
import { ReferenceExecutor } from '../../runtime/reference/reference-executor.js';
import type { TargetDefinition } from './target.js';

/** A reference plan: no arenas and no kernels (the interpreter runs the graph itself). */
const referencePlan = (): ExecutionPlan => ({ version: 1, target: 'reference', arenas: [], inputs: [], constants: [], outputs: [], kernels: [], steps: [] });

/** The reference target. */
export const reference: TargetDefinition = {
  name: 'reference',
  title: 'the CPU reference interpreter',
  async prepare(graph) {
    return { plan: referencePlan(), executor: new ReferenceExecutor(graph) };
  },
  fuzz: { mode: 'run', f64: true },
};
