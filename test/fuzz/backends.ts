// The backends every fuzz graph is compared on: one line per compile target; entries for targets not built yet are skipped.

import type { Graph } from '../../ir/node.js';
import { fuzzRoles, type TargetName } from '../../compiler/targets/registry.js';

export interface FuzzBackend {
  /** A key of TARGETS. */
  readonly target: TargetName;
  /** run: compile, run and compare the outputs; compile-check: only build the kernels and check the target accepts them. */
  readonly mode: 'run' | 'compile-check';
  /** Whether the target computes f64 (others must refuse f64 graphs with a BackendError naming f64). */
  readonly f64: boolean;
  /** A demonstration target (compiler/targets/cpu-clang.ts): fuzzed, but left out of the per-backend test tables. */
  readonly dryRun: boolean;
  /** compile-check backends: their checker, or undefined when the target's compiler is missing here. */
  readonly checker?: () => Promise<CompileChecker | undefined>;
}

/** Builds graphs with a target's own compiler without running them (many graphs may share one compiler run). */
export interface CompileChecker {
  /** The graph's kernels as source, entry points renamed with `prefix`; throws when the graph cannot be lowered. */
  source(graph: Graph, prefix: string): { readonly source: string; readonly entries: readonly string[] };
  /** Compiles sources in one run; throws with the compiler's output; returns the entry points built. */
  build(source: string): ReadonlySet<string>;
}

/** Compiles one graph's source and checks every entry point was built. */
export function checkOne(checker: CompileChecker, src: { source: string; entries: readonly string[] }): void {
  if (!src.source.trim()) return;
  const built = checker.build(src.source);
  const missing = src.entries.filter((e) => !built.has(e));
  if (missing.length) throw new Error(`no entry point was built for ${missing.join(', ')}`);
}

/** The compile-checkers of targets the fuzzer cannot run here, by target. */
const CHECKERS: Partial<Record<TargetName, () => Promise<CompileChecker | undefined>>> = {
  cuda: async () => (await import('./cuda-check.js')).cudaChecker(),
};

/** Every backend the fuzzer knows, in registry order: the target registry decides which and how. */
export const FUZZ_BACKENDS: readonly FuzzBackend[] = fuzzRoles().map(({ target, role, dryRun }) => {
  const checker = CHECKERS[target];
  return { target, mode: role.mode, f64: role.f64, dryRun, ...(checker ? { checker } : {}) };
});

/** The backends, optionally narrowed to a list of names; `dryRun: false` leaves demonstration targets out. */
export function activeBackends(only?: readonly string[], options: { dryRun?: boolean } = {}): FuzzBackend[] {
  return FUZZ_BACKENDS.filter((b) => (!only || only.includes(b.target)) && (options.dryRun !== false || !b.dryRun));
}
