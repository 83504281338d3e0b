// The vmapc command's bad input (docs/errors.md, E70-E73): each error says where and what to write, and nothing is written.

import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/helpers.js';
import { tempDir } from '../package/helpers.js';

const dir = tempDir('vmapc-cli-errors-');

const SYNTAX_ERROR = `import { nn, type Tensor } from 'vmapc';
export class Broken extends nn.Module {
  fc = new nn.Linear(3, 2);
  forward(x: Tensor): Tensor {
    return this.fc.forward(x.relu();
  }
}
`;

describe('vmapc: bad input on the command line', () => {
  it('E70 a model file with a syntax error: a FormatError with file:line:column, before any progress tick; nothing written', async () => {
    const file = path.join(dir, 'broken.ts');
    writeFileSync(file, SYNTAX_ERROR);
    const out = path.join(dir, 'broken-pkg');
    const r = await cli('build', file, '--members', '2', '--input', 'x=f32[4,3]', '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FormatError: .*broken\.ts is not valid TypeScript \(nothing was run\):\n {2}.*broken\.ts:5:36: '\)' expected\./);
    expect(r.stderr).not.toContain('✓');
    expect(existsSync(out)).toBe(false);
    const inspect = await cli('inspect', file);
    expect(inspect.code).toBe(1);
    expect(inspect.stderr).toMatch(/broken\.ts:5:36: '\)' expected\./);
  });

  it('E71 a missing input file for run: a usage error naming it, not ENOENT; nothing written', async () => {
    const input = path.join(dir, 'nothere.npy');
    const r = await cli('run', path.join(dir, 'some-package'), input);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the input file .*nothere\.npy does not exist; give a \.safetensors file with a tensor per input of the package, or a \.npy file for its one input/);
    expect(r.stderr).not.toMatch(/ENOENT/);
    writeFileSync(path.join(dir, 'x.npy'), new Uint8Array(0));
    const badOut = await cli('run', path.join(dir, 'some-package'), path.join(dir, 'x.npy'), '--out', path.join(dir, 'no-such-folder', 'y.npy'));
    expect(badOut.code).toBe(2);
    expect(badOut.stderr).toMatch(/--out .*y\.npy: the folder .*no-such-folder does not exist/);
    expect(readdirSync(dir).filter((f) => f.includes('.out.'))).toEqual([]);
  });

  it(`E72 --input under a name forward does not have: the unknown name, forward's parameters, and the spec to write`, async () => {
    const r = await cli('build', 'examples/mlp.ts', '--members', '2', '--input', 'img=f32[4,784]', '--out', path.join(dir, 'img'), '-q');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/MLP\.forward\(x: Tensor\) has no parameter img \(--input img=f32\[4,784\]\); name the inputs after forward's parameters: x; did you mean --input x=f32\[4,784\]\?/);
    expect(existsSync(path.join(dir, 'img'))).toBe(false);
  });

  it('E73 an untraceable class elsewhere in the file does not block --module on a traceable one; one that uses it is blocked', async () => {
    const file = 'test/cli/fixtures/mixed.ts';
    const clean = await cli('build', file, '--module', 'Clean', '--members', '2', '--input', 'x=f32[3,4]', '--out', path.join(dir, 'clean'), '-q');
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(/built .*clean: Clean x 2 for webgpu/);
    const inspect = await cli('inspect', file, '--module', 'Clean');
    expect(inspect.code, inspect.stderr).toBe(0);
    expect(inspect.stdout).toMatch(/block\.fc\.weight {2}parameter {2}f32\[4, 4\]/);

    const dirty = await cli('build', file, '--module', 'UsesDirty', '--members', '2', '--input', 'x=f32[3,4]', '--out', path.join(dir, 'dirty'), '-q');
    expect(dirty.code).toBe(1);
    expect(dirty.stderr).toMatch(/UsesDirty \(test\/cli\/fixtures\/mixed\.ts\) uses what vmapc cannot trace \(nothing was run\):\n {2}test\/cli\/fixtures\/mixed\.ts:24:35: \.item\(\) reads a tensor's values in Dirty\.forward/);
    expect(dirty.stderr).not.toMatch(/Local/);
    expect(existsSync(path.join(dir, 'dirty'))).toBe(false);
    // Without --module, inspect still reports every construct of the file.
    const all = await cli('inspect', file);
    expect(all.code).toBe(1);
    expect(all.stderr).toMatch(/2 constructs vmapc cannot trace/);
  });
});
