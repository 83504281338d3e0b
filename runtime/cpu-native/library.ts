// One shared library per plan: the kernels' C sources concatenated, plus an entry that runs the steps.

import { BackendError } from '../../ir/errors.js';
import { quoteSource } from '../quote-source.js';
import type { ExecutionPlan } from '../plan.js';
import { buildLibrary, type CompileFailure, type Toolchain } from './toolchain.js';

export interface LibrarySource {
  readonly text: string;
  /** Where each kernel's source starts in `text` (0-based line), in plan order. */
  readonly starts: readonly number[];
}

const EXPORT = '__attribute__((visibility("default")))';

/** The C text of a plan's library: each kernel, then `vmapc_run(seed, arena0, arena1, ...)`. */
export function librarySource(plan: ExecutionPlan): LibrarySource {
  const parts: string[] = ['/* vmapc CPU library: one function per kernel, and vmapc_run for the whole plan. */', '#include <stdint.h>', '#include <unistd.h>', '#ifdef _OPENMP', '#include <omp.h>', '#endif'];
  const starts: number[] = [];
  let line = parts.length;
  for (const k of plan.kernels) {
    starts.push(line);
    parts.push(k.source);
    line += k.source.split('\n').length;
  }
  const params = ['uint32_t seed', ...plan.arenas.map((_, i) => `float* restrict arena${i}`)];
  parts.push(
    `${EXPORT} int32_t vmapc_set_threads(int32_t n) {`,
    '#ifdef _OPENMP',
    '  if (n > 0) omp_set_num_threads(n);',
    '  return omp_get_max_threads();',
    '#elif defined(VMAPC_HAVE_POOL)',
    '  if (n <= 0 && vmapc_pool.want <= 0) n = (int32_t)sysconf(_SC_NPROCESSORS_ONLN);',
    '  if (n > 0) vmapc_pool.want = n;',
    '  return vmapc_pool.want;',
    '#else',
    '  (void)n;',
    '  return 1;',
    '#endif',
    '}',
    `${EXPORT} void vmapc_run(${params.join(', ')}) {`,
    ...plan.steps.map((s) => {
      const k = plan.kernels[s.kernel]!;
      return `  ${k.entry}(${[...k.bindings.map((b) => `arena${b.arena}`), 'seed'].join(', ')});`;
    }),
    '}',
    '',
  );
  return { text: parts.join('\n'), starts };
}


/** Compiles (or finds in the cache) the plan's library; a compile error names the kernel and quotes its line. */
export function buildPlanLibrary(tc: Toolchain, plan: ExecutionPlan): string {
  const lib = librarySource(plan);
  return buildLibrary(tc, lib.text, (f: CompileFailure): never => {
    const at = f.line - 1;
    let i = lib.starts.length - 1;
    while (i > 0 && lib.starts[i]! > at) i--;
    const k = plan.kernels[i];
    if (!k || at < lib.starts[0]!) throw new BackendError(`C for the plan's library does not compile (${tc.cc}): line ${f.line}: ${f.message}\n${f.log.split('\n').slice(0, 8).join('\n')}`);
    const local = at - lib.starts[i]! + 1;
    throw new BackendError(`C for kernel ${k.name} (${k.label}) does not compile (${tc.cc}): line ${local}: ${f.message}\n${quoteSource(k.source, local)}`);
  });
}
