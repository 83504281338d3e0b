// Differential fuzzing: every stored regression replayed, then a quick budget of random graphs on every backend.

import { describe, expect, it } from 'vitest';
import { activeBackends } from './backends.js';
import { runCampaign } from './campaign.js';
import { checkProgram } from './check.js';
import { FUZZ_TARGETS } from './targets.js';
import { loadRegressions, signatureOf } from './regressions.js';
import { TEMPLATES } from './build.js';
import { UNARY_OPS } from '../../ir/op.js';

// Dry-run targets (cpu-clang) get their own small budget below; npm run fuzz runs every backend.
const backends = activeBackends(process.env['FUZZ_BACKENDS']?.split(','), { dryRun: false });

describe('fuzz regressions (shrunk graphs that once disagreed)', () => {
  for (const r of loadRegressions()) {
    it(`${r.name}: ${r.signature}`, async () => {
      const v = await FUZZ_TARGETS[r.target ?? 'ensemble'](r.program, { backends });
      expect(v.failures, `${v.plan}\n${v.ir}`).toEqual([]);
      expect(v.compared.length + v.refused.length).toBeGreaterThan(0);
    });
  }
});

describe('the fuzzer notices a wrong kernel', () => {
  it('a sigmoid off by 1% on WebGPU is a failure of kind "webgpu vs vmap"', async () => {
    const program = { members: 3, mode: 'eval', randomness: 'error', dataSeed: 3, inputs: [{ dims: [4], kind: 0, mapping: 0, axis: 0, bound: 1 }], nest: 0, prefixDims: false, steps: [], outputs: [{ value: 0, dim: 0 }] } as const;
    const sigmoid = { ...program, steps: [{ op: TEMPLATES.findIndex((t) => t.name === 'unary'), a: 0, b: UNARY_OPS.indexOf('sigmoid'), c: 0, d: 0 }] };
    const webgpu = activeBackends(['reference', 'webgpu']);
    expect((await checkProgram(sigmoid, { backends: webgpu })).failures).toEqual([]);
    const broken = await checkProgram(sigmoid, { backends: webgpu, patchSource: (_, src) => src.replace('exp(-', 'exp(-1.01f * ') });
    expect(broken.failures.length).toBe(1);
    expect(signatureOf(broken.failures)).toBe('webgpu vs vmap');
  });
});

describe('differential fuzzing, quick budget', () => {
  it('random ensembles agree: members looped, vmap on the CPU reference, and every compile target', async () => {
    const graphs = Number(process.env['FUZZ_GRAPHS'] ?? 50);
    const seed = Number(process.env['FUZZ_SEED'] ?? 20_250_707);
    const lines: string[] = [];
    const r = await runCampaign({ graphs, seed, backends, shrinkTimeLimitMs: 60_000, log: (l) => lines.push(l) });
    expect(r.graphs).toBe(graphs);
    expect(r.failures.map((f) => `${f.signature} (written to ${f.file})`), lines.join('\n')).toEqual([]);
    // The budget really compared the device against the CPU reference, not only refused graphs.
    for (const b of backends.filter((x) => x.mode === 'run' && x.target !== 'reference')) {
      expect([...r.compared.keys()].some((k) => k.startsWith(`${b.target} vs`)), `${b.target} was compared`).toBe(true);
    }
    expect(r.compared.get('loop vs vmap') ?? 0).toBeGreaterThan(graphs / 2);
  }, 600_000);

  it('the dry-run cpu-clang target (one file in compiler/targets/) agrees with the reference on random graphs', async () => {
    const dry = activeBackends(['reference', 'cpu-clang']);
    expect(dry.map((b) => b.target)).toEqual(['reference', 'cpu-clang']);
    const r = await runCampaign({ graphs: 6, seed: 7, backends: dry, shrinkTimeLimitMs: 30_000, log: () => {} });
    expect(r.failures.map((f) => f.signature)).toEqual([]);
    expect([...r.compared.keys()].some((k) => k.startsWith('cpu-clang vs'))).toBe(true);
  }, 300_000);
});
