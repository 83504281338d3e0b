// The CUDA runtime without a GPU: library search, a clear "no CUDA driver found", NVRTC where it is installed.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendError, compile, Tensor } from '../../index.js';
import { cudaSpec } from '../../compiler/targets/cuda.js';
import { buildPlan } from '../../compiler/pipeline.js';
import { parseGraph } from '../../ir/index.js';
import { planSource } from '../../runtime/cuda/executor.js';
import { driverCandidates, loadDriverLibrary, nvrtcCandidates } from '../../runtime/cuda/libraries.js';
import { Nvrtc } from '../../runtime/cuda/nvrtc.js';
import { dedent } from '../helpers/ir.js';

const saved = { ...process.env };
afterEach(() => {
  for (const k of ['VMAPC_CUDA_PATH', 'VMAPC_NVRTC_PATH', 'PYTHONPATH', 'CUDA_PATH']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

function hasDriver(): boolean {
  try {
    loadDriverLibrary();
    return true;
  } catch {
    return false;
  }
}

const driver = hasDriver();
if (driver) console.warn('test/cuda/runtime: a CUDA driver is installed here; the "no driver" checks are skipped');

describe('CUDA library search', () => {
  it('looks in VMAPC_NVRTC_PATH, CUDA_PATH and Python wheel layouts, in that order', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'vmapc-libs-'));
    try {
      const mine = path.join(root, 'mine');
      const cuda = path.join(root, 'cuda', 'lib64');
      const site = path.join(root, 'site');
      const cu13 = path.join(site, 'nvidia', 'cu13', 'lib');
      const cu12 = path.join(site, 'nvidia', 'cuda_nvrtc', 'lib');
      for (const d of [mine, cuda, cu13, cu12]) mkdirSync(d, { recursive: true });
      for (const f of [path.join(mine, 'libnvrtc.so.13'), path.join(cuda, 'libnvrtc.so.12'), path.join(cuda, 'libnvrtc.so.13.0.88'), path.join(cu13, 'libnvrtc.so.13'), path.join(cu13, 'libnvrtc-builtins.so.13.0'), path.join(cu12, 'libnvrtc.so.12')]) writeFileSync(f, '');
      process.env['VMAPC_NVRTC_PATH'] = mine;
      process.env['CUDA_PATH'] = path.join(root, 'cuda');
      process.env['PYTHONPATH'] = site;
      const c = nvrtcCandidates();
      const at = (p: string): number => c.indexOf(p);
      expect(at(path.join(mine, 'libnvrtc.so.13'))).toBe(0);
      // Newest version first within a folder; the builtins library is never a candidate.
      expect(at(path.join(cuda, 'libnvrtc.so.13.0.88'))).toBeLessThan(at(path.join(cuda, 'libnvrtc.so.12')));
      expect(at(path.join(cuda, 'libnvrtc.so.12'))).toBeLessThan(at('libnvrtc.so'));
      expect(at(path.join(cu13, 'libnvrtc.so.13'))).toBeGreaterThan(at('libnvrtc.so'));
      expect(at(path.join(cu12, 'libnvrtc.so.12'))).toBeGreaterThan(at(path.join(cu13, 'libnvrtc.so.13')));
      expect(c.some((p) => p.includes('builtins'))).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('takes VMAPC_CUDA_PATH first for the driver and never CUDA\'s link-time stubs', () => {
    process.env['VMAPC_CUDA_PATH'] = '/nowhere/libcuda.so.1';
    const c = driverCandidates();
    expect(c[0]).toBe('/nowhere/libcuda.so.1');
    expect(c).toContain('libcuda.so.1');
    expect(c.some((p) => p.includes('/stubs/'))).toBe(false);
  });
});

describe.skipIf(driver)('without a CUDA driver', () => {
  it('says "no CUDA driver found" and lists where it looked', () => {
    process.env['VMAPC_CUDA_PATH'] = '/nowhere/libcuda.so.1';
    expect(() => loadDriverLibrary()).toThrow(BackendError);
    expect(() => loadDriverLibrary()).toThrow(/no CUDA driver found[\s\S]*VMAPC_CUDA_PATH[\s\S]*\/nowhere\/libcuda\.so\.1 \(no such file\)/);
  });

  it("compile(..., { target: 'cuda' }) rejects with that message; 'auto' moves on to the next target", async () => {
    const f = (x: Tensor): Tensor => x.mul(x);
    const example: [Tensor] = [Tensor.ones([4])];
    await expect(compile(f, { target: 'cuda', example })).rejects.toThrow(/no CUDA driver found/);
    const auto = await compile(f, { target: 'auto', example });
    expect(auto.target).not.toBe('cuda');
    expect((await auto.run(Tensor.full([4], 3))).toArray()).toEqual([9, 9, 9, 9]);
    auto.destroy();
  });
});

function nvrtcHere(): Nvrtc | string {
  try {
    return Nvrtc.get();
  } catch (e) {
    return (e as Error).message.split('\n')[0]!;
  }
}
const nvrtc = nvrtcHere();
if (typeof nvrtc === 'string') console.warn(`test/cuda/runtime: NVRTC checks skipped: ${nvrtc}`);

describe.skipIf(typeof nvrtc === 'string')('NVRTC', () => {
  const plan = buildPlan(parseGraph(dedent(`
    graph(%x: f32[4,40,24], %w: f32[4,24,32]) {
      %0: f32[4,40,32] = matmul(%x, %w)
      %1: f32[4,40,32] = gelu(%0)
      %2: f32[4,40,1] = max(%1) {axes=[2]}
      return %2
    }`)), cudaSpec({ matmul: 'tf32' })).plan;

  it('compiles a whole plan, tensor cores included, to PTX and to a cubin without headers', () => {
    const n = nvrtc as Nvrtc;
    const ptx = n.compile(planSource(plan), 'plan', 90, 'ptx');
    const text = ptx.image.toString('utf8');
    for (const k of plan.kernels) expect(text).toContain(`.entry ${k.entry}`);
    expect(text).toContain('mma.sync.aligned.m16n8k8');
    expect(n.compile(planSource(plan), 'plan', 90, 'cubin').image.readUInt32LE(0)).toBe(0x464c457f); // ELF
  });

  it('a compile error names the result, carries the log and quotes the line', () => {
    const broken = planSource(plan).replace('= vmapc_gelu(', '= vmapc_gelu_missing(');
    expect(() => (nvrtc as Nvrtc).compile(broken, 'broken', 90)).toThrow(/NVRTC_ERROR_COMPILATION[\s\S]*identifier "vmapc_gelu_missing" is undefined[\s\S]*\d+: .*vmapc_gelu_missing/);
  });
});
