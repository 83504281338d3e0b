// Whole training steps compiled for each runnable target, against the same steps run eagerly.

import { describe, it } from 'vitest';
import { expectCompiledMatches } from '../helpers/compiled.js';
import { TRAIN_CASES } from '../helpers/backend-cases.js';
import { RUNNABLE_TARGETS } from '../helpers/targets.js';

for (const target of RUNNABLE_TARGETS) {
  describe(`training steps on ${target}`, () => {
    for (const make of TRAIN_CASES) {
      const c = make();
      it(c.name, async () => {
        await expectCompiledMatches(c.fn, c.args, { target, rtol: c.rtol, atol: c.atol });
      });
    }
  });
}
