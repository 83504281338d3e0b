// The torch.func compositions compiled for every runnable target (cpu, webgpu) against PyTorch.

import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../index.js';
import { compile } from '../../compiler/compile.js';
import { closeness } from '../helpers/reference.js';
import { RUNNABLE_TARGETS } from '../helpers/targets.js';
import { TORCH_FUNC_CASES } from '../helpers/torch-func-cases.js';

for (const target of RUNNABLE_TARGETS) {
  describe(`torch.func compositions compiled for ${target}, against PyTorch`, () => {
    for (const make of TORCH_FUNC_CASES) {
      const c = make();
      it(c.name, async () => {
        const compiled = await compile(c.fn, { target, example: c.args, verify: true });
        try {
          const got = (await compiled.run(...c.args)) as Record<string, Tensor>;
          expect(Object.keys(got).sort()).toEqual(Object.keys(c.expected).sort());
          for (const [k, want] of Object.entries(c.expected)) {
            expect(got[k]!.shape, k).toEqual(want.shape);
            const r = closeness(got[k]!.toArray(), want.toArray(), c.rtol, c.atol);
            expect(r.ok, `${k}: ${r.worst}`).toBe(true);
          }
        } finally {
          compiled.destroy();
        }
      }, 120_000);
    }
  });
}
