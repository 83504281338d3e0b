// Literals in generated source: a minus in front of a negative constant, and -0, on every runnable target.

import { describe, it } from 'vitest';
import { Tensor } from '../../index.js';
import * as ops from '../../compiler/trace/ops.js';
import { expectCompiledMatches } from '../helpers/compiled.js';
import { RUNNABLE_TARGETS } from '../helpers/targets.js';

// neg(full(-1.5)) once printed `(--1.5f)`: a decrement in C, a syntax error in WGSL. -0 prints as `(-0f)`;
// its sign is not compared, since WGSL lets implementations ignore the sign of zero.
const f = (x: Tensor): Tensor[] => [x.add(ops.full(x.shape, -1.5).neg()), x.mul(ops.full(x.shape, -0).neg())];

describe('negative and signed-zero literals', () => {
  for (const target of RUNNABLE_TARGETS) {
    it(target, async () => {
      await expectCompiledMatches(f, [Tensor.tensor([1, 2, 3])], { target });
    });
  }
});
