// Every layer, vmapped over an ensemble, compiled for each runnable target and checked against the CPU reference.

import { describe, it } from 'vitest';
import { expectCompiledMatches } from '../helpers/compiled.js';
import { LAYER_CASES } from '../helpers/backend-cases.js';
import { RUNNABLE_TARGETS } from '../helpers/targets.js';

for (const target of RUNNABLE_TARGETS) {
  describe(`layers on ${target}`, () => {
    for (const make of LAYER_CASES) {
      const c = make();
      it(c.name, async () => {
        await expectCompiledMatches(c.fn, c.args, { target, rtol: c.rtol, atol: c.atol });
      });
    }
  });
}
