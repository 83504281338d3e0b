// The ts-morph front end: exported modules (however they are exported) and every untraceable construct, with file:line, without running the file.

import { describe, expect, it } from 'vitest';
import { analyzeModelFile, fmtProblem } from '../../compiler/frontend/analyze.js';

describe('front end', () => {
  it('finds exported modules: direct, renamed, re-exported, through a local base class; with forward and constructor parameters', () => {
    const info = analyzeModelFile('test/cli/fixtures/exports.ts');
    const mods = info.modules.map((m) => ({ name: m.name, exports: m.exportNames, forward: m.forward?.map((p) => `${p.name}${p.optional ? '?' : ''}: ${p.type}`), ctor: m.ctor.map((p) => `${p.name}${p.optional ? '?' : ''}`) }));
    expect(mods).toEqual([
      { name: 'TinyRelu', exports: ['TinyRelu'], forward: ['x: Tensor'], ctor: [] },
      { name: 'Sized', exports: ['Scaled'], forward: ['x: Tensor', 'scale?: Tensor'], ctor: ['inFeatures', 'outFeatures?'] },
      { name: 'TwoHeads', exports: ['Heads'], forward: ['x: Tensor'], ctor: [] },
    ]);
    expect(info.problems).toEqual([]);
    expect(info.files.map((f) => f.replace(/.*\/test\//, 'test/'))).toEqual(['test/cli/fixtures/exports.ts', 'test/package/fixtures/models.ts']);
  });

  it('a file without exported modules lists the module classes it defines', () => {
    const info = analyzeModelFile('test/cli/fixtures/no-module.ts');
    expect(info.modules).toEqual([]);
    expect(info.unexported.map((m) => `${m.name} ${m.file}:${m.line}`)).toEqual(['Forgotten test/cli/fixtures/no-module.ts:13']);
  });

  it('reports each untraceable construct at its file:line, following calls from forward into local helpers', () => {
    const problems = analyzeModelFile('test/cli/fixtures/untraceable.ts').problems.map(fmtProblem);
    const at = problems.map((p) => p.split(': ')[0]);
    expect(at).toEqual([
      'test/cli/fixtures/untraceable-helper.ts:6:15',
      'test/cli/fixtures/untraceable.ts:9:15',
      'test/cli/fixtures/untraceable.ts:10:9',
      'test/cli/fixtures/untraceable.ts:11:15',
      'test/cli/fixtures/untraceable.ts:15:18',
      'test/cli/fixtures/untraceable.ts:24:9',
      'test/cli/fixtures/untraceable.ts:30:9',
    ]);
    expect(problems[0]).toMatch(/\.tolist\(\) reads a tensor's values in logValues\(\) \(called from ReadsValues\.forward\)/);
    expect(problems[1]).toMatch(/\.item\(\) reads a tensor's values in ReadsValues\.forward: its values are not known while vmapc traces/);
    expect(problems[2]).toMatch(/'Number\(x\.mean\(\)\)' converts a tensor to a number/);
    expect(problems[3]).toMatch(/\.data reads a tensor's values/);
    expect(problems[4]).toMatch(/\.toArray\(\) reads a tensor's values in scale\(\) \(called from ReadsValues\.forward\)/);
    expect(problems[5]).toMatch(/AsyncForward\.forward is async: forward must compute its result synchronously/);
    expect(problems[6]).toMatch(/module class Local is defined inside makeModel\(\): .* move it out and export it/);
  });

  it('the examples are clean', () => {
    for (const f of ['examples/mlp.ts', 'examples/models.ts']) expect(analyzeModelFile(f).problems, f).toEqual([]);
  });
});
