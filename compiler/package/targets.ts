// The targets a package can hold: how each builds its plan without a device, and which device limits the plan needs.

import type { ExecutionPlan, Target } from '../../runtime/plan.js';
import type { TargetSpec } from '../pipeline.js';
import { WEBGPU_DEFAULT_LIMITS, webgpuSpec } from '../targets.js';

export interface AotTarget {
  /** The pipeline spec for a device we do not have: the target's guaranteed limits. */
  readonly spec: () => TargetSpec;
  /** The device limits the built plan relies on, checked by the loader against the real device. */
  readonly requires: (plan: ExecutionPlan) => Record<string, number>;
}

const max = (xs: readonly number[]): number => xs.reduce((a, b) => Math.max(a, b), 0);

function webgpuRequires(plan: ExecutionPlan): Record<string, number> {
  const k = plan.kernels;
  return {
    maxStorageBufferBindingSize: max(plan.arenas.map((a) => Math.max(16, Math.ceil((a.words * 4) / 16) * 16))),
    maxStorageBuffersPerShaderStage: max(k.map((x) => x.bindings.length)),
    maxComputeWorkgroupsPerDimension: max(k.flatMap((x) => x.dispatch)),
    maxComputeInvocationsPerWorkgroup: max(k.map((x) => x.workgroupSize[0] * x.workgroupSize[1] * x.workgroupSize[2])),
    maxComputeWorkgroupSizeX: max(k.map((x) => x.workgroupSize[0])),
    maxComputeWorkgroupSizeY: max(k.map((x) => x.workgroupSize[1])),
    maxComputeWorkgroupSizeZ: max(k.map((x) => x.workgroupSize[2])),
  };
}

/** Targets a package can be built for; a target missing here is named in the build's usage error. */
export const AOT_TARGETS: { readonly [T in Target]?: AotTarget } = {
  webgpu: { spec: () => webgpuSpec(WEBGPU_DEFAULT_LIMITS), requires: webgpuRequires },
};

export function aotTargetNames(): Target[] {
  return Object.keys(AOT_TARGETS) as Target[];
}
