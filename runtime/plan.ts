// The execution plan: a plain, serializable description of arenas, tensors and kernels that any runtime executes.

import type { DType, TypedArray } from '../ir/dtype.js';

export const PLAN_VERSION = 1;

/** The targets a plan (and a package) can be built for. */
export type Target = 'webgpu' | 'cuda' | 'cpu';

/** What a plan says it was built for: a device target, or the reference interpreter (which has no kernels). */
export type PlanTarget = Target | 'reference';

/** A tensor's place: an arena and an offset in 4-byte words. */
export interface TensorRef {
  readonly arena: number;
  readonly offset: number;
}

export interface PlanTensor {
  readonly name: string;
  readonly shape: readonly number[];
  /** The dtype in device memory (f32 or i32). */
  readonly dtype: 'f32' | 'i32';
  /** The dtype the user sees: i64 tensors are narrowed to i32 on the device and widened back. */
  readonly userDType: DType;
  readonly ref: TensorRef;
  /**
   * Inputs too large for one binding are stored in pieces: elements [start, end) of the flat data live
   * at each piece's ref (vmap's chunkSize slices a stacked tensor this way). Absent: all at `ref`.
   */
  readonly pieces?: readonly { readonly ref: TensorRef; readonly start: number; readonly end: number }[];
}

export interface PlanArena {
  readonly name: string;
  /** Size in 4-byte words. */
  readonly words: number;
  /** inputs: graph inputs and constants (uploaded); scratch: kernel results; faults: index-check words (see PlanFaults). */
  readonly role: 'inputs' | 'scratch' | 'faults';
}

export interface PlanBinding {
  readonly name: string;
  readonly arena: number;
  readonly access: 'read' | 'read_write';
}

export interface PlanKernel {
  readonly name: string;
  readonly label: string;
  readonly source: string;
  readonly entry: string;
  readonly bindings: readonly PlanBinding[];
  readonly workgroupSize: readonly [number, number, number];
  readonly dispatch: readonly [number, number, number];
  readonly usesSeed: boolean;
}

export interface PlanConstant {
  readonly ref: TensorRef;
  readonly dtype: 'f32' | 'i32';
  readonly data: TypedArray;
}

export type PlanStep = { readonly kind: 'dispatch'; readonly kernel: number };

/** One checked `take`: what the IndexError names when one of its indices is out of range. */
export interface PlanFaultSite {
  readonly op: string;
  readonly axis: number;
  /** The size of the indexed axis: valid indices are 0 .. bound - 1. */
  readonly bound: number;
  /** The indexed tensor, e.g. `f32[5,3]`. */
  readonly tensor: string;
}

/**
 * Device index checks: kernels write a flag and the index into arena `arena` (two i32 words per site)
 * when an index is out of range, and the runtime turns that into an IndexError after the run.
 */
export interface PlanFaults {
  readonly arena: number;
  readonly sites: readonly PlanFaultSite[];
}

export interface ExecutionPlan {
  readonly version: number;
  readonly target: PlanTarget;
  readonly arenas: readonly PlanArena[];
  readonly inputs: readonly PlanTensor[];
  readonly constants: readonly PlanConstant[];
  readonly outputs: readonly PlanTensor[];
  readonly kernels: readonly PlanKernel[];
  readonly steps: readonly PlanStep[];
  /** Index checks; absent when no kernel checks indices. */
  readonly faults?: PlanFaults;
}

/** A readable summary: arenas, I/O, and one line per dispatch. */
export function describePlan(plan: ExecutionPlan): string {
  const mb = (w: number): string => `${((w * 4) / 1024).toFixed(1)} KiB`;
  const lines = [`plan for ${plan.target}: ${plan.kernels.length} kernels, ${plan.steps.length} dispatches per run`];
  plan.arenas.forEach((a, i) => lines.push(`  arena ${i} ${a.name} (${a.role}): ${mb(a.words)}`));
  for (const t of plan.inputs) lines.push(`  input  ${t.name}: ${t.userDType}[${t.shape.join(',')}] @ arena ${t.ref.arena}+${t.ref.offset}`);
  for (const t of plan.outputs) lines.push(`  output ${t.name}: ${t.userDType}[${t.shape.join(',')}] @ arena ${t.ref.arena}+${t.ref.offset}`);
  for (const s of plan.steps) {
    const k = plan.kernels[s.kernel]!;
    lines.push(`  dispatch ${k.name} [${k.dispatch.join(',')}] x [${k.workgroupSize.join(',')}]  ${k.label}`);
  }
  return lines.join('\n');
}
