// Golden C for small fused graphs (AVX-512 vector width, default tiles). A snapshot changes only in a commit that says why.

import { describe, expect, it } from 'vitest';
import { parseGraph } from '../../ir/index.js';
import { buildPlan } from '../../compiler/pipeline.js';
import { cpuSpec } from '../../compiler/cpu-target.js';
import { defaultTiles } from '../../compiler/codegen/gemm-cpu.js';
import { dedent } from '../helpers/ir.js';

function cOf(text: string): string[] {
  const spec = cpuSpec({ vlen: 16, tiles: (p) => defaultTiles(p, 16) });
  return buildPlan(parseGraph(dedent(text)), spec, { verify: true }).plan.kernels.map((k) => k.source);
}

describe('C snapshots', () => {
  it('a vmapped Linear + GELU over 4 members (nt micro-kernel, fused epilogue)', async () => {
    const [src] = cOf(`
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
    await expect(src).toMatchFileSnapshot('__snapshots__/linear-gelu.c');
  });

  it('a plain batched matmul with a residual (nn micro-kernel, B read in place)', async () => {
    const [src] = cOf(`
      graph(%a: f32[2,5,20], %b: f32[2,20,48], %r: f32[2,5,48]) {
        %0: f32[2,5,48] = matmul(%a, %b)
        %1: f32[2,5,48] = add(%0, %r)
        return %1
      }`);
    await expect(src).toMatchFileSnapshot('__snapshots__/matmul-residual.c');
  });

  it('log_softmax rows (serial reductions per row)', async () => {
    const [src] = cOf(`
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
    await expect(src).toMatchFileSnapshot('__snapshots__/log-softmax.c');
  });
});
