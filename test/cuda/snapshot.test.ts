// Golden CUDA C for small fused graphs. A snapshot changes only in a commit that says why.

import { describe, expect, it } from 'vitest';
import { parseGraph } from '../../ir/index.js';
import { buildPlan } from '../../compiler/pipeline.js';
import { cudaSpec, type CudaMatmul } from '../../compiler/targets/cuda.js';
import { dedent } from '../helpers/ir.js';
import { DROPOUT, LINEAR_GELU, LOG_SOFTMAX } from '../helpers/snapshot-graphs.js';

function cudaOf(text: string, matmul: CudaMatmul = 'exact'): string[] {
  return buildPlan(parseGraph(dedent(text)), cudaSpec({ matmul }), { verify: true }).plan.kernels.map((k) => k.source);
}


describe('CUDA snapshots', () => {
  it('a vmapped Linear + GELU over 4 members, exact FP32 (shared tiled matmul with epilogue)', async () => {
    const [src] = cudaOf(LINEAR_GELU);
    await expect(src).toMatchFileSnapshot('__snapshots__/linear-gelu.cu');
  });

  it('the same Linear + GELU on TF32 tensor cores (mma.sync m16n8k8, k-contiguous weight tile)', async () => {
    const [src] = cudaOf(LINEAR_GELU, 'tf32');
    expect(src).toContain('vmapc_mma_tf32(c_0_0_0, c_0_0_1, c_0_0_2, c_0_0_3, fa0_0, fa0_1, fa0_2, fa0_3, fb0_0, fb0_1);');
    await expect(src).toMatchFileSnapshot('__snapshots__/linear-gelu-tf32.cu');
  });

  it('log_softmax rows (block tree reductions in shared memory)', async () => {
    const [src] = cudaOf(LOG_SOFTMAX);
    await expect(src).toMatchFileSnapshot('__snapshots__/log-softmax.cu');
  });

  it('dropout-style masking with a random stream (the seed is the last parameter)', async () => {
    const [src] = cudaOf(DROPOUT);
    expect(src).toMatch(/k0_pointwise\(const unsigned int\* __restrict__ arena0, unsigned int\* __restrict__ arena1, const unsigned int seed\)/);
    await expect(src).toMatchFileSnapshot('__snapshots__/dropout.cu');
  });
});
