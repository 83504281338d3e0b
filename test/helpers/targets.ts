// The device targets that compile and run on this machine (the fuzzer's backend table, less the reference and dry runs).

import { FUZZ_BACKENDS } from '../fuzz/backends.js';
import type { CompileTarget } from '../../compiler/targets/registry.js';

export const RUNNABLE_TARGETS: readonly CompileTarget[] = FUZZ_BACKENDS
  .filter((b) => b.mode === 'run' && b.target !== 'reference' && !b.dryRun)
  .map((b) => b.target);
