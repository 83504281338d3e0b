// Golden C for small fused graphs (AVX-512 vector width, default tiles). A snapshot changes only in a commit that says why.

import { describe, expect, it } from 'vitest';
import { parseGraph } from '../../ir/index.js';
import { buildPlan } from '../../compiler/pipeline.js';
import { cpuSpec } from '../../compiler/targets/cpu.js';
import { defaultTiles } from '../../compiler/codegen/gemm-cpu.js';
import { dedent } from '../helpers/ir.js';
import { LINEAR_GELU, LOG_SOFTMAX, MATMUL_RESIDUAL } from '../helpers/snapshot-graphs.js';

function cOf(text: string): string[] {
  const spec = cpuSpec({ vlen: 16, tiles: (p) => defaultTiles(p, 16) });
  return buildPlan(parseGraph(dedent(text)), spec, { verify: true }).plan.kernels.map((k) => k.source);
}

describe('C snapshots', () => {
  it('a vmapped Linear + GELU over 4 members (nt micro-kernel, fused epilogue)', async () => {
    const [src] = cOf(LINEAR_GELU);
    await expect(src).toMatchFileSnapshot('__snapshots__/linear-gelu.c');
  });

  it('a plain batched matmul with a residual (nn micro-kernel, B read in place)', async () => {
    const [src] = cOf(MATMUL_RESIDUAL);
    await expect(src).toMatchFileSnapshot('__snapshots__/matmul-residual.c');
  });

  it('log_softmax rows (serial reductions per row)', async () => {
    const [src] = cOf(LOG_SOFTMAX);
    await expect(src).toMatchFileSnapshot('__snapshots__/log-softmax.c');
  });
});
