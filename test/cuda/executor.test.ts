// The real CUDA executor (NVRTC + the driver API) when this machine has them; skipped with the reason printed elsewhere.

import { describe, it } from 'vitest';
import { CUDA_EXECUTOR_CHECKS, cudaUnavailable } from './executor-checks.js';

const why = await cudaUnavailable();
if (why) console.warn(`test/cuda/executor: skipped, no CUDA here (${why})`);

describe.skipIf(!!why)('the real CUDA executor', () => {
  for (const [name, check] of Object.entries(CUDA_EXECUTOR_CHECKS)) it(name, check);
});
