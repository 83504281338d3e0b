// The torch.func compositions of issue 14 against PyTorch, eagerly on the CPU reference.

import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../index.js';
import { expectClose } from '../helpers/assert.js';
import { TORCH_FUNC_CASES } from '../helpers/torch-func-cases.js';

describe('torch.func compositions against PyTorch (CPU reference)', () => {
  for (const make of TORCH_FUNC_CASES) {
    const c = make();
    it(c.name, () => {
      const got = c.fn(...c.args) as Record<string, Tensor>;
      expect(Object.keys(got).sort()).toEqual(Object.keys(c.expected).sort());
      for (const [k, want] of Object.entries(c.expected)) {
        expect(got[k]!.shape, k).toEqual(want.shape);
        expectClose(got[k]!, want, c.rtol, c.atol);
      }
    });
  }
});
