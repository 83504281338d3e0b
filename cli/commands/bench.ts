// vmapc bench: load a package and time runs on random inputs.

import { allocArray, type TypedArray } from '../../ir/dtype.js';
import { numelOf } from '../../ir/shape.js';
import { Generator } from '../../runtime/rng.js';
import type { ManifestInput } from '../../runtime/package/manifest.js';
import type { CliIO } from '../main.js';
import { openPackage } from '../open-package.js';

export interface BenchFlags {
  readonly runs: number;
  readonly warmup: number;
  readonly target: string;
  readonly json?: boolean;
}

/** Inputs of the right types: normal floats, small non-negative integers (valid as indices into most tables). */
function randomInputs(inputs: readonly ManifestInput[]): Record<string, TypedArray> {
  const g = new Generator(1234);
  return Object.fromEntries(
    inputs.map((i) => {
      const n = numelOf(i.shape);
      const a = allocArray(i.dtype, n);
      const u = g.uniform(n, 0, 1);
      for (let k = 0; k < n; k++) {
        if (a instanceof BigInt64Array) a[k] = BigInt(Math.floor(u[k]! * 2));
        else if (a instanceof Int32Array) a[k] = Math.floor(u[k]! * 2);
        else a[k] = u[k]! * 2 - 1;
      }
      return [i.name, a];
    }),
  );
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

export async function benchCommand(dir: string, flags: BenchFlags, io: CliIO): Promise<void> {
  const t0 = performance.now();
  const ens = await openPackage(dir, flags.target);
  const loadMs = performance.now() - t0;
  try {
    const inputs = randomInputs(ens.inputs);
    for (let i = 0; i < flags.warmup; i++) await ens.run(inputs, { seed: i });
    const times: number[] = [];
    for (let i = 0; i < flags.runs; i++) {
      const s = performance.now();
      await ens.run(inputs, { seed: i });
      times.push(performance.now() - s);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    const stats = { package: dir, module: ens.manifest.model.module, members: ens.manifest.model.members, target: ens.target, device: ens.device, targetReport: ens.targetReport, loadMs, runs: flags.runs, meanMs: mean, medianMs: percentile(sorted, 0.5), p90Ms: percentile(sorted, 0.9), minMs: sorted[0]! };
    if (flags.json) {
      io.stdout(`${JSON.stringify(stats)}\n`);
      return;
    }
    io.stdout(
      `${stats.module} x ${stats.members} on ${stats.target} (${stats.device})\n` +
        ens.targetReport.filter((t) => !t.ok).map((t) => `  skipped ${t.slot}: ${t.reason}\n`).join('') +
        `  load    ${loadMs.toFixed(1)} ms (files checked, kernels compiled, weights uploaded)\n` +
        `  run     median ${stats.medianMs.toFixed(2)} ms, mean ${mean.toFixed(2)} ms, p90 ${stats.p90Ms.toFixed(2)} ms, min ${stats.minMs.toFixed(2)} ms over ${flags.runs} runs (${flags.warmup} warm-up)\n` +
        `  rate    ${(1000 / stats.medianMs).toFixed(1)} ensemble forwards/s (${((1000 * stats.members) / stats.medianMs).toFixed(1)} member forwards/s)\n`,
    );
  } finally {
    ens.destroy();
  }
}
