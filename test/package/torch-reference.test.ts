// Packages built by the vmapc command from PyTorch checkpoints (one per member) reproduce PyTorch's outputs; a checkpoint that does not fit is named.

import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors, writeSafetensors } from '../../runtime/safetensors.js';
import { closeness, loadCase, REFERENCE_DIR } from '../helpers/reference.js';
import { cli } from '../cli/helpers.js';
import { tempDir, vmapc, type ProcessResult } from './helpers.js';

const dir = tempDir('vmapc-ref-');

function expectMatchesCase(name: string, outFile: string): void {
  const c = loadCase(name);
  const got = readSafetensors(readFileSync(outFile)).tensors.get('output')!;
  const want = c.io['expected']!;
  expect(got.shape).toEqual(want.shape);
  const r = closeness(got.data as Float32Array, want.data as Float32Array, c.rtol, c.atol);
  expect(r.ok, r.worst).toBe(true);
}

describe('packages from PyTorch checkpoints', () => {
  let build: ProcessResult;
  let run: ProcessResult;
  const out = path.join(dir, 'tutorial');
  beforeAll(async () => {
    const weights = path.join(REFERENCE_DIR, 'tutorial_mlp', 'member*.safetensors');
    build = await vmapc(['build', 'examples/mlp.ts', '--weights', weights, '--input', 'x=f32[32,784]', '--out', out]);
    if (build.code === 0) run = await vmapc(['run', out, path.join(REFERENCE_DIR, 'tutorial_mlp', 'io.safetensors'), '--out', path.join(dir, 'tutorial.out.safetensors')]);
  });

  it('tutorial_mlp: vmapc build --weights, vmapc run, output matches expected', () => {
    expect(build.code, build.stderr).toBe(0);
    expect(build.stdout).toMatch(/built .*tutorial: MLP x 10 for webgpu \(3 kernels\)/);
    const m = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(m.model.init.kind).toBe('checkpoints');
    // member10 would sort before member2 as text; checkpoints go in numeric order.
    expect(m.model.init.files.map((f: string) => path.basename(f))).toEqual(Array.from({ length: 10 }, (_, i) => `member${i}.safetensors`));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/also holds expected, which the package does not take/);
    expectMatchesCase('tutorial_mlp', path.join(dir, 'tutorial.out.safetensors'));
  });

  it('tutorial_mlp_per_member: an input with a member axis (x=f32[M,32,784])', async () => {
    const pkg = path.join(dir, 'per-member');
    const weights = path.join(REFERENCE_DIR, 'tutorial_mlp_per_member', 'member*.safetensors');
    const b = await cli('build', 'examples/mlp.ts', '--weights', weights, '--input', 'x=f32[M,32,784]', '--out', pkg, '-q');
    expect(b.code, b.stderr).toBe(0);
    const outFile = path.join(dir, 'per-member.out.safetensors');
    const r = await cli('run', pkg, path.join(REFERENCE_DIR, 'tutorial_mlp_per_member', 'io.safetensors'), '--out', outFile);
    expect(r.code, r.stderr).toBe(0);
    expectMatchesCase('tutorial_mlp_per_member', outFile);
  });

  it('a member whose names or shapes differ is named in the error', async () => {
    const ckpt = path.join(dir, 'ckpt');
    mkdirSync(ckpt);
    for (let i = 0; i < 3; i++) copyFileSync(path.join(REFERENCE_DIR, 'tutorial_mlp', `member${i}.safetensors`), path.join(ckpt, `member${i}.safetensors`));
    const edit = (file: string, change: (t: Map<string, ReturnType<typeof readSafetensors>['tensors'] extends Map<string, infer T> ? T : never>) => void): void => {
      const t = readSafetensors(readFileSync(file)).tensors;
      change(t);
      writeFileSync(file, writeSafetensors(t));
    };
    edit(path.join(ckpt, 'member2.safetensors'), (t) => t.set('fc2.weight', { dtype: 'f32', shape: [128, 64], data: new Float32Array(128 * 64) }));
    const shape = await cli('build', 'examples/mlp.ts', '--weights', path.join(ckpt, 'member*.safetensors'), '--input', 'x=f32[4,784]', '--out', path.join(dir, 'never'), '-q');
    expect(shape.code).toBe(1);
    expect(shape.stderr).toMatch(/member 2 \(.*member2\.safetensors\) does not fit MLP: .*size mismatch for fc2\.weight: copying a param with shape \[128, 64\] from checkpoint, the shape in current model is \[128, 128\]/s);
    edit(path.join(ckpt, 'member2.safetensors'), (t) => {
      t.set('fc2.weight', { dtype: 'f32', shape: [128, 128], data: new Float32Array(128 * 128) });
      t.set('head.weight', t.get('fc3.weight')!);
      t.delete('fc3.weight');
    });
    const names = await cli('build', 'examples/mlp.ts', '--weights', path.join(ckpt, 'member*.safetensors'), '--input', 'x=f32[4,784]', '--out', path.join(dir, 'never'), '-q');
    expect(names.code).toBe(1);
    expect(names.stderr).toMatch(/member 2 \(.*member2\.safetensors\) does not fit MLP: .*Missing key\(s\) in state_dict: "fc3\.weight".*Unexpected key\(s\) in state_dict: "head\.weight"/s);
    const count = await cli('build', 'examples/mlp.ts', '--weights', path.join(ckpt, 'member*.safetensors'), '--members', '4', '--input', 'x=f32[4,784]', '-q');
    expect(count.code).toBe(2);
    expect(count.stderr).toMatch(/--members 4 but --weights '.*member\*\.safetensors' matches 3 files \(member0\.safetensors, member1\.safetensors, member2\.safetensors\)/);
  });
});
