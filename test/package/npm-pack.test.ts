// vmapc as a user installs it: npm pack (prepack builds dist/), the tarball installed into a fresh project, then
// plain .mjs, the vmapc command and a strict TypeScript consumer with no @types/node there.

import { build as esbuild } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../../cli/npy.js';
import { functionalCall, initEnsemble, Tensor, vmap, type nn } from '../../index.js';
import { REPO, runProcess, tempDir, type ProcessResult } from './helpers.js';

const dir = tempDir('vmapc-npm-');
const app = path.join(dir, 'app');

/**
 * The environment for npm: this process's, without the npm_* variables `npm test` sets for its script
 * (a nested npm would take them as its own configuration: the prefix, ignore-scripts, ...), but with
 * npm's cache and registry kept, so the install reuses the cache.
 */
function npmEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) || keep.has(k.toLowerCase())));
}

/** npm or npx in `cwd`, with npmEnv(). */
function npm(args: readonly string[], cwd: string, cmd: 'npm' | 'npx' = 'npm'): Promise<ProcessResult> {
  return runProcess(cmd, args, { cwd, baseEnv: npmEnv() });
}

/** The app's plain ES module: a model with container and functional ops, compiled for cpu and webgpu, against eager. */
const APP_MJS = `
import { nn, Tensor, stackModuleState, functionalCall, vmap, compile, manualSeed, where, cat, stack, maximum } from 'vmapc';

class Net extends nn.Module {
  constructor() {
    super();
    this.body = new nn.Sequential(new nn.Linear(6, 8), new nn.ReLU());
    this.heads = new nn.ModuleDict({ a: new nn.Linear(8, 3), b: new nn.Linear(8, 3) });
  }
  forward(x) {
    const h = this.body.forward(x);
    const a = this.heads.get('a').forward(h), b = this.heads.get('b').forward(h);
    return cat([where(a.gt(0), a, b.mul(0.5)), maximum(stack([a, b], 0).sum(0), 0)], -1);
  }
}

manualSeed(0);
const models = Array.from({ length: 4 }, () => new Net().eval());
const { params, buffers } = stackModuleState(models);
const ensemble = vmap((p, b, x) => functionalCall(models[0], [p, b], [x]), [0, 0, null]);
const x = Tensor.randn([5, 6]);
const want = ensemble(params, buffers, x);
const out = { shape: want.shape, targets: {} };
for (const target of ['cpu', 'webgpu']) {
  const ens = await compile(ensemble, { target, example: [params, buffers, x] });
  await ens.setParams(params, buffers);
  const got = (await ens.run(undefined, undefined, x)).toArray();
  const w = want.toArray();
  out.targets[target] = { target: ens.target, kernels: ens.kernels.length, maxErr: Math.max(...got.map((g, i) => Math.abs(g - w[i]))) };
  ens.destroy();
}
console.log(JSON.stringify(out));
`;

/** A TypeScript model file for the vmapc command, importing from 'vmapc' as a user's does. */
const MODEL_TS = `import { nn, type Tensor } from 'vmapc';

export class Net extends nn.Module {
  fc1 = new nn.Linear(6, 8);
  fc2 = new nn.Linear(8, 3);
  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.fc1.forward(x).relu());
  }
}
`;

/** A model whose forward reads a tensor's value: the command must refuse it with file:line. */
const READS_VALUES_TS = `import { nn, type Tensor } from 'vmapc';

export class ReadsValue extends nn.Module {
  fc = new nn.Linear(6, 3);
  forward(x: Tensor): Tensor {
    return this.fc.forward(x).mul(x.sum().item());
  }
}
`;

/** A strict TypeScript consumer of the declarations: typed containers, functional ops, compile's result. */
const CONSUMER_TS = `import { nn, F, Tensor, compile, vmap, functionalCall, stackModuleState, where, cat, stack, type CompiledFunction, type TensorDict } from 'vmapc';

class Model extends nn.Module {
  body = new nn.Sequential(new nn.Linear(4, 8), new nn.GELU());
  blocks = new nn.ModuleList([new nn.Linear(8, 8), new nn.Linear(8, 8)]);
  heads = new nn.ModuleDict({ cls: new nn.Linear(8, 3), box: new nn.Linear(8, 2) });
  forward(x: Tensor): { cls: Tensor; box: Tensor } {
    let h: Tensor = this.body.forward(x);
    for (const block of this.blocks) h = F.relu(block.forward(h));
    const cls: Tensor = this.heads.get('cls').forward(h);
    return { cls: where(cls.gt(0), cls, 0), box: cat([stack([h, h]).mean(0), h], -1).narrow(-1, 0, 2) };
  }
}

const models: Model[] = [new Model(), new Model()];
const { params, buffers } = stackModuleState(models);
const f = (p: TensorDict, b: TensorDict, x: Tensor) => functionalCall<{ cls: Tensor; box: Tensor }>(models[0]!, [p, b], [x]);
const ens: CompiledFunction<[TensorDict, TensorDict, Tensor], { cls: Tensor; box: Tensor }> = await compile(vmap(f, [0, 0, null]), { target: 'auto', example: [params, buffers, Tensor.randn([2, 4])] });
const y = await ens.run(undefined, undefined, Tensor.randn([2, 4]));
const n: number = y.cls.shape[0]! + y.box.numel();
export { n };
`;

let packed: { filename: string; files: { path: string }[] };
let appRun: ProcessResult;

beforeAll(async () => {
  // npm pack runs prepack (npm run build). The repo's .npmrc turns scripts off for installs; pack needs them on.
  const pack = await npm(['pack', '--ignore-scripts=false', '--json', '--pack-destination', dir], REPO);
  expect(pack.code, pack.stderr).toBe(0);
  packed = (JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as (typeof packed)[])[0]!;
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'vmapc-user-app', private: true, type: 'module' }));
  // --ignore-scripts: every dependency ships its binaries; --prefer-offline: npm's cache serves what it has.
  const install = await npm(['install', path.join(dir, packed.filename), '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], app);
  expect(install.code, install.stderr).toBe(0);
  writeFileSync(path.join(app, 'main.mjs'), APP_MJS);
  appRun = await runProcess(process.execPath, ['main.mjs'], { cwd: app });
}, 300_000);

describe('the npm package', () => {
  it('ships dist/ (JS and declarations, the command) and no tests, fixtures, benchmarks or sources', () => {
    const files = packed.files.map((f) => f.path);
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/vmapc.mjs', 'dist/cli/main.js', 'dist/runtime/package/entry.js', 'package.json', 'README.md']) expect(files).toContain(f);
    expect(files.filter((f) => !f.startsWith('dist/') && f !== 'package.json' && f !== 'README.md')).toEqual([]);
    expect(files.filter((f) => /(^|\/)(test|bench|fixtures|examples)\//.test(f) || /\.ts$/.test(f.replace(/\.d\.ts$/, '')))).toEqual([]);
    const pj = JSON.parse(readFileSync(path.join(app, 'node_modules', 'vmapc', 'package.json'), 'utf8')) as { exports: Record<string, unknown>; bin: Record<string, string> };
    expect(pj.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js', default: './dist/index.js' });
    expect(pj.bin).toEqual({ vmapc: './dist/cli/vmapc.mjs' });
  });

  it('plain .mjs: trace, vmap, compile for cpu and webgpu; equal to eager', () => {
    expect(appRun.code, appRun.stderr).toBe(0);
    const out = JSON.parse(appRun.stdout.trim().split('\n').at(-1)!) as { shape: number[]; targets: Record<string, { target: string; kernels: number; maxErr: number }> };
    expect(out.shape).toEqual([4, 5, 6]);
    for (const t of ['cpu', 'webgpu']) {
      expect(out.targets[t]!.target).toBe(t);
      expect(out.targets[t]!.kernels).toBeGreaterThan(0);
      expect(out.targets[t]!.maxErr).toBeLessThan(1e-4);
    }
    // Dawn's own warnings stay off stderr unless VMAPC_DEBUG=webgpu.
    expect(appRun.stderr).not.toMatch(/Warning:/);
  });

  it('npx vmapc build and run on a TypeScript model file in the project; run equals eager', async () => {
    writeFileSync(path.join(app, 'model.ts'), MODEL_TS);
    const build = await npm(['vmapc', 'build', 'model.ts', '--members', '3', '--input', 'x=f32[5,6]', '--target', 'cpu,webgpu', '--out', 'pkg'], app, 'npx');
    expect(build.code, build.stderr).toBe(0);
    expect(build.stdout).toMatch(/built pkg: Net x 3 for cpu \(\d kernels\), webgpu \(\d kernels\)/);
    const x = Float32Array.from({ length: 30 }, (_, i) => Math.sin(i));
    writeFileSync(path.join(app, 'x.npy'), writeNpy(x, [5, 6]));
    const { Net } = (await import(pathToFileURL(path.join(app, 'model.ts')).href)) as { Net: new () => nn.Module };
    const members = initEnsemble(Net, 3, { seed: 0 });
    members.model.eval();
    const want = vmap((p: Record<string, Tensor>, b: Record<string, Tensor>, xi: Tensor) => functionalCall(members.model, [p, b], [xi]), [0, 0, null])(members.params, members.buffers, Tensor.fromArray(x, [5, 6])).toArray();
    for (const target of ['cpu', 'webgpu']) {
      const run = await npm(['vmapc', 'run', 'pkg', 'x.npy', '--target', target, '--out', `y-${target}.npy`], app, 'npx');
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`ran Net x 3 on ${target}`));
      const y = readNpy(readFileSync(path.join(app, `y-${target}.npy`)));
      expect(y.shape).toEqual([3, 5, 3]);
      expect(Math.max(...Array.from(y.data as Float32Array, (v, i) => Math.abs(v - want[i]!)))).toBeLessThan(1e-4);
    }
  });

  it('the installed command checks a model file before running it (the front end reads the .d.ts of dist/)', async () => {
    writeFileSync(path.join(app, 'reads.ts'), READS_VALUES_TS);
    const r = await npm(['vmapc', 'build', 'reads.ts', '--members', '2', '--input', 'x=f32[5,6]', '--out', 'reads-pkg', '-q'], app, 'npx');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ReadsValue \(reads\.ts\) uses what vmapc cannot trace \(nothing was run\):\n {2}reads\.ts:6:\d+: \.item\(\) reads a tensor's values in ReadsValue\.forward/);
  });

  it('bundles for a browser (esbuild, platform browser, nothing external) without the command or the Node-only runtimes', async () => {
    writeFileSync(path.join(app, 'page.js'), "import { nn, vmap, compile } from 'vmapc';\nwindow.vmapc = { nn, vmap, compile };\n");
    const r = await esbuild({ entryPoints: [path.join(app, 'page.js')], absWorkingDir: app, bundle: true, platform: 'browser', format: 'esm', minify: true, write: false, metafile: true, logLevel: 'silent' });
    const inputs = Object.keys(r.metafile.inputs);
    expect(inputs.some((f) => f.includes('node_modules/vmapc/dist/compiler/func/vmap.js'))).toBe(true);
    expect(inputs.filter((f) => !f.startsWith('node_modules/vmapc/dist/') || /dist\/(cli|compiler\/frontend|compiler\/package|runtime\/cpu-native|runtime\/cuda|runtime\/package)\//.test(f))).toEqual(['page.js']);
    expect(r.outputFiles[0]!.contents.byteLength).toBeLessThan(300_000);
  });

  it('tsc --strict over a TypeScript consumer, without @types/node and without skipLibCheck', async () => {
    writeFileSync(path.join(app, 'consumer.ts'), CONSUMER_TS);
    const tsconfig = { compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', types: [], lib: ['ES2023'] }, files: ['consumer.ts'] };
    writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = await runProcess(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-p', app], { cwd: app });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
  });
});
