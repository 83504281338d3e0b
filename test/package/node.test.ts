// A package built from examples/ runs in a fresh Node process without the compiler, bit for bit as in-process compile().

import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compile, functionalCall, initEnsemble, Tensor, vmap } from '../../index.js';
import { MLP } from '../../examples/mlp.js';
import { buildPackage, type BuildResult } from '../../compiler/package/build-package.js';
import { readSafetensors } from '../../runtime/safetensors.js';
import { loadPackage } from '../../runtime/package/load.js';
import { TwoHeads } from './fixtures/models.js';
import { buildSmall, REPO, runProcess, staticImports, tempDir } from './helpers.js';

type Dict = Record<string, Tensor>;

const M = 4, B = 8, SEED = 7;
const dir = tempDir();
const out = path.join(dir, 'mlp4');
let built: BuildResult;
const x = Tensor.randn([B, 784]);

beforeAll(async () => {
  built = await buildPackage({ cls: MLP, module: 'MLP', source: 'examples/mlp.ts', members: M, init: { kind: 'seed', seed: SEED }, inputs: [{ name: 'x', dtype: 'f32', shape: [B, 784], inDim: null }], targets: ['webgpu'], out });
});

/** In-process: the same members (initEnsemble with the same seed) compiled with compile(). */
async function inProcess(): Promise<Float32Array> {
  const ens = initEnsemble(MLP, M, { seed: SEED });
  ens.model.eval();
  const f = (p: Dict, b: Dict, xi: Tensor): Tensor => functionalCall(ens.model, [p, b], [xi]);
  const c = await compile(vmap(f, [0, 0, null]), { target: 'webgpu', example: [ens.params, ens.buffers, x] });
  try {
    return (await c.run(ens.params, ens.buffers, x)).data as Float32Array;
  } finally {
    c.destroy();
  }
}

describe('package in Node', () => {
  it('has the documented layout, and its loader is self-contained', () => {
    const files = built.files.map((f) => f.path);
    expect(files.filter((f) => !f.startsWith('runtime/'))).toEqual(['browser.js', 'index.d.ts', 'index.js', 'kernels/k0_matmul.wgsl', 'kernels/k1_matmul.wgsl', 'kernels/k2_matmul.wgsl', 'manifest.json', 'package.json', 'runtime-browser.js', 'runtime.js', 'weights.safetensors']);
    expect(readdirSync(dir)).toEqual(['mlp4']); // no temporary folder left beside it
    const index = readFileSync(path.join(out, 'index.js'), 'utf8');
    expect([...index.matchAll(/from '([^']+)'/g)].map((m) => m[1])).toEqual(['./runtime.js', './runtime.js']);
    expect(staticImports(out, 'runtime.js')).toEqual({ bare: [], node: [] });
    expect(staticImports(out, 'browser.js')).toEqual({ bare: [], node: [] });
    expect(readFileSync(path.join(out, 'runtime.js'), 'utf8')).not.toMatch(/traceFunction|vmapPass|ts-morph|buildPlan/);
  });

  it('stores the members initialised from seed, seed+1, ... under state-dict names', () => {
    const ens = initEnsemble(MLP, M, { seed: SEED });
    const { tensors } = readSafetensors(readFileSync(path.join(out, 'weights.safetensors')));
    for (const [name, t] of Object.entries(ens.params)) {
      expect(tensors.get(name)!.shape).toEqual([M, ...t.shape.slice(1)]);
      expect(Buffer.from((tensors.get(name)!.data as Float32Array).buffer).equals(Buffer.from((t.data as Float32Array).buffer)), name).toBe(true);
    }
    expect(built.manifest.model.init).toEqual({ kind: 'seed', seeds: [7, 8, 9, 10] });
  });

  it('runs in a fresh Node process (no TypeScript, no compiler) bit for bit as in-process compile()', async () => {
    const input = path.join(dir, 'x.bin');
    const output = path.join(dir, 'y.bin');
    const xs = x.data as Float32Array;
    writeFileSync(input, new Uint8Array(xs.buffer, xs.byteOffset, xs.byteLength));
    // The package sits in a temporary folder outside any node_modules: Dawn is found from the working directory.
    const r = await runProcess(process.execPath, [path.join(REPO, 'test/package/fixtures/run-package.mjs'), out, input, output]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!).target).toBe('webgpu');
    const got = new Float32Array(new Uint8Array(readFileSync(output)).buffer);
    const want = await inProcess();
    expect(got.length).toBe(M * B * 10);
    expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer, want.byteOffset, want.byteLength))).toBe(true);
  });

  it('buffers (i64 included), per-member inputs and a record output: the package equals compile()', async () => {
    const pkgDir = path.join(dir, 'two-heads');
    const members = 3;
    const res = await buildSmall({ cls: TwoHeads, module: 'TwoHeads', members, seed: 3, inputs: [{ name: 'x', dtype: 'f32', shape: [members, 5, 6], inDim: 0 }], out: pkgDir });
    expect(res.manifest.parameters.find((p) => p.name === 'bn.num_batches_tracked')).toMatchObject({ kind: 'buffer', dtype: 'i64', shape: [3] });
    expect(res.manifest.outputs.map((o) => [o.name, o.shape])).toEqual([['logits', [3, 5, 3]], ['probs', [3, 5, 3]]]);
    const xi = Tensor.randn([members, 5, 6]);
    const ens = await loadPackage(pkgDir);
    let got: { logits: Float32Array; probs: Float32Array };
    try {
      got = (await ens.run({ x: xi.data })) as unknown as typeof got;
    } finally {
      ens.destroy();
    }
    const init = initEnsemble(TwoHeads, members, { seed: 3 });
    init.model.eval();
    const f = (p: Dict, b: Dict, v: Tensor): unknown => functionalCall(init.model, [p, b], [v]);
    const c = await compile(vmap(f, [0, 0, 0]), { target: 'webgpu', example: [init.params, init.buffers, xi] });
    try {
      const want = (await c.run(init.params, init.buffers, xi)) as { logits: Tensor; probs: Tensor };
      expect(Object.keys(got)).toEqual(['logits', 'probs']);
      expect(Array.from(got.logits)).toEqual(want.logits.toArray());
      expect(Array.from(got.probs)).toEqual(want.probs.toArray());
    } finally {
      c.destroy();
    }
  });

  it('finds Dawn from the package folder, and says what to install when it is nowhere', async () => {
    // A package inside the repo (whose node_modules has webgpu), run from a folder without node_modules.
    mkdirSync(path.join(REPO, 'node_modules', '.cache'), { recursive: true });
    const inRepo = mkdtempSync(path.join(REPO, 'node_modules', '.cache', 'vmapc-test-'));
    try {
      const pkg = path.join(inRepo, 'mlp4');
      cpSync(out, pkg, { recursive: true });
      const input = path.join(dir, 'x.bin');
      const r = await runProcess(process.execPath, [path.join(REPO, 'test/package/fixtures/run-package.mjs'), pkg, input, path.join(dir, 'y2.bin')], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(path.join(dir, 'y2.bin')).equals(readFileSync(path.join(dir, 'y.bin')))).toBe(true);
    } finally {
      rmSync(inRepo, { recursive: true, force: true });
    }
    // The package in a temporary folder, run from there: no webgpu anywhere it looks.
    const r = await runProcess(process.execPath, [path.join(REPO, 'test/package/fixtures/run-package.mjs'), out, path.join(dir, 'x.bin'), path.join(dir, 'y3.bin')], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/could not load the 'webgpu' npm package: not found from the package folder .*; not found from the working directory .*\. Install it in your app \(npm install webgpu\), or pass it: load\(\{ dawn: await import\('webgpu'\) \}\)/);
  });
});
