// A fuzz campaign: N random graphs checked on every backend; each failure shrunk with fast-check and written as a regression.

import fc from 'fast-check';
import { activeBackends, type FuzzBackend } from './backends.js';
import type { DeferredCheck, Verdict } from './check.js';
import { FUZZ_TARGETS, type FuzzTarget, type ProgramCheck } from './targets.js';
import { checkOne } from './backends.js';
import { describeProgram, programArb, type Program } from './program.js';
import { signatureOf, writeRegression } from './regressions.js';

export interface CampaignOptions {
  readonly graphs: number;
  readonly seed: number;
  readonly backends?: readonly FuzzBackend[];
  /** What each program is checked for (default 'ensemble'; 'jvp': forward-mode derivatives, see targets.ts). */
  readonly target?: FuzzTarget;
  /** Shrink each failure to a minimal program (default true). */
  readonly shrink?: boolean;
  /** Stop shrinking one failure after this long (default 120 s). */
  readonly shrinkTimeLimitMs?: number;
  /** Write shrunk failures under test/fuzz/regressions (default true). */
  readonly write?: boolean;
  readonly log?: (line: string) => void;
}

export interface CampaignFailure {
  /** The run index: replay with fc.check(property, { seed, path: String(index) }). */
  readonly index: number;
  readonly original: Program;
  readonly shrunk: Program;
  readonly path: string;
  readonly signature: string;
  readonly verdict: Verdict;
  readonly file?: string;
}

export interface CampaignResult {
  readonly graphs: number;
  readonly failed: number;
  readonly failures: readonly CampaignFailure[];
  /** How many times each comparison ran ('webgpu vs vmap': 48, ...). */
  readonly compared: ReadonlyMap<string, number>;
  /** Graphs a backend refused as it should (f64 on a device). */
  readonly refused: number;
  readonly ms: number;
}

/** Shrinks the failure at run `index` of `seed`, keeping its kind (signature). */
async function shrinkFailure(check: ProgramCheck, seed: number, index: number, graphs: number, signature: string, backends: readonly FuzzBackend[], limitMs: number): Promise<{ program: Program; path: string } | undefined> {
  const prop = fc.asyncProperty(programArb, async (p) => {
    const v = await check(p, { backends });
    return !(v.failures.length && signatureOf(v.failures) === signature);
  });
  const r = await fc.check(prop, { seed, path: String(index), numRuns: graphs, interruptAfterTimeLimit: limitMs, markInterruptAsFailure: false });
  return r.counterexample ? { program: r.counterexample[0], path: r.counterexamplePath ?? String(index) } : undefined;
}

export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const t0 = Date.now();
  const backends = options.backends ?? activeBackends();
  const target = options.target ?? 'ensemble';
  const check: ProgramCheck = FUZZ_TARGETS[target];
  const log = options.log ?? (() => undefined);
  const compared = new Map<string, number>();
  const found: { index: number; program: Program; verdict: Verdict }[] = [];
  let index = 0, refused = 0;
  const deferred: DeferredCheck[] = [];
  const deferredIndex: number[] = [];
  const prop = fc.asyncProperty(programArb, async (p) => {
    const k = index++;
    let v: Verdict;
    try {
      const before = deferred.length;
      v = await check(p, { backends, deferred });
      for (let i = before; i < deferred.length; i++) deferredIndex.push(k);
    } catch (e) {
      v = { program: p, plan: describeProgram(p), ir: '', failures: [`the fuzzer itself threw: ${(e as Error).stack}`], compared: [], refused: [] };
    }
    for (const c of v.compared) compared.set(c, (compared.get(c) ?? 0) + 1);
    if (v.refused.length) refused++;
    if (v.failures.length) {
      found.push({ index: k, program: p, verdict: v });
      log(`graph ${k} FAILED (${signatureOf(v.failures)}): ${describeProgram(p)}`);
    }
    if ((k + 1) % 50 === 0) log(`${k + 1} graphs, ${found.length} failed, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    return true; // failures are collected, then shrunk one by one below
  });
  await fc.check(prop, { seed: options.seed, numRuns: options.graphs });
  // Compile checks (CUDA): up to 50 graphs' sources per compiler run; only when one fails, graph by graph.
  const BATCH = 50;
  for (const checker of new Set(deferred.map((d) => d.checker))) for (let at = 0; ; at += BATCH) {
    const all = deferred.map((d, i) => ({ d, k: deferredIndex[i]! })).filter((x) => x.d.checker === checker);
    const mine = all.slice(at, at + BATCH);
    if (!mine.length) break;
    try {
      checkOne(checker, { source: mine.map((x) => x.d.src.source).join('\n'), entries: mine.flatMap((x) => x.d.src.entries) });
    } catch {
      for (const { d, k } of mine) {
        try {
          checkOne(checker, d.src);
        } catch (e) {
          const message = `${d.backend.target} does not compile: ${(e as Error).message}`;
          if (!found.some((f) => f.index === k)) found.push({ index: k, program: d.program, verdict: { ...(await check(d.program, { backends: [] })), failures: [message] } });
          log(`graph ${k} FAILED (${d.backend.target} does not compile)`);
        }
      }
    }
  }

  const failures: CampaignFailure[] = [];
  for (const f of found) {
    const signature = signatureOf(f.verdict.failures);
    let shrunk = { program: f.program, path: String(f.index) };
    if (options.shrink ?? true) {
      log(`shrinking graph ${f.index} (${signature}) ...`);
      shrunk = (await shrinkFailure(check, options.seed, f.index, options.graphs, signature, backends, options.shrinkTimeLimitMs ?? 120_000)) ?? shrunk;
    }
    const verdict = await check(shrunk.program, { backends });
    const final = verdict.failures.length ? verdict : f.verdict;
    const file = (options.write ?? true)
      ? writeRegression({ seed: options.seed, path: shrunk.path, signature, ...(target === 'ensemble' ? {} : { target }), message: final.failures.join('\n'), program: verdict.failures.length ? shrunk.program : f.program, plan: final.plan }, final.ir)
      : undefined;
    failures.push({ index: f.index, original: f.program, shrunk: shrunk.program, path: shrunk.path, signature, verdict: final, ...(file ? { file } : {}) });
    log(`graph ${f.index}: ${signature}\n${final.plan}\n${final.failures.join('\n').slice(0, 2000)}${file ? `\nwritten to ${file}` : ''}`);
  }
  return { graphs: index, failed: found.length, failures, compared, refused, ms: Date.now() - t0 };
}
