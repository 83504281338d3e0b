// A dry-run second C target: the cpu target's code built by clang instead of the default compiler (the fuzzer runs it).

import { prepareCpu } from './cpu.js';
import type { TargetDefinition } from './target.js';

/**
 * The `cpu-clang` target shows what a new target costs: this file, registered in registry.ts. It reuses
 * the C renderer's table and the cpu runtime, and differs only in its toolchain (clang, -O2). It builds
 * no packages and is never picked by `auto`.
 */
export const cpuClang: TargetDefinition = {
  name: 'cpu-clang',
  title: 'CPU (C compiled by clang)',
  prepare: (graph, options) => prepareCpu(graph, options, { cc: 'clang', flags: ['-O2', '-march=native'], tune: false }),
  fuzz: { mode: 'run', f64: false },
  dryRun: true,
};
