// One ensemble per family of the composed layers and functions (issue 13 part A), compiled for each runnable target against the CPU reference.

import { describe, it } from 'vitest';
import { COMPOSED_CASES } from '../helpers/composed-cases.js';
import { expectCompiledMatches } from '../helpers/compiled.js';
import { RUNNABLE_TARGETS } from '../helpers/targets.js';

for (const target of RUNNABLE_TARGETS) {
  describe(`composed layers on ${target}`, () => {
    for (const make of COMPOSED_CASES) {
      const c = make();
      it(c.name, async () => {
        await expectCompiledMatches(c.fn, c.args, { target, rtol: c.rtol, atol: c.atol });
      });
    }
  });
}
