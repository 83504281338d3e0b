// Runs the real CUDA executor's checks (test/cuda/executor-checks.ts) outside vitest: bench/gpu-check.sh runs it on the device.

import { CUDA_EXECUTOR_CHECKS, cudaUnavailable } from '../test/cuda/executor-checks.js';

const why = await cudaUnavailable();
if (why) {
  console.log(`cuda executor checks: skipped (${why})`);
} else {
  let failed = 0;
  for (const [name, check] of Object.entries(CUDA_EXECUTOR_CHECKS)) {
    try {
      await check();
      console.log(`ok    ${name}`);
    } catch (e) {
      failed++;
      console.log(`FAIL  ${name}: ${(e as Error).message}`);
    }
  }
  console.log(`${Object.keys(CUDA_EXECUTOR_CHECKS).length - failed} passed, ${failed} failed`);
  if (failed) process.exitCode = 1;
}
