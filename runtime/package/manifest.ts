// The manifest of a vmapc package (manifest.json): what the ensemble takes and returns, and one plan per target.

import type { DType } from '../../ir/dtype.js';
import type { PlanArena, PlanBinding, PlanStep, PlanTensor, Target, TensorRef, PlanFaults } from '../plan.js';

/** The `format` field of every package manifest. */
export const PACKAGE_FORMAT = 'vmapc-package';

/** Bumped on any change a loader of the previous version would misread. docs/package-format.md lists the versions. */
export const PACKAGE_FORMAT_VERSION = 1;

/** The weights file and the kernel folder, relative to the package folder. */
export const WEIGHTS_FILE = 'weights.safetensors';
export const KERNELS_DIR = 'kernels';

/** One input of `run`: `inDim` null means every member sees the same tensor; a number is its member axis. */
export interface ManifestInput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly inDim: number | null;
}

/** One output leaf of `run`; the member axis is `outDim` (always 0 today). */
export interface ManifestOutput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly outDim: number;
}

/** Where one stacked parameter or buffer lives in one target's plan. */
export interface Placement {
  /** Its index among the plan's inputs. */
  readonly input: number;
  readonly arena: number;
  /** Offset in 4-byte words. */
  readonly offset: number;
}

/** A stacked parameter or buffer: a tensor of weights.safetensors under its state-dict name. */
export interface ManifestParameter {
  readonly name: string;
  readonly kind: 'parameter' | 'buffer';
  /** [members, ...the member's shape]. */
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Always 0: the member axis of stacked state. */
  readonly inDim: 0;
  readonly placement: { readonly [T in Target]?: Placement };
}

/** The structure of forward's result: a leaf (output index), an array, or a record. */
export type OutputTree =
  | { readonly kind: 'leaf'; readonly output: number }
  | { readonly kind: 'array'; readonly items: readonly OutputTree[] }
  | { readonly kind: 'record'; readonly keys: readonly string[]; readonly items: readonly OutputTree[] };

/** A kernel of a stored plan: the plan's kernel with its source moved to a file. */
export interface ManifestKernel {
  readonly name: string;
  readonly label: string;
  readonly entry: string;
  readonly bindings: readonly PlanBinding[];
  readonly workgroupSize: readonly [number, number, number];
  readonly dispatch: readonly [number, number, number];
  readonly usesSeed: boolean;
  /** The source file, e.g. `kernels/k0_matmul.wgsl`. */
  readonly file: string;
  /** SHA-256 of the file's bytes, lowercase hex. */
  readonly sha256: string;
}

/** A constant of a stored plan: its data is a tensor of weights.safetensors. */
export interface ManifestConstant {
  readonly ref: TensorRef;
  readonly dtype: 'f32' | 'i32';
  readonly tensor: string;
}

/** An ExecutionPlan with kernel sources and constant data moved out to files. */
export interface StoredPlan {
  readonly version: number;
  readonly target: Target;
  readonly arenas: readonly PlanArena[];
  readonly inputs: readonly PlanTensor[];
  readonly constants: readonly ManifestConstant[];
  readonly outputs: readonly PlanTensor[];
  readonly kernels: readonly ManifestKernel[];
  readonly steps: readonly PlanStep[];
  /** The plan's index checks (see PlanFaults); absent when no kernel checks indices. */
  readonly faults?: PlanFaults;
}

export interface TargetSection {
  /** Device limits the plan was built within; a device with smaller ones cannot run it. */
  readonly requires: Readonly<Record<string, number>>;
  readonly plan: StoredPlan;
}

/** How the members' weights were made. */
export type ModelInit =
  | { readonly kind: 'seed'; readonly seeds: readonly number[] }
  | { readonly kind: 'checkpoints'; readonly files: readonly string[] };

export interface Manifest {
  readonly format: typeof PACKAGE_FORMAT;
  readonly formatVersion: number;
  readonly compiler: { readonly name: 'vmapc'; readonly version: string };
  readonly model: {
    /** The exported class, e.g. `MLP`. */
    readonly module: string;
    /** The model file as given to the build, for people; the loader never reads it. */
    readonly source: string;
    readonly members: number;
    readonly init: ModelInit;
  };
  readonly inputs: readonly ManifestInput[];
  readonly outputs: readonly ManifestOutput[];
  readonly outputTree: OutputTree;
  readonly parameters: readonly ManifestParameter[];
  readonly weights: { readonly file: string; readonly bytes: number; readonly sha256: string };
  /** One section per target, in the order `load({target: 'auto'})` tries them. */
  readonly targets: { readonly [T in Target]?: TargetSection };
}

/** The file extension of each target's kernel sources. */
export const KERNEL_EXTENSION: { readonly [T in Target]: string } = {
  webgpu: 'wgsl',
  cuda: 'cu',
  cpu: 'c',
};

/** The name of a plan constant's tensor in weights.safetensors (`/` never appears in state-dict names). */
export function constantTensorName(target: Target, index: number): string {
  return `${target}/constant/${index}`;
}
