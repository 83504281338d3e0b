// The real vmapc command (a process): usage errors exit 2 and say what to write instead; help exits 0.

import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, vmapc, type ProcessResult } from '../package/helpers.js';

// A model file outside the repo (no node_modules near it) that imports from 'vmapc': the command maps it to its own copy.
const outside = tempDir('vmapc-outside-');
const OUTSIDE_MODEL = `import { nn, type Tensor } from 'vmapc';
export class Probe extends nn.Module {
  fc = new nn.Linear(3, 2);
  forward(x: Tensor): Tensor {
    return this.fc.forward(x).sigmoid();
  }
}
`;

const cases = {
  noModule: ['build', 'test/cli/fixtures/no-module.ts', '--members', '2', '--input', 'x=f32[3,2]'],
  unknownModule: ['build', 'examples/mlp.ts', '--module', 'Mlp', '--members', '2', '--input', 'x=f32[3,784]'],
  badInput: ['build', 'examples/mlp.ts', '--members', '2', '--input', 'x=float[3;784]'],
  help: ['build', '--help'],
  unknownOption: ['build', 'examples/mlp.ts', '--memberz', '2'],
  untraceable: ['build', 'test/cli/fixtures/untraceable.ts', '--module', 'ReadsValues', '--members', '2', '--input', 'x=f32[3,4]', '-q'],
  outside: ['build', path.join(outside, 'probe.ts'), '--members', '2', '--input', 'x=f32[4,3]', '--out', path.join(outside, 'pkg'), '-q'],
} as const;

const results: Partial<Record<keyof typeof cases, ProcessResult>> = {};

beforeAll(async () => {
  writeFileSync(path.join(outside, 'probe.ts'), OUTSIDE_MODEL);
  // Two at a time: each process starts tsx and ts-morph.
  const names = Object.keys(cases) as (keyof typeof cases)[];
  for (let i = 0; i < names.length; i += 2) {
    await Promise.all(names.slice(i, i + 2).map(async (n) => (results[n] = await vmapc(cases[n]))));
  }
});

describe('vmapc build: exit codes and messages', () => {
  it('a file with no module: 2, and how to export one', () => {
    const r = results.noModule!;
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/test\/cli\/fixtures\/no-module\.ts exports no nn\.Module subclass \(it defines Forgotten at test\/cli\/fixtures\/no-module\.ts:13 without exporting it\); a model file must export its model: export class MyModel extends nn\.Module/);
  });

  it('an unknown --module: 2, and the modules there are', () => {
    const r = results.unknownModule!;
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/examples\/mlp\.ts exports no module named 'Mlp'; it exports MLP \(write --module MLP\)/);
  });

  it('a bad --input spec: 2, and the syntax with examples', () => {
    const r = results.badInput!;
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/bad --input 'x=float\[3;784\]': 'float' is not a dtype; write NAME=DTYPE\[D0,D1,\.\.\.\] with DTYPE one of f32, f64, i32, i64, e\.g\. --input x=f32\[64,784\]/);
  });

  it('--help: 0, with every option', () => {
    const r = results.help!;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: vmapc build \[options\] <file>/);
    for (const flag of ['--module', '--members', '--input', '--weights', '--seed', '--target', '--out']) expect(r.stdout).toContain(flag);
  });

  it('an unknown option: 2', () => {
    const r = results.unknownOption!;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--memberz'/);
  });

  it('untraceable constructs: 1, each with file:line, before anything runs', () => {
    const r = results.untraceable!;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/uses what vmapc cannot trace \(nothing was run\)/);
    expect(r.stderr).toMatch(/test\/cli\/fixtures\/untraceable\.ts:9:15: \.item\(\)/);
    // Only what ReadsValues uses is reported: Local (30:9) and AsyncForward are other classes of the file.
    expect(r.stderr).not.toMatch(/module class Local|AsyncForward/);
  });

  it("a model file outside any project, importing from 'vmapc', builds", () => {
    const r = results.outside!;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/built .*pkg: Probe x 2 for webgpu/);
    expect(existsSync(path.join(outside, 'pkg', 'manifest.json'))).toBe(true);
  });
});
