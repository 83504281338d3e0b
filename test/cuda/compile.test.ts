// The generated CUDA of every layer and torch-reference case compiles with nvcc -ptx -arch=sm_90 and assembles with ptxas.

import { beforeAll, describe, expect, it } from 'vitest';
import type { BuiltCase } from './cases.js';
import { buildForSm90, findCudaTools, prefixedSource, type DeviceBuild } from './nvcc.js';
import { allCases, MODES } from './plans.js';

const tools = findCudaTools();
if ('missing' in tools) console.warn(`test/cuda/compile: skipped, ${tools.missing}`);

describe.skipIf('missing' in tools)('CUDA C for sm_90 (nvcc -ptx, ptxas)', () => {
  const cases: { mode: string; b: BuiltCase; prefix: string }[] = [];
  let build: DeviceBuild;

  beforeAll(async () => {
    if ('missing' in tools) return;
    for (const mode of MODES) (await allCases(mode)).forEach((b, i) => cases.push({ mode, b, prefix: `${mode}${i}` }));
    // One translation unit for all plans: one nvcc and one ptxas process.
    build = buildForSm90(tools, cases.map((c) => prefixedSource(c.b.plan, c.prefix)).join('\n'));
  });

  it('every kernel is a self-contained extern "C" __global__ entry that assembles for sm_90 (at most a few bytes of spills)', () => {
    expect(cases.length).toBeGreaterThan(40);
    for (const { b, prefix, mode } of cases) {
      for (const k of b.plan.kernels) {
        const entry = `${prefix}_${k.entry}`;
        const where = `${b.c.name} (${mode}) ${k.name}: ${k.label}`;
        expect(k.source, where).not.toContain('#include');
        expect(k.source, where).toContain(`extern "C" __global__ void __launch_bounds__(`);
        expect(build.entries.has(entry), `${where}: no .entry ${entry} in the PTX`).toBe(true);
        const res = build.resources.get(entry);
        expect(res, `${where}: no ptxas report`).toBeDefined();
        // ptxas may spill a word or two on long k loops (seen: 4 bytes at 168 registers); more would mean register pressure.
        expect(res!.spillBytes, `${where}: spills`).toBeLessThanOrEqual(k.label.endsWith('(tf32 mma)') ? 16 : 64);
        expect(res!.registers, where).toBeLessThanOrEqual(255);
      }
    }
  });

  it('TF32 plans use tensor cores for the matmuls that fit a fragment; exact plans never do', () => {
    const mma = cases.filter((c) => c.b.plan.kernels.some((k) => k.label.endsWith('(tf32 mma)')));
    expect(mma.every((c) => c.mode === 'tf32')).toBe(true);
    expect(mma.map((c) => c.b.c.name)).toEqual(expect.arrayContaining(['Linear 40 -> 72 (tensor-core sized tiles)', 'tutorial_mlp', 'tutorial_mlp_per_member']));
    const entry = `${mma[0]!.prefix}_${mma[0]!.b.plan.kernels.find((k) => k.label.endsWith('(tf32 mma)'))!.entry}`;
    const body = build.ptx.slice(build.ptx.indexOf(`.entry ${entry}`));
    expect(body.slice(0, body.indexOf('\n}\n'))).toMatch(/mma\.sync\.aligned\.m16n8k8\.row\.col\.f32\.tf32\.tf32\.f32/);
    expect(build.ptx).toMatch(/cvt\.rna\.tf32\.f32/);
  });

  it('the reference cases keep the fused kernel counts of the WebGPU plans', () => {
    for (const { b } of cases) if (b.c.kernels !== undefined) expect(b.plan.steps.length, b.c.name).toBe(b.c.kernels);
  });
});
