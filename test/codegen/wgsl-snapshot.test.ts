// Golden WGSL for small fused graphs. A snapshot changes only in a commit that says why.

import { describe, expect, it } from 'vitest';
import { parseGraph } from '../../ir/index.js';
import { buildPlan } from '../../compiler/pipeline.js';
import { webgpuSpec, WEBGPU_DEFAULT_LIMITS } from '../../compiler/targets/webgpu.js';
import { dedent } from '../helpers/ir.js';
import { DROPOUT, LINEAR_GELU, LOG_SOFTMAX } from '../helpers/snapshot-graphs.js';

function wgslOf(text: string): string[] {
  return buildPlan(parseGraph(dedent(text)), webgpuSpec(WEBGPU_DEFAULT_LIMITS), { verify: true }).plan.kernels.map((k) => k.source);
}

describe('WGSL snapshots', () => {
  it('a vmapped Linear + GELU over 4 members (tiled matmul with epilogue)', async () => {
    const [src] = wgslOf(LINEAR_GELU);
    await expect(src).toMatchFileSnapshot('__snapshots__/linear-gelu.wgsl');
  });

  it('log_softmax rows (workgroup tree reductions)', async () => {
    const [src] = wgslOf(LOG_SOFTMAX);
    await expect(src).toMatchFileSnapshot('__snapshots__/log-softmax.wgsl');
  });

  it('dropout-style masking with a random stream (pointwise with the seed uniform)', async () => {
    const [src] = wgslOf(DROPOUT);
    await expect(src).toMatchFileSnapshot('__snapshots__/dropout.wgsl');
  });
});
