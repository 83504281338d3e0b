// Packages with several targets: one plan and kernel files per target, 'auto' falls through to a target that starts here, cpu and webgpu agree.

import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPackage, type BuildResult } from '../../compiler/package/build-package.js';
import { BackendError } from '../../ir/errors.js';
import { loadPackage } from '../../runtime/package/load.js';
import { closeness } from '../helpers/reference.js';
import { Tiny, TwoHeads } from './fixtures/models.js';
import { staticImports, tempDir } from './helpers.js';

const dir = tempDir('vmapc-targets-');
const out = path.join(dir, 'heads');
let built: BuildResult;
const x = Float32Array.from({ length: 3 * 4 * 6 }, (_, i) => Math.cos(i * 0.3));

beforeAll(async () => {
  built = await buildPackage({ cls: TwoHeads, module: 'TwoHeads', source: 'test/package/fixtures/models.ts', members: 3, init: { kind: 'seed', seed: 2 }, inputs: [{ name: 'x', dtype: 'f32', shape: [3, 4, 6], inDim: 0 }], targets: ['webgpu', 'cpu', 'cuda'], out });
});

async function runOn(target: 'webgpu' | 'cpu' | 'auto'): Promise<{ target: string; y: { logits: Float32Array; probs: Float32Array } }> {
  const ens = await loadPackage(out, { target });
  try {
    return { target: ens.target, y: (await ens.run({ x })) as unknown as { logits: Float32Array; probs: Float32Array } };
  } finally {
    ens.destroy();
  }
}

describe('a package for webgpu, cpu and cuda', () => {
  it('holds one plan per target and each kernel in its language', () => {
    const m = built.manifest;
    expect(Object.keys(m.targets)).toEqual(['webgpu', 'cpu', 'cuda']);
    const kernels = readdirSync(path.join(out, 'kernels'));
    for (const [t, ext] of [['webgpu', 'wgsl'], ['cpu', 'c'], ['cuda', 'cu']] as const) {
      const plan = m.targets[t]!.plan;
      expect(plan.kernels.length).toBeGreaterThan(0);
      for (const k of plan.kernels) {
        expect(k.file).toBe(`kernels/${k.name}.${ext}`);
        expect(kernels).toContain(`${k.name}.${ext}`);
      }
      for (const p of m.parameters) expect(p.placement[t]).toBeDefined();
    }
    expect(m.targets.cuda!.requires).toMatchObject({ maxThreadsPerBlock: expect.any(Number), maxGridDimZ: expect.any(Number) });
    expect(m.targets.webgpu!.requires).toMatchObject({ maxStorageBufferBindingSize: expect.any(Number) });
  });

  it('keeps Node-only runtimes out of what a browser loads', () => {
    expect(staticImports(out, 'runtime.js')).toEqual({ bare: [], node: [] });
    const chunks = readdirSync(path.join(out, 'runtime'));
    const cpu = chunks.find((c) => c.startsWith('cpu-runtime'));
    expect(cpu).toBeDefined();
    // The cpu runtime uses Node's modules (found by the same check), and is imported only on demand.
    expect(staticImports(out, `runtime/${cpu}`).node.length).toBeGreaterThan(0);
  });

  it('cpu and webgpu give the same numbers', async () => {
    if (!existsSync('/usr/bin/cc')) throw new Error('the cpu target needs a C compiler: apt-get install -y gcc');
    const [cpu, gpu] = [await runOn('cpu'), await runOn('webgpu')];
    expect([cpu.target, gpu.target]).toEqual(['cpu', 'webgpu']);
    for (const k of ['logits', 'probs'] as const) {
      const r = closeness(cpu.y[k], gpu.y[k], 1e-5, 1e-6);
      expect(r.ok, `${k}: ${r.worst}`).toBe(true);
    }
  });

  it("'auto' passes over a target that cannot start here (cuda without a driver) to one that can", async () => {
    let cudaHere = true;
    try {
      (await loadPackage(out, { target: 'cuda' })).destroy();
    } catch (e) {
      expect(e).toBeInstanceOf(BackendError);
      expect((e as Error).message).toMatch(/CUDA|cuda/);
      cudaHere = false;
    }
    const auto = await runOn('auto');
    if (!cudaHere) expect(['webgpu', 'cpu']).toContain(auto.target);
    expect(auto.y.logits.length).toBe(3 * 4 * 3);
  });
});

describe('chunked members', () => {
  it('a stacked weight larger than one binding is stored in pieces and gives the same result', async () => {
    const inputs = [{ name: 'x', dtype: 'f32' as const, shape: [3, 4], inDim: null }];
    const base = { cls: Tiny, module: 'Tiny', source: 'test/package/fixtures/models.ts', members: 4, init: { kind: 'seed' as const, seed: 9 }, inputs, targets: ['webgpu' as const] };
    const whole = await buildPackage({ ...base, out: path.join(dir, 'whole') });
    // 160-byte bindings: fc.weight [4, 3, 4] (48 words) does not fit one; in chunks of 2 members it is two pieces of 24.
    const chunked = await buildPackage({ ...base, out: path.join(dir, 'chunked'), chunkSize: 2, internal: { webgpuMaxBindingBytes: 160 } });
    const weight = chunked.manifest.targets.webgpu!.plan.inputs.find((t) => t.name === 'fc.weight')!;
    expect(weight.pieces?.map((p) => [p.start, p.end])).toEqual([[0, 24], [24, 48]]);
    expect(chunked.manifest.targets.webgpu!.requires.maxStorageBufferBindingSize).toBeLessThanOrEqual(160);
    expect(whole.manifest.targets.webgpu!.plan.inputs.find((t) => t.name === 'fc.weight')!.pieces).toBeUndefined();
    const xs = Float32Array.from({ length: 12 }, (_, i) => i - 6);
    const results: Float32Array[] = [];
    for (const folder of ['whole', 'chunked']) {
      const ens = await loadPackage(path.join(dir, folder), { target: 'webgpu' });
      try {
        results.push((await ens.run({ x: xs })) as Float32Array);
      } finally {
        ens.destroy();
      }
    }
    expect(Array.from(results[1]!)).toEqual(Array.from(results[0]!));
  });
});
