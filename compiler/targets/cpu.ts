// The `cpu` target: C kernels built by the system compiler and run through koffi on host memory.

import { availableParallelism } from 'node:os';
import type { Graph } from '../../ir/node.js';
import { CpuNativeExecutor } from '../../runtime/cpu-native/executor.js';
import { findToolchain, type CpuOptions, type Toolchain } from '../../runtime/cpu-native/toolchain.js';
import { lowerGroupCpu, type CpuCodegen } from '../codegen/lower-cpu.js';
import { renderC } from '../codegen/render/c.js';
import { tunedTiles } from '../codegen/tune-cpu.js';
import { buildPlan, type TargetSpec } from '../pipeline.js';
import type { Prepared, TargetOptions } from './registry.js';

export type { CpuOptions };

/** The CPU target's spec: every input its own arena (user arrays are read in place), indices in i32. */
export function cpuSpec(cg: CpuCodegen): TargetSpec {
  return {
    target: 'cpu',
    limits: { maxArenaWords: 2 ** 31 - 1, alignWords: 16, arenaPerInput: true },
    maxWorkgroupsPerDim: 2 ** 31 - 1,
    lower: (group, low) => lowerGroupCpu(group, low, cg),
    render: renderC,
    entry: (kernel) => kernel.name,
  };
}

function patched<T extends { kernels: readonly { name: string; source: string }[] }>(plan: T, patch: TargetOptions['patchSource']): T {
  if (!patch) return plan;
  return { ...plan, kernels: plan.kernels.map((k) => ({ ...k, source: patch(k.name, k.source) })) };
}

/** Builds the plan for this machine (tile sizes tuned per GEMM shape unless turned off) and compiles it. */
export async function prepareCpu(graph: Graph, options: TargetOptions): Promise<Prepared> {
  const cpu: CpuOptions = options.cpu ?? {};
  const tc: Toolchain = findToolchain(cpu);
  const threads = cpu.threads;
  const tiles = tunedTiles(tc, graph, cpu, (cg) => cpuSpec(cg), threads ?? availableParallelism());
  const plan = patched(buildPlan(graph, cpuSpec({ vlen: tc.vlen, tiles }), { verify: options.verify }).plan, options.patchSource);
  return { plan, executor: CpuNativeExecutor.create(tc, plan, threads) };
}
