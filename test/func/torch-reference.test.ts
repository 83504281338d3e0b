// The PyTorch reference ensembles, run eagerly through stackModuleState + vmap(functionalCall) on the CPU reference.

import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../index.js';
import { expectClose } from '../helpers/assert.js';
import { REFERENCE_NAMES, referenceCase } from '../helpers/backend-cases.js';
import { loadCase } from '../helpers/reference.js';

describe('torch-reference on the CPU reference', () => {
  for (const name of REFERENCE_NAMES) {
    it(name, () => {
      const c = referenceCase(name);
      const meta = loadCase(name);
      const [params, buffers] = c.args as [Record<string, Tensor>, Record<string, Tensor>];
      expect(Object.keys(params)).toEqual(meta.param_order);
      expect(Object.keys(buffers)).toEqual(meta.buffer_order);
      expectClose(c.fn(...c.args) as Tensor, c.expected, c.rtol, c.atol);
    });
  }
});
