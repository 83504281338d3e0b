// The PyTorch reference ensembles compiled for each runnable target: outputs match PyTorch, kernel counts are pinned.

import { describe, expect, it } from 'vitest';
import { compile } from '../../index.js';
import { expectClose } from '../helpers/assert.js';
import { REFERENCE_NAMES, referenceCase } from '../helpers/backend-cases.js';
import { RUNNABLE_TARGETS } from '../helpers/targets.js';

for (const target of RUNNABLE_TARGETS) {
  describe(`torch-reference on ${target}`, () => {
    for (const name of REFERENCE_NAMES) {
      it(name, async () => {
        const c = referenceCase(name);
        const ens = await compile(c.fn, { target, example: c.args });
        try {
          expectClose((await ens.run(...c.args)) as never, c.expected, c.rtol, c.atol);
          expect(ens.plan.steps.length).toBe(c.kernels);
        } finally {
          ens.destroy();
        }
      });
    }
  });
}
