// What the fuzzer checks on each random program: one entry per target (the ensemble run every way, jvp against finite differences).

import { checkProgram, type CheckOptions, type Verdict } from './check.js';
import { checkJvp } from './jvp-check.js';
import type { Program } from './program.js';

/** Checks one program; returns its disagreements as failures and never throws for one. */
export type ProgramCheck = (program: Program, options?: CheckOptions) => Promise<Verdict>;

/** Every fuzz target. Adding one is a line here and a check function. */
export const FUZZ_TARGETS = {
  /** Members looped, vmap on the CPU reference, and every compile target agree (check.ts). */
  ensemble: checkProgram,
  /** jvp agrees with finite differences and the vjp in f64, the jvp API with the pass, compiled jvps with eager (jvp-check.ts). */
  jvp: checkJvp,
} as const satisfies Record<string, ProgramCheck>;

export type FuzzTarget = keyof typeof FUZZ_TARGETS;

export function isFuzzTarget(s: string): s is FuzzTarget {
  return Object.prototype.hasOwnProperty.call(FUZZ_TARGETS, s);
}
