// Golden WGSL for small fused graphs. A snapshot changes only in a commit that says why.

import { describe, expect, it } from 'vitest';
import { parseGraph } from '../../ir/index.js';
import { buildPlan } from '../../compiler/pipeline.js';
import { webgpuSpec, WEBGPU_DEFAULT_LIMITS } from '../../compiler/targets.js';
import { dedent } from '../helpers/ir.js';

function wgslOf(text: string): string[] {
  return buildPlan(parseGraph(dedent(text)), webgpuSpec(WEBGPU_DEFAULT_LIMITS), { verify: true }).plan.kernels.map((k) => k.source);
}

describe('WGSL snapshots', () => {
  it('a vmapped Linear + GELU over 4 members (tiled matmul with epilogue)', async () => {
    const [src] = wgslOf(`
      graph(%w: f32[4,16,8], %b: f32[4,16], %x: f32[32,8]) {
        %0: f32[1,32,8] = reshape(%x) {shape=[1,32,8]}
        %1: f32[4,32,8] = expand(%0) {shape=[4,32,8]}
        %2: f32[4,8,16] = permute(%w) {perm=[0,2,1]}
        %3: f32[4,32,16] = matmul(%1, %2)
        %4: f32[4,1,16] = reshape(%b) {shape=[4,1,16]}
        %5: f32[4,32,16] = expand(%4) {shape=[4,32,16]}
        %6: f32[4,32,16] = add(%3, %5)
        %7: f32[4,32,16] = gelu(%6)
        return %7
      }`);
    await expect(src).toMatchFileSnapshot('__snapshots__/linear-gelu.wgsl');
  });

  it('log_softmax rows (workgroup tree reductions)', async () => {
    const [src] = wgslOf(`
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
    await expect(src).toMatchFileSnapshot('__snapshots__/log-softmax.wgsl');
  });

  it('dropout-style masking with a random stream (pointwise with the seed uniform)', async () => {
    const [src] = wgslOf(`
      graph(%x: f32[3,5]) {
        %0: f32[3,5] = rand() {key=0, dist="uniform"}
        %1: f32[3,5] = full() {value=0.25}
        %2: f32[3,5] = cmp_ge(%0, %1)
        %3: f32[3,5] = mul(%x, %2)
        return %3
      }`);
    await expect(src).toMatchFileSnapshot('__snapshots__/dropout.wgsl');
  });
});
