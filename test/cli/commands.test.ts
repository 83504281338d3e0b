// inspect, build, run and bench through the CLI's main() (in-process, output captured).

import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../../cli/npy.js';
import { readSafetensors, writeSafetensors } from '../../runtime/safetensors.js';
import { loadPackage } from '../../runtime/package/load.js';
import { tempDir } from '../package/helpers.js';
import { cli } from './helpers.js';

const dir = tempDir('vmapc-cli-');
const pkg = path.join(dir, 'tiny2');
const x = Float32Array.from({ length: 12 }, (_, i) => Math.cos(i));

beforeAll(async () => {
  const r = await cli('build', 'test/package/fixtures/models.ts', '--module', 'Tiny', '--members', '2', '--seed', '5', '--input', 'x=f32[3,4]', '--out', pkg);
  expect(r.code, r.stderr).toBe(0);
});

describe('vmapc', () => {
  it('no command: usage (2); help and version: 0', async () => {
    expect((await cli()).code).toBe(2);
    const help = await cli('help', 'run');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: vmapc run \[options\] <package> <input>/);
    const version = await cli('--version');
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('vmapc inspect', () => {
  it('lists a file\'s modules with parameters and shapes', async () => {
    const r = await cli('inspect', 'examples/mlp.ts');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/examples\/mlp\.ts: 1 exported module/);
    expect(r.stdout).toMatch(/MLP {2}examples\/mlp\.ts:9\n {4}new MLP\(\); forward\(x: Tensor\)/);
    expect(r.stdout).toMatch(/fc1\.weight {2}parameter {2}f32\[128, 784\]/);
    expect(r.stdout).toMatch(/fc3\.bias {4}parameter {2}f32\[10\]/);
    expect(r.stdout).toMatch(/118,282 parameter values in 6 tensors, 0 buffers/);
  });

  it('buffers, renamed exports, constructor arguments', async () => {
    const r = await cli('inspect', 'test/cli/fixtures/exports.ts', '--module', 'Scaled', '--args', '[5, 2]');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Scaled \(class Sized\)/);
    expect(r.stdout).toMatch(/new Sized\(inFeatures: number, outFeatures\?: number\); forward\(x: Tensor, scale\?: Tensor\)/);
    expect(r.stdout).toMatch(/fc\.weight {2}parameter {2}f32\[2, 5\]/);
    const heads = await cli('inspect', 'test/cli/fixtures/exports.ts', '--module', 'Heads');
    expect(heads.stdout).toMatch(/bn\.num_batches_tracked {2}buffer {5}i64\[\]/);
  });

  it('an untraceable file: exit 1, every construct with file:line', async () => {
    const r = await cli('inspect', 'test/cli/fixtures/untraceable.ts');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/7 constructs vmapc cannot trace \(the file was not run\)/);
    expect(r.stderr).toMatch(/test\/cli\/fixtures\/untraceable\.ts:24:9: AsyncForward\.forward is async/);
  });

  it('a package folder: the manifest and the plan', async () => {
    const r = await cli('inspect', pkg);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/vmapc package format 1/);
    expect(r.stdout).toMatch(/model: {3}Tiny from test\/package\/fixtures\/models\.ts, 2 members \(seeds 5, 6\)/);
    expect(r.stdout).toMatch(/plan for webgpu: 1 kernels/);
  });
});

describe('vmapc build', () => {
  it('constructor arguments, a per-member input, and progress lines', async () => {
    const out = path.join(dir, 'scaled');
    const r = await cli('build', 'test/cli/fixtures/exports.ts', '--module', 'Scaled', '--args', '[5]', '--members', '3', '--input', 'x=f32[M,2,5]', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    for (const stage of ['check', 'members', 'trace', 'passes', 'codegen', 'weights', 'write']) expect(r.stderr).toMatch(new RegExp(`✓ ${stage}`));
    expect(r.stdout).toMatch(/built .*scaled: Scaled x 3 for webgpu/);
    const m = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(m.inputs).toEqual([{ name: 'x', shape: [3, 2, 5], dtype: 'f32', inDim: 0 }]);
  });

  it('usage errors: constructor arguments, inputs that are not forward\'s, an unknown target', async () => {
    const base = ['build', 'test/cli/fixtures/exports.ts', '--module', 'Scaled', '--members', '2', '-q'];
    const noArgs = await cli(...base, '--input', 'x=f32[2,5]');
    expect(noArgs.code).toBe(2);
    expect(noArgs.stderr).toMatch(/new Sized\(inFeatures: number, outFeatures\?: number\) needs arguments; give them as a JSON array: --args '\[\.\.\.\]'/);
    const wrongName = await cli(...base, '--args', '[5]', '--input', 'y=f32[2,5]');
    expect(wrongName.code).toBe(2);
    // The unknown name is the error (it used to say only that x was missing), with the spec to write instead.
    expect(wrongName.stderr).toMatch(/Sized\.forward\(x: Tensor, scale\?: Tensor\) has no parameter y \(--input y=f32\[2,5\]\); name the inputs after forward's parameters: x, scale; did you mean --input x=f32\[2,5\]\?/);
    const noInput = await cli(...base, '--args', '[5]');
    expect(noInput.code).toBe(2);
    expect(noInput.stderr).toMatch(/Sized\.forward\(x: Tensor, scale\?: Tensor\) needs --input x=DTYPE\[\.\.\.\]/);
    const target = await cli(...base, '--args', '[5]', '--input', 'x=f32[2,5]', '--target', 'webgpu,tpu');
    expect(target.code).toBe(2);
    expect(target.stderr).toMatch(/--target tpu: this vmapc builds packages for webgpu, cuda, cpu; write --target webgpu,cuda,cpu/);
    const members = await cli('build', 'examples/mlp.ts', '--input', 'x=f32[2,784]', '-q');
    expect(members.code).toBe(2);
    expect(members.stderr).toMatch(/give the ensemble size with --members N/);
  });
});

describe('vmapc run and bench', () => {
  it('runs a package on a .npy input and writes .npy', async () => {
    const input = path.join(dir, 'x.npy');
    writeFileSync(input, writeNpy(x, [3, 4]));
    const r = await cli('run', pkg, input);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ran Tiny x 2 on webgpu/);
    const y = readNpy(readFileSync(path.join(dir, 'x.out.npy')));
    expect(y.shape).toEqual([2, 3, 3]);
    const ens = await loadPackage(pkg);
    try {
      expect(Array.from(y.data as Float32Array)).toEqual(Array.from((await ens.run({ x })) as Float32Array));
    } finally {
      ens.destroy();
    }
  });

  it('runs on a .safetensors input (extra tensors noted) and writes outputs by name', async () => {
    const input = path.join(dir, 'io.safetensors');
    writeFileSync(input, writeSafetensors([['x', { dtype: 'f32', shape: [3, 4], data: x }], ['label', { dtype: 'i64', shape: [3], data: new BigInt64Array(3) }]]));
    const out = path.join(dir, 'y.safetensors');
    const r = await cli('run', pkg, input, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/io\.safetensors also holds label, which the package does not take/);
    expect(readSafetensors(readFileSync(out)).tensors.get('output')!.shape).toEqual([2, 3, 3]);
  });

  it('input problems: wrong shape, wrong format', async () => {
    const input = path.join(dir, 'bad.npy');
    writeFileSync(input, writeNpy(new Float32Array(8), [2, 4]));
    const r = await cli('run', pkg, input);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/'x' is f32\[2, 4\] but the package takes f32\[3, 4\]/);
    const txt = await cli('run', pkg, path.join(dir, 'x.csv'));
    expect(txt.code).toBe(2);
    expect(txt.stderr).toMatch(/give a \.safetensors file \(tensors by name\) or a \.npy file \(one array\)/);
    const notPkg = await cli('run', dir, input);
    expect(notPkg.code).toBe(2);
    expect(notPkg.stderr).toMatch(/is not a package folder \(it needs manifest\.json and index\.js\); build one with vmapc build/);
  });

  it('bench prints timings as JSON', async () => {
    const r = await cli('bench', pkg, '--runs', '3', '--warmup', '1', '--json');
    expect(r.code, r.stderr).toBe(0);
    const stats = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(stats).toMatchObject({ module: 'Tiny', members: 2, target: 'webgpu', runs: 3 });
    expect(stats['medianMs']).toBeGreaterThan(0);
  });
});
