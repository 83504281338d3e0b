// The `cpu` target: C kernels built by the system compiler and run through koffi on host memory (Node only, loaded on demand).

import type { Graph } from '../../ir/node.js';
import type { CpuOptions } from '../../runtime/cpu-native/toolchain.js';
import { defaultTiles, type GemmChooser, type GemmTiles } from '../codegen/gemm-cpu.js';
import { lowerGroupCpu, type CpuCodegen } from '../codegen/lower-cpu.js';
import { renderC } from '../codegen/render/c.js';
import type { TargetSpec } from '../codegen/target-spec.js';
import { buildPlan } from '../pipeline.js';
import { patched, type Prepared, type TargetDefinition, type TargetOptions } from './target.js';
import { nodeBuiltin, requireNode } from '../../runtime/platform.js';

export type { CpuOptions };

/**
 * The cpu target's runtime (the toolchain, koffi and Node's modules), imported by specifiers that browser
 * bundlers leave alone, so a page that bundles the compiler holds none of it (docs/browser.md).
 */
const NODE_ONLY = {
  toolchain: '../../runtime/cpu-native/toolchain.js',
  executor: '../../runtime/cpu-native/executor.js',
  tileCache: '../../runtime/cpu-native/tile-cache.js',
};

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

/**
 * The cpu target's vector width in packages: 8 floats (AVX2's registers). The C uses the compiler's
 * generic vectors, so any machine builds it; the loading machine's compiler maps them to its registers.
 */
export const PACKAGE_CPU_VLEN = 8;

/**
 * Builds the plan for this machine (tile sizes tuned per GEMM shape unless turned off) and compiles it
 * with the toolchain `options.cpu` describes (`defaults` fill in what the user left out).
 */
export async function prepareCpu(graph: Graph, options: TargetOptions, defaults: CpuOptions = {}): Promise<Prepared> {
  requireNode('cpu', 'it compiles C with the system compiler');
  const { availableParallelism } = nodeBuiltin<typeof import('node:os')>('node:os', 'the cpu target');
  const [toolchain, { CpuNativeExecutor }, { tileCache }, { tunedTiles }] = await Promise.all([
    import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_ONLY.toolchain) as Promise<typeof import('../../runtime/cpu-native/toolchain.js')>,
    import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_ONLY.executor) as Promise<typeof import('../../runtime/cpu-native/executor.js')>,
    import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_ONLY.tileCache) as Promise<typeof import('../../runtime/cpu-native/tile-cache.js')>,
    import('../codegen/tune-cpu.js'),
  ]);
  const cpu: CpuOptions = { ...defaults, ...options.cpu };
  const tc = toolchain.findToolchain(cpu);
  const threads = cpu.threads ?? availableParallelism();
  const tiles: GemmChooser = cpu.tune === false
    ? (p) => defaultTiles(p, tc.vlen, threads)
    : tunedTiles({
      vlen: tc.vlen,
      threads,
      specOf: cpuSpec,
      build: (spec) => buildPlan(graph, spec).plan.arenas.map((a) => a.words),
      // The timing program runs with idle OpenMP threads asleep, as the executor runs them.
      time: (program) => toolchain.runProgram(tc, program, { OMP_WAIT_POLICY: process.env['OMP_WAIT_POLICY'] ?? 'passive' }),
      ...tileCache<GemmTiles>(tc, threads),
    });
  const plan = patched(buildPlan(graph, cpuSpec({ vlen: tc.vlen, tiles }), { verify: options.verify }).plan, options.patchSource);
  return { plan, executor: CpuNativeExecutor.create(tc, plan, cpu.threads) };
}

/** The cpu target. */
export const cpu: TargetDefinition = {
  name: 'cpu',
  title: 'CPU (C compiled by the system compiler)',
  prepare: (graph, options) => prepareCpu(graph, options),
  aot: {
    spec: async () => cpuSpec({ vlen: PACKAGE_CPU_VLEN, tiles: (p) => defaultTiles(p, PACKAGE_CPU_VLEN) }),
    requires: () => ({}),
  },
  fuzz: { mode: 'run', f64: false },
};
