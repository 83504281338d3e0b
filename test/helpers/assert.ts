// Shared assertions: allclose with a useful message, shape equality.

import { expect } from 'vitest';
import type { Tensor } from '../../index.js';
import { closeness } from './reference.js';

export function expectClose(actual: Tensor | ArrayLike<number>, expected: Tensor | ArrayLike<number>, rtol = 1e-5, atol = 1e-6): void {
  const a = 'shape' in actual && 'toArray' in actual ? (actual as Tensor) : undefined;
  const e = 'shape' in expected && 'toArray' in expected ? (expected as Tensor) : undefined;
  if (a && e) expect(a.shape, 'shape').toEqual(e.shape);
  const av = a ? a.toArray() : (actual as ArrayLike<number>);
  const ev = e ? e.toArray() : (expected as ArrayLike<number>);
  const r = closeness(av, ev, rtol, atol);
  expect(r.ok, r.worst).toBe(true);
}
