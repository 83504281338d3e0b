// Shared pieces of the bad-input tests: which targets to run, error assertions, and snapshots that prove nothing changed.

import { expect } from 'vitest';
import type { nn, Tensor } from '../../index.js';
import { FUZZ_BACKENDS } from '../fuzz/backends.js';

/** Every compile target that runs here (the fuzzer's table, so a new target is tested here too). */
export function runTargets(): string[] {
  return FUZZ_BACKENDS.filter((b) => b.mode === 'run' && !b.dryRun).map((b) => b.target);
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** Asserts fn throws (or rejects with) an instance of cls whose message matches every pattern; returns the message. */
export async function expectError(fn: () => unknown, cls: ErrorClass, ...patterns: RegExp[]): Promise<string> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected an error').toBeInstanceOf(cls);
  const msg = (caught as Error).message;
  for (const p of patterns) expect(msg).toMatch(p);
  return msg;
}

/** Copies of every tensor's values, to prove later that nothing was written. */
export function snapshot(tensors: Record<string, Tensor> | readonly Tensor[]): number[][] {
  return Object.values(tensors).map((t) => t.toArray());
}

export function stateOf(m: nn.Module): Record<string, number[]> {
  return Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, t.toArray()]));
}
