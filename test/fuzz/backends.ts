// The backends every fuzz graph is compared on: one line per compile target; entries for targets not built yet are skipped.

import type { Graph } from '../../ir/node.js';
import { TARGETS } from '../../compiler/targets/registry.js';

export interface FuzzBackend {
  /** A key of TARGETS. */
  readonly target: string;
  /** run: compile, run and compare the outputs; compile-check: only build the kernels and check the target accepts them. */
  readonly mode: 'run' | 'compile-check';
  /** Whether the target computes f64 (others must refuse f64 graphs with a BackendError naming f64). */
  readonly f64: boolean;
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

/** Every backend the fuzzer knows, in the order they run. Adding a target is one line here. */
export const FUZZ_BACKENDS: readonly FuzzBackend[] = [
  { target: 'reference', mode: 'run', f64: true },
  { target: 'webgpu', mode: 'run', f64: false },
  { target: 'cpu', mode: 'run', f64: false },
  { target: 'cuda', mode: 'compile-check', f64: false, checker: async () => (await import('./cuda-check.js')).cudaChecker() },
];

/** The backends whose targets exist in this build, optionally narrowed to a list of names. */
export function activeBackends(only?: readonly string[]): FuzzBackend[] {
  return FUZZ_BACKENDS.filter((b) => Object.prototype.hasOwnProperty.call(TARGETS, b.target) && (!only || only.includes(b.target)));
}
