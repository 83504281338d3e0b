// Tile sizes per GEMM shape for the CPU target: a small timed search; the target supplies the plan build, the timing run and the cache.

import type { FusedGroup } from '../passes/fuse.js';
import { defaultTiles, problemKey, rowsPerTask, type GemmChooser, type GemmProblem, type GemmTiles } from './gemm-cpu.js';
import type { CpuCodegen } from './loops-cpu.js';
import type { LowerContext, TargetSpec } from './target-spec.js';

/** GEMMs below this many flops run with the default tiles: measuring them would cost more than it saves. */
export const TUNE_MIN_FLOPS = 16e6;

const flopsOf = (p: GemmProblem): number => 2 * p.batch * p.m * p.n * p.k;

/** The tiles the search tries for a problem: nt shapes when the layout allows, nn shapes with two k blocks. */
export function candidates(p: GemmProblem, vlen: number, threads: number): GemmTiles[] {
  const regs = vlen >= 16 ? 32 : 16;
  const out: GemmTiles[] = [];
  if (p.nt && p.k >= vlen) {
    for (const [mr, nr] of [[4, 6], [4, 4], [6, 4], [3, 8], [2, 8], [3, 4], [2, 6], [2, 4]] as const) {
      // Accumulators, one operand's vectors kept in registers, and one for the other's load.
      if (2 ** Math.ceil(Math.log2(nr)) > vlen || mr * nr + Math.min(mr, nr) + 1 > regs) continue;
      for (const kc of new Set([p.k, Math.min(p.k, 256)])) out.push({ micro: 'nt', mr, nr, mb: rowsPerTask(p, mr, threads), kc });
    }
  }
  // nn needs B packed for this layout: only worth trying when k is too short for the nt lane sums to pay off.
  if (out.length && p.k >= 4 * vlen) return out;
  for (const [mr, nrv] of [[8, 2], [12, 2], [6, 2], [4, 4]] as const) {
    if (mr * nrv + nrv + 1 > regs) continue;
    for (const kc of new Set([Math.min(p.k, 128), Math.min(p.k, 384)])) out.push({ micro: 'nn', mr, nr: nrv, mb: rowsPerTask(p, mr, threads), kc });
  }
  return out;
}

interface Found {
  readonly problem: GemmProblem;
  readonly group: FusedGroup;
  readonly low: LowerContext;
}

/** What the tile search needs from its target: the machine, a plan build, a timing run and a cache. */
export interface TuneHooks {
  /** Floats per vector register of the machine. */
  readonly vlen: number;
  readonly threads: number;
  /** The target's spec for given codegen settings. */
  readonly specOf: (cg: CpuCodegen) => TargetSpec;
  /** Builds the plan with `spec` (its kernels lowered); returns the arenas' sizes in words. */
  readonly build: (spec: TargetSpec) => readonly number[];
  /** Compiles and runs a C program; returns what it printed. */
  readonly time: (program: string) => string;
  /** Tiles measured before, by problem key (see problemKey). */
  readonly cached: Readonly<Record<string, GemmTiles>>;
  /** Keeps newly measured tiles for next time. */
  readonly save: (entries: Readonly<Record<string, GemmTiles>>) => void;
}

/** Times every candidate of every problem in one program; returns the fastest tiles per problem. */
function measure(hooks: TuneHooks, todo: readonly Found[], arenaWords: readonly number[]): GemmTiles[] {
  const { vlen, threads, specOf } = hooks;
  const kernels: { p: number; c: number; name: string; arenas: number[] }[] = [];
  const sources: string[] = [];
  const cands = todo.map((f) => candidates(f.problem, vlen, threads));
  todo.forEach((f, p) => {
    cands[p]!.forEach((tiles, c) => {
      const spec = specOf({ vlen, tiles: () => tiles });
      const name = `tune_${p}_${c}`;
      const kernel = spec.lower(f.group, { ...f.low, name });
      sources.push(spec.render(kernel));
      kernels.push({ p, c, name, arenas: kernel.bindings.map((b) => Number(b.arena)) });
    });
  });
  const main = [
    '#include <stdio.h>', '#include <stdlib.h>', '#include <time.h>',
    '#ifdef _OPENMP', '#include <omp.h>', '#endif',
    'static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }',
    'int main(void) {',
    '#ifdef _OPENMP',
    `  omp_set_num_threads(${threads});`,
    '#elif defined(VMAPC_HAVE_POOL)',
    `  vmapc_pool.want = ${threads};`,
    '#endif',
    `  static float* a[${arenaWords.length}];`,
    ...arenaWords.map((w, i) => `  a[${i}] = (float*)calloc(${Math.max(w, 1) + 64}, 4);`),
    ...kernels.flatMap((k) => {
      const call = `${k.name}(${[...k.arenas.map((i) => `a[${i}]`), '1u'].join(', ')})`;
      return [
        `  { ${call}; ${call}; double t0 = now(); ${call}; double one = now() - t0;`,
        '    int n = one > 0.004 ? 1 : (int)(0.004 / (one + 1e-9)) + 1; double best = 1e30;',
        `    for (int r = 0; r < 5; r++) { t0 = now(); for (int i = 0; i < n; i++) ${call}; double t = (now() - t0) / n; if (t < best) best = t; }`,
        `    printf("${k.p} ${k.c} %.0f\\n", best * 1e9); }`,
      ];
    }),
    '  return 0;',
    '}',
  ];
  const out = hooks.time([...sources, ...main].join('\n'));
  const best = todo.map(() => ({ ns: Infinity, c: 0 }));
  for (const line of out.trim().split('\n')) {
    const [p, c, ns] = line.split(' ').map(Number) as [number, number, number];
    if (ns < best[p]!.ns) best[p] = { ns, c };
  }
  return best.map((b, p) => cands[p]![b.c]!);
}

/**
 * The tile chooser for a graph. Finds its GEMMs (a first, cheap plan build), looks each shape up in the
 * cache, measures the missing ones, and answers from the cache; shapes too small to be worth it get the
 * defaults.
 */
export function tunedTiles(hooks: TuneHooks): GemmChooser {
  const fallback: GemmChooser = (p) => defaultTiles(p, hooks.vlen, hooks.threads);
  const found: Found[] = [];
  let last: GemmProblem | undefined;
  const base = hooks.specOf({ vlen: hooks.vlen, tiles: (p) => ((last = p), fallback(p)) });
  const recording: TargetSpec = {
    ...base,
    lower: (group, low) => {
      last = undefined;
      const k = base.lower(group, low);
      if (last) found.push({ problem: last, group, low: { ...low, faults: undefined } });
      return k;
    },
    render: () => '',
  };
  const arenaWords = hooks.build(recording);
  const entries = { ...hooks.cached };
  const todo = found.filter((f, i) => flopsOf(f.problem) >= TUNE_MIN_FLOPS && !entries[problemKey(f.problem)] && found.findIndex((g) => problemKey(g.problem) === problemKey(f.problem)) === i);
  if (todo.length) {
    const tiles = measure(hooks, todo, arenaWords);
    const fresh: Record<string, GemmTiles> = {};
    todo.forEach((f, i) => (fresh[problemKey(f.problem)] = entries[problemKey(f.problem)] = tiles[i]!));
    hooks.save(fresh);
  }
  return (p) => entries[problemKey(p)] ?? fallback(p);
}
