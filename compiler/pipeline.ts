// The compiler pipeline, read top to bottom: graph passes, fusion, memory, lowering, rendering.

import { verifyGraph } from '../ir/verify.js';
import type { Graph, Node } from '../ir/node.js';
import { topoSort } from '../ir/node.js';
import { numelOf } from '../ir/shape.js';
import { PLAN_VERSION, type ExecutionPlan, type PlanKernel, type PlanTensor, type Target } from '../runtime/plan.js';
import type { Kernel } from './codegen/kernel-ir.js';
import { planMemory, type MemoryLimits } from './codegen/memory.js';
import type { GpuLowering } from './codegen/lower-gpu.js';
import { describeGroup, fuse, type FusedGraph, type FusedGroup } from './passes/fuse.js';
import { narrowI64 } from './passes/narrow-i64.js';
import { simplify } from './passes/simplify.js';
import { BackendError } from '../ir/errors.js';

export interface GraphPass {
  readonly name: string;
  readonly run: (graph: Graph, target: string) => Graph;
}

/** Graph-to-graph passes, in order. Every pass is pure and keeps the graph's signature. */
export const GRAPH_PASSES: readonly GraphPass[] = [
  { name: 'simplify', run: (g) => simplify(g) },
  { name: 'narrow-i64', run: (g, target) => narrowI64(g, target) },
  { name: 'simplify-again', run: (g) => simplify(g) },
];

export function optimizeGraph(graph: Graph, target: string, options: { verify?: boolean } = {}): Graph {
  let g = graph;
  for (const pass of GRAPH_PASSES) {
    g = pass.run(g, target);
    if (options.verify) verifyGraph(g, pass.name);
  }
  return g;
}

/** What a target contributes to the pipeline: its limits, a lowering and a renderer. */
export interface TargetSpec {
  readonly target: Target;
  readonly limits: MemoryLimits;
  readonly maxWorkgroupsPerDim: number;
  readonly lower: (group: FusedGroup, low: GpuLowering) => Kernel;
  readonly render: (kernel: Kernel) => string;
  readonly entry: (kernel: Kernel) => string;
}

export interface BuiltPlan {
  readonly plan: ExecutionPlan;
  readonly optimized: Graph;
  readonly fused: FusedGraph;
}

function kernelName(i: number, g: FusedGroup): string {
  return `k${i}_${g.kind}`;
}

/** Runs the whole pipeline for one target and returns the serializable plan. */
export function buildPlan(graph: Graph, spec: TargetSpec, options: { verify?: boolean } = {}): BuiltPlan {
  const optimized = optimizeGraph(graph, spec.target, options);
  const fused = fuse(optimized);
  const memory = planMemory(fused, spec.limits);
  const order = topoSort(optimized);
  const kernels: PlanKernel[] = fused.groups.map((g, i) => {
    const out = memory.outputRefs.get(g.root.id) ?? memory.refs.get(g.root.id);
    if (!out) throw new BackendError(`no memory for the result of ${describeGroup(g, order)}`);
    const kernel = spec.lower(g, { name: kernelName(i, g), label: describeGroup(g, order), refs: memory.refs, out, maxWorkgroupsPerDim: spec.maxWorkgroupsPerDim });
    return {
      name: kernel.name,
      label: kernel.label,
      source: spec.render(kernel),
      entry: spec.entry(kernel),
      bindings: kernel.bindings.map((b) => ({ name: b.name, arena: Number(b.arena), access: b.access })),
      workgroupSize: kernel.workgroupSize,
      dispatch: kernel.dispatch,
      usesSeed: kernel.usesSeed,
    };
  });
  const userDType = new Map(graph.inputs.map((i) => [i.params.name, i.dtype]));
  // A graph input that is also an output has two places: where it is uploaded, and where the copy kernel writes it.
  const tensor = (n: Node, name: string, user: Node['dtype'], role: 'input' | 'output'): PlanTensor => {
    const ref = (role === 'output' ? memory.outputRefs.get(n.id) : undefined) ?? memory.refs.get(n.id)!;
    return { name, shape: [...n.shape], dtype: n.dtype === 'i32' ? 'i32' : 'f32', userDType: user, ref };
  };
  const constants = fused.groups.flatMap((g) => g.reads).filter((n, i, all) => n.op === 'constant' && all.indexOf(n) === i);
  const plan: ExecutionPlan = {
    version: PLAN_VERSION,
    target: spec.target,
    arenas: memory.arenas,
    inputs: optimized.inputs.map((i) => tensor(i, i.params.name, userDType.get(i.params.name) ?? i.dtype, 'input')),
    constants: constants.map((c) => {
      if (c.op !== 'constant') throw new BackendError('not a constant');
      return { ref: memory.refs.get(c.id)!, dtype: c.dtype === 'i32' ? 'i32' : 'f32', data: c.params.data };
    }),
    outputs: optimized.outputs.map((o, i) => tensor(o, `output${i}`, graph.outputs[i]!.dtype, 'output')),
    kernels,
    steps: kernels.map((_, i) => ({ kind: 'dispatch' as const, kernel: i })),
  };
  void numelOf;
  return { plan, optimized, fused };
}
