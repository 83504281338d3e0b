// Compiles a function for a target and checks it against eager execution on the CPU reference.

import { expect } from 'vitest';
import type { Tensor } from '../../index.js';
import { compile, type CompileTarget } from '../../compiler/compile.js';
import { flatten } from '../../compiler/func/pytree.js';
import { closeness } from './reference.js';

export interface MatchOptions {
  readonly target?: CompileTarget;
  readonly rtol?: number;
  readonly atol?: number;
  readonly seed?: number;
}

/** Runs fn eagerly and compiled; asserts every output leaf agrees. Returns the number of dispatches. */
export async function expectCompiledMatches<A extends unknown[]>(fn: (...args: A) => unknown, args: A, options: MatchOptions = {}): Promise<number> {
  const expected = flatten(fn(...args)).leaves as Tensor[];
  const compiled = await compile(fn, { target: options.target ?? 'webgpu', example: args, verify: true, ...(options.seed !== undefined ? { seed: options.seed } : {}) });
  try {
    const got = flatten(await compiled.run(...args)).leaves as Tensor[];
    expect(got.length).toBe(expected.length);
    got.forEach((g, i) => {
      expect(g.shape, `output ${i} shape`).toEqual(expected[i]!.shape);
      expect(g.dtype, `output ${i} dtype`).toBe(expected[i]!.dtype);
      const r = closeness(g.toArray(), expected[i]!.toArray(), options.rtol ?? 1e-4, options.atol ?? 1e-5);
      expect(r.ok, `output ${i}: ${r.worst}\nkernels:\n${compiled.kernels.map((k) => k.label).join('\n')}`).toBe(true);
    });
    return compiled.plan.steps.length;
  } finally {
    compiled.destroy();
  }
}
