// What a target contributes to the pipeline (limits, lowering, renderer) and what a lowering is told about one kernel.

import type { PlanFaultSite, PlanTarget, TensorRef } from '../../runtime/plan.js';
import type { FusedGroup } from '../passes/fuse.js';
import type { Kernel } from './kernel-ir.js';
import type { MemoryLimits } from './memory.js';

/**
 * The index checks of a plan: every `take` whose indices are checked on the device gets a site, two i32
 * words in the faults arena (a hit flag and the offending index). The runtime reads them after a run.
 */
export interface FaultSites {
  /** The arena the plan reserves for the words (appended after the memory plan's arenas). */
  readonly arena: number;
  readonly sites: readonly PlanFaultSite[];
  /** Registers a site; returns its word offset in the faults arena. */
  add(site: PlanFaultSite): number;
}

/** A fresh, empty set of fault sites living in `arena`. */
export function faultSites(arena: number): FaultSites {
  const sites: PlanFaultSite[] = [];
  return {
    arena,
    sites,
    add(site) {
      sites.push(site);
      return 2 * (sites.length - 1);
    },
  };
}

/** What a lowering knows about the kernel it builds (the same for every target). */
export interface LowerContext {
  readonly name: string;
  readonly label: string;
  /** Where every materialized tensor the group reads lives. */
  readonly refs: ReadonlyMap<number, TensorRef>;
  /** Where the root is written. */
  readonly out: TensorRef;
  readonly maxWorkgroupsPerDim: number;
  /** Where out-of-range indices are reported; absent: indices are clamped without a check (tile search). */
  readonly faults?: FaultSites;
}

/** What a target contributes to the pipeline: its limits, a lowering and a renderer. */
export interface TargetSpec {
  readonly target: PlanTarget;
  readonly limits: MemoryLimits;
  readonly maxWorkgroupsPerDim: number;
  readonly lower: (group: FusedGroup, ctx: LowerContext) => Kernel;
  readonly render: (kernel: Kernel) => string;
  readonly entry: (kernel: Kernel) => string;
}
