// Golden CUDA C for small fused graphs. A snapshot changes only in a commit that says why.

import { describe, expect, it } from 'vitest';
import { parseGraph } from '../../ir/index.js';
import { buildPlan } from '../../compiler/pipeline.js';
import { cudaSpec, type CudaMatmul } from '../../compiler/codegen/cuda-spec.js';
import { dedent } from '../helpers/ir.js';

function cudaOf(text: string, matmul: CudaMatmul = 'exact'): string[] {
  return buildPlan(parseGraph(dedent(text)), cudaSpec({ matmul }), { verify: true }).plan.kernels.map((k) => k.source);
}

const LINEAR_GELU = `
  graph(%w: f32[4,16,24], %b: f32[4,16], %x: f32[32,24]) {
    %0: f32[1,32,24] = reshape(%x) {shape=[1,32,24]}
    %1: f32[4,32,24] = expand(%0) {shape=[4,32,24]}
    %2: f32[4,24,16] = permute(%w) {perm=[0,2,1]}
    %3: f32[4,32,16] = matmul(%1, %2)
    %4: f32[4,1,16] = reshape(%b) {shape=[4,1,16]}
    %5: f32[4,32,16] = expand(%4) {shape=[4,32,16]}
    %6: f32[4,32,16] = add(%3, %5)
    %7: f32[4,32,16] = gelu(%6)
    return %7
  }`;

describe('CUDA snapshots', () => {
  it('a vmapped Linear + GELU over 4 members, exact FP32 (shared tiled matmul with epilogue)', async () => {
    const [src] = cudaOf(LINEAR_GELU);
    await expect(src).toMatchFileSnapshot('__snapshots__/linear-gelu.cu');
  });

  it('the same Linear + GELU on TF32 tensor cores (mma.sync m16n8k8, k-contiguous weight tile)', async () => {
    const [src] = cudaOf(LINEAR_GELU, 'tf32');
    expect(src).toContain('vm_mma_tf32(c_0_0_0, c_0_0_1, c_0_0_2, c_0_0_3, fa0_0, fa0_1, fa0_2, fa0_3, fb0_0, fb0_1);');
    await expect(src).toMatchFileSnapshot('__snapshots__/linear-gelu-tf32.cu');
  });

  it('log_softmax rows (block tree reductions in shared memory)', async () => {
    const [src] = cudaOf(`
      graph(%x: f32[6,10]) {
        %0: f32[6,1] = max(%x) {axes=[1]}
        %1: f32[6,10] = expand(%0) {shape=[6,10]}
        %2: f32[6,10] = sub(%x, %1)
        %3: f32[6,10] = exp(%2)
        %4: f32[6,1] = sum(%3) {axes=[1]}
        %5: f32[6,1] = log(%4)
        %6: f32[6,10] = expand(%5) {shape=[6,10]}
        %7: f32[6,10] = sub(%2, %6)
        return %7
      }`);
    await expect(src).toMatchFileSnapshot('__snapshots__/log-softmax.cu');
  });

  it('dropout-style masking with a random stream (the seed is the last parameter)', async () => {
    const [src] = cudaOf(`
      graph(%x: f32[3,5]) {
        %0: f32[3,5] = rand() {key=0, dist="uniform"}
        %1: f32[3,5] = full() {value=0.25}
        %2: f32[3,5] = cmp_ge(%0, %1)
        %3: f32[3,5] = mul(%x, %2)
        return %3
      }`);
    expect(src).toMatch(/k0_pointwise\(const unsigned int\* __restrict__ arena0, unsigned int\* __restrict__ arena1, const unsigned int seed\)/);
    await expect(src).toMatchFileSnapshot('__snapshots__/dropout.cu');
  });
});
