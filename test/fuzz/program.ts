// A fuzz program: plain JSON choices that build.ts turns into an ensemble of modules; fast-check generates and shrinks it.

import fc from 'fast-check';

/** What an input holds: reals, integer-valued reals (ties), i64/i32 indices below `bound`, f64 reals, or reals with NaN and ±Inf among them. */
export const INPUT_KINDS = ['real', 'int_valued', 'index_i64', 'index_i32', 'real_f64', 'nonfinite'] as const;
export type InputKind = (typeof INPUT_KINDS)[number];

export interface InputDecl {
  /** The per-member shape (rank 0..3). */
  readonly dims: readonly number[];
  /** Index into INPUT_KINDS. */
  readonly kind: number;
  /** 0: mapped (member axis at `axis`), 1: shared (in_dim null), 2: mapped at a negative in_dim. */
  readonly mapping: number;
  readonly axis: number;
  /** Index inputs: values lie in [0, bound). */
  readonly bound: number;
}

/** One step: `op` picks a template (taken modulo the table, skipping ones that do not apply); a..d are its choices. */
export interface Step {
  readonly op: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
}

export interface OutputDecl {
  /** Which value (counted back from the last). */
  readonly value: number;
  /** out_dims choice, taken modulo rank + 1 (and sometimes written negative). */
  readonly dim: number;
}

export interface Program {
  /** Ensemble size M. */
  readonly members: number;
  readonly mode: 'eval' | 'train';
  readonly randomness: 'error' | 'same' | 'different';
  /** Seeds the members' parameters and the inputs' values. */
  readonly dataSeed: number;
  readonly inputs: readonly InputDecl[];
  /** How the inputs are passed: 0 flat, 1 as a record, 2 as a nested array; in_dims follow (sometimes as a prefix). */
  readonly nest: number;
  /** Whether nested in_dims are written as a prefix (one entry for a whole subtree) when they agree. */
  readonly prefixDims: boolean;
  readonly steps: readonly Step[];
  readonly outputs: readonly OutputDecl[];
}

/** Ensemble sizes: any of 1..17, with the primes drawn more often. */
export const membersArb = fc.oneof(fc.integer({ min: 1, max: 17 }), fc.constantFrom(2, 3, 5, 7, 11, 13, 17));

export const inputArb: fc.Arbitrary<InputDecl> = fc.record({
  dims: fc.array(fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 5 }) }, { weight: 1, arbitrary: fc.integer({ min: 6, max: 40 }) }), { minLength: 0, maxLength: 3 }),
  kind: fc.oneof(
    { weight: 10, arbitrary: fc.constant(0) },
    { weight: 3, arbitrary: fc.constant(1) },
    { weight: 2, arbitrary: fc.constant(2) },
    { weight: 2, arbitrary: fc.constant(3) },
    { weight: 1, arbitrary: fc.constant(4) },
    { weight: 1, arbitrary: fc.constant(5) },
  ),
  mapping: fc.nat(2),
  axis: fc.nat(3),
  bound: fc.integer({ min: 1, max: 6 }),
});

export const stepArb: fc.Arbitrary<Step> = fc.record({ op: fc.nat(999), a: fc.nat(99), b: fc.nat(99), c: fc.nat(99), d: fc.nat(99) });

export const programArb: fc.Arbitrary<Program> = fc.record({
  members: membersArb,
  mode: fc.constantFrom('eval' as const, 'train' as const),
  randomness: fc.constantFrom('error' as const, 'same' as const, 'different' as const),
  dataSeed: fc.nat(1_000_000),
  inputs: fc.array(inputArb, { minLength: 1, maxLength: 3 }),
  nest: fc.nat(2),
  prefixDims: fc.boolean(),
  steps: fc.array(stepArb, { minLength: 0, maxLength: 10 }),
  outputs: fc.array(fc.record({ value: fc.nat(3), dim: fc.nat(4) }), { minLength: 1, maxLength: 2 }),
});

/** A one-line summary for logs. */
export function describeProgram(p: Program): string {
  return `M=${p.members} ${p.mode} randomness=${p.randomness} inputs=${p.inputs.length} steps=${p.steps.length} outputs=${p.outputs.length}`;
}
