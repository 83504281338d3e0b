// The targets a package can hold: how each builds its plan without a device, and which device limits the plan needs.

import type { ExecutionPlan, Target } from '../../runtime/plan.js';
import type { TargetSpec } from '../pipeline.js';
import { WEBGPU_DEFAULT_LIMITS, webgpuSpec } from '../targets/registry.js';

/** @internal Test hooks: smaller limits than a target guarantees, to exercise what large models need. */
export interface AotOverrides {
  readonly webgpuMaxBindingBytes?: number;
}

export interface AotTarget {
  /** The pipeline spec for a device we do not have (imported on demand: the cpu spec loads its runtime's modules). */
  readonly spec: (overrides?: AotOverrides) => Promise<TargetSpec>;
  /** The device limits the built plan relies on, checked by the loader against the real device. */
  readonly requires: (plan: ExecutionPlan) => Record<string, number>;
}

const max = (xs: readonly number[]): number => xs.reduce((a, b) => Math.max(a, b), 0);
const threads = (plan: ExecutionPlan): number => max(plan.kernels.map((k) => k.workgroupSize[0] * k.workgroupSize[1] * k.workgroupSize[2]));
const grid = (plan: ExecutionPlan, axis: number): number => max(plan.kernels.map((k) => k.dispatch[axis]!));

function webgpuRequires(plan: ExecutionPlan): Record<string, number> {
  const k = plan.kernels;
  return {
    maxStorageBufferBindingSize: max(plan.arenas.map((a) => Math.max(16, Math.ceil((a.words * 4) / 16) * 16))),
    maxStorageBuffersPerShaderStage: max(k.map((x) => x.bindings.length)),
    maxComputeWorkgroupsPerDimension: max([0, 1, 2].map((axis) => grid(plan, axis))),
    maxComputeInvocationsPerWorkgroup: threads(plan),
    maxComputeWorkgroupSizeX: max(k.map((x) => x.workgroupSize[0])),
    maxComputeWorkgroupSizeY: max(k.map((x) => x.workgroupSize[1])),
    maxComputeWorkgroupSizeZ: max(k.map((x) => x.workgroupSize[2])),
  };
}

function cudaRequires(plan: ExecutionPlan): Record<string, number> {
  return { maxThreadsPerBlock: threads(plan), maxGridDimX: grid(plan, 0), maxGridDimY: grid(plan, 1), maxGridDimZ: grid(plan, 2) };
}

/**
 * The cpu target's vector width in packages: 8 floats (AVX2's registers). The C uses the compiler's
 * generic vectors, so any machine builds it; the loading machine's compiler maps them to its registers.
 */
export const PACKAGE_CPU_VLEN = 8;

/** Targets a package can be built for. */
export const AOT_TARGETS: { readonly [T in Target]: AotTarget } = {
  webgpu: {
    spec: async (o) => webgpuSpec({ ...WEBGPU_DEFAULT_LIMITS, maxStorageBufferBindingSize: o?.webgpuMaxBindingBytes ?? WEBGPU_DEFAULT_LIMITS.maxStorageBufferBindingSize }),
    requires: webgpuRequires,
  },
  // Exact FP32 matmuls: the plan runs on every compute capability NVRTC targets at load time.
  cuda: { spec: async () => (await import('../codegen/cuda-spec.js')).cudaSpec({ matmul: 'exact' }), requires: cudaRequires },
  cpu: {
    async spec() {
      const [{ cpuSpec }, { defaultTiles }] = await Promise.all([import('../targets/cpu.js'), import('../codegen/gemm-cpu.js')]);
      return cpuSpec({ vlen: PACKAGE_CPU_VLEN, tiles: (p) => defaultTiles(p, PACKAGE_CPU_VLEN) });
    },
    requires: () => ({}),
  },
};

export function aotTargetNames(): Target[] {
  return Object.keys(AOT_TARGETS) as Target[];
}
