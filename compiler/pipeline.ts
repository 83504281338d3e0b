// The compiler pipeline, read top to bottom: graph passes, fusion, memory, lowering, rendering.

import { verifyGraph } from '../ir/verify.js';
import type { Graph, Node } from '../ir/node.js';
import { topoSort } from '../ir/node.js';
import { PLAN_VERSION, type ExecutionPlan, type PlanArena, type PlanKernel, type PlanTensor } from '../runtime/plan.js';
import { planMemory } from './codegen/memory.js';
import { faultSites, type TargetSpec } from './codegen/target-spec.js';
import { describeGroup, fuse, type FusedGraph, type FusedGroup } from './passes/fuse.js';
import { narrowI64 } from './passes/narrow-i64.js';
import { pieceOf, splitLargeInputs } from './passes/split-inputs.js';
import { simplify } from './passes/simplify.js';
import { BackendError } from '../ir/errors.js';

export interface PassContext {
  readonly target: string;
  /** The largest tensor one binding holds, in 4-byte words. */
  readonly maxArenaWords: number;
}

export interface GraphPass {
  readonly name: string;
  readonly run: (graph: Graph, ctx: PassContext) => Graph;
}

/**
 * Graph-to-graph passes, in order. Every pass is pure. All but split-inputs keep the graph's
 * signature; split-inputs cuts oversized inputs into per-chunk inputs that the plan maps back.
 */
export const GRAPH_PASSES: readonly GraphPass[] = [
  { name: 'simplify', run: (g) => simplify(g) },
  { name: 'narrow-i64', run: (g, ctx) => narrowI64(g, ctx.target) },
  { name: 'simplify-again', run: (g) => simplify(g) },
  { name: 'split-inputs', run: (g, ctx) => splitLargeInputs(g, ctx.maxArenaWords) },
];

/** Runs GRAPH_PASSES; a bare target name means no binding-size limit (nothing is split). */
export function optimizeGraph(graph: Graph, target: PassContext | string, options: { verify?: boolean } = {}): Graph {
  const ctx: PassContext = typeof target === 'string' ? { target, maxArenaWords: Infinity } : target;
  let g = graph;
  for (const pass of GRAPH_PASSES) {
    g = pass.run(g, ctx);
    if (options.verify) verifyGraph(g, pass.name);
  }
  return g;
}

export type { TargetSpec };

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
  const optimized = optimizeGraph(graph, { target: spec.target, maxArenaWords: spec.limits.maxArenaWords }, options);
  const fused = fuse(optimized);
  const memory = planMemory(fused, spec.limits);
  const order = topoSort(optimized);
  // Index checks write to one more arena, after the memory plan's (present only when a kernel checks).
  const faults = faultSites(memory.arenas.length);
  const kernels: PlanKernel[] = fused.groups.map((g, i) => {
    const out = memory.outputRefs.get(g.root.id) ?? memory.refs.get(g.root.id);
    if (!out) throw new BackendError(`no memory for the result of ${describeGroup(g, order)}`);
    const kernel = spec.lower(g, { name: kernelName(i, g), label: describeGroup(g, order), refs: memory.refs, out, maxWorkgroupsPerDim: spec.maxWorkgroupsPerDim, faults });
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
  // A graph input that is also an output has two places: where it is uploaded, and where the copy kernel writes it.
  const tensor = (n: Node, name: string, user: Node['dtype'], role: 'input' | 'output', shape: readonly number[] = n.shape): PlanTensor => {
    const ref = (role === 'output' ? memory.outputRefs.get(n.id) : undefined) ?? memory.refs.get(n.id)!;
    return { name, shape: [...shape], dtype: n.dtype === 'i32' ? 'i32' : 'f32', userDType: user, ref };
  };
  // Plan inputs follow the traced graph's inputs; one that split-inputs cut lists its pieces.
  const planInput = (inp: Graph['inputs'][number]): PlanTensor => {
    const direct = optimized.inputs.find((o) => o.params.name === inp.params.name && !pieceOf(o));
    if (direct) return tensor(direct, inp.params.name, inp.dtype, 'input');
    const parts = optimized.inputs.filter((o) => pieceOf(o)?.source === inp.params.name);
    if (!parts.length) throw new BackendError(`input '${inp.params.name}' vanished from the optimized graph`);
    const first = tensor(parts[0]!, inp.params.name, inp.dtype, 'input', inp.shape);
    return { ...first, pieces: parts.map((p) => ({ ref: memory.refs.get(p.id)!, start: pieceOf(p)!.start, end: pieceOf(p)!.end })) };
  };
  const constants = fused.groups.flatMap((g) => g.reads).filter((n, i, all) => n.op === 'constant' && all.indexOf(n) === i);
  const arenas: PlanArena[] = faults.sites.length ? [...memory.arenas, { name: 'faults', words: 2 * faults.sites.length, role: 'faults' }] : memory.arenas;
  const plan: ExecutionPlan = {
    version: PLAN_VERSION,
    target: spec.target,
    arenas,
    inputs: graph.inputs.map(planInput),
    constants: constants.map((c) => {
      if (c.op !== 'constant') throw new BackendError('not a constant');
      return { ref: memory.refs.get(c.id)!, dtype: c.dtype === 'i32' ? 'i32' : 'f32', data: c.params.data };
    }),
    outputs: optimized.outputs.map((o, i) => tensor(o, `output${i}`, graph.outputs[i]!.dtype, 'output')),
    kernels,
    steps: kernels.map((_, i) => ({ kind: 'dispatch' as const, kernel: i })),
    ...(faults.sites.length ? { faults: { arena: faults.arena, sites: [...faults.sites] } } : {}),
  };
  return { plan, optimized, fused };
}
