// What one compile target is: the contract every file in compiler/targets/ fills in, and what its driver returns.

import type { Graph } from '../../ir/node.js';
import type { Executor } from '../../runtime/device.js';
import type { ExecutionPlan } from '../../runtime/plan.js';
import type { CpuOptions } from '../../runtime/cpu-native/toolchain.js';
import type { CudaOptions } from '../../runtime/cuda/context.js';
import type { WebGpuOptions } from '../../runtime/webgpu/adapter.js';
import type { TargetSpec } from '../codegen/target-spec.js';

/** The device limits a WebGPU plan is built for. */
export interface DeviceLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxComputeWorkgroupsPerDimension: number;
}

/** Options every target may read; each reads its own part. */
export interface TargetOptions {
  readonly webgpu?: WebGpuOptions;
  /** The `cuda` target: device ordinal, exact or TF32 matmuls. */
  readonly cuda?: CudaOptions;
  /** The `cpu` target (and its dry-run twins): compiler, flags, cache directory, threads, tile search. */
  readonly cpu?: CpuOptions;
  readonly verify?: boolean;
  /** @internal Rewrites a kernel's source before the device compiles it (tests break kernels with it). */
  readonly patchSource?: (kernel: string, source: string) => string;
  /** @internal Pretends the device has smaller limits (tests exercise chunking without gigabytes). */
  readonly limits?: Partial<DeviceLimits>;
}

/** A plan built for this machine and the runtime that runs it. */
export interface Prepared {
  readonly plan: ExecutionPlan;
  readonly executor: Executor;
}

/** @internal Test hooks of package builds: smaller limits than a target guarantees. */
export interface AotOverrides {
  readonly webgpuMaxBindingBytes?: number;
}

/** How a target builds plans for packages, without a device. */
export interface AotTarget {
  /** The pipeline spec for a device we do not have. */
  readonly spec: (overrides?: AotOverrides) => Promise<TargetSpec>;
  /** The device limits the built plan relies on, checked by the package loader against the real device. */
  readonly requires: (plan: ExecutionPlan) => Record<string, number>;
}

/** How the fuzzer compares a target: by running it, or (no device here) by compiling its kernels only. */
export interface FuzzRole {
  readonly mode: 'run' | 'compile-check';
  /** Whether the target computes f64 (the others must refuse f64 graphs with a BackendError naming f64). */
  readonly f64: boolean;
}

/**
 * One compile target. Its file (compiler/targets/<name>.ts) holds everything about it: its spec (limits,
 * lowering, renderer), its driver (which loads its runtime on demand: Node-only runtimes through
 * dynamic import), its package spec and requirements, and how the fuzzer treats it. The registry
 * derives the target list, the fuzzer's backends and the package targets from these.
 */
export interface TargetDefinition {
  readonly name: string;
  /** The target in words, e.g. `CUDA (NVRTC and the driver API)`. */
  readonly title: string;
  /** Builds the plan for this machine and starts the runtime; throws (a BackendError) when it cannot here. */
  readonly prepare: (graph: Graph, options: TargetOptions) => Promise<Prepared>;
  /** Present when packages can be built for the target (its name is then a plan Target). */
  readonly aot?: AotTarget;
  readonly fuzz: FuzzRole;
  /**
   * A demonstration target (another toolchain for an existing runtime): the fuzzer runs it, the per-backend
   * test tables and `auto` leave it out.
   */
  readonly dryRun?: boolean;
}

/** Applies the test hook that rewrites kernel sources. */
export function patched<P extends { kernels: readonly { name: string; source: string }[] }>(plan: P, patch: TargetOptions['patchSource']): P {
  if (!patch) return plan;
  return { ...plan, kernels: plan.kernels.map((k) => ({ ...k, source: patch(k.name, k.source) })) };
}

const max = (xs: readonly number[]): number => xs.reduce((a, b) => Math.max(a, b), 0);

/** Plan facts targets' `requires` tables are made of. */
export const planNeeds = {
  /** Threads per workgroup of the largest kernel. */
  threads: (plan: ExecutionPlan): number => max(plan.kernels.map((k) => k.workgroupSize[0] * k.workgroupSize[1] * k.workgroupSize[2])),
  /** Workgroups along one axis of the largest dispatch. */
  grid: (plan: ExecutionPlan, axis: number): number => max(plan.kernels.map((k) => k.dispatch[axis]!)),
  max,
};
