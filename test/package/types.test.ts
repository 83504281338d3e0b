// The generated index.d.ts types a package's inputs and outputs: TypeScript accepts correct use and rejects wrong inputs.

import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { TwoHeads } from './fixtures/models.js';
import { buildSmall, tempDir } from './helpers.js';

const dir = tempDir('vmapc-types-');
const pkg = path.join(dir, 'heads');

beforeAll(async () => {
  await buildSmall({ cls: TwoHeads, module: 'TwoHeads', members: 2, inputs: [{ name: 'x', dtype: 'f32', shape: [4, 6], inDim: null }], out: pkg });
});

const APPS = {
  good: `
    import { load, FormatError, type Inputs, type Outputs, type Target } from '../heads/index.js';
    const ens = await load({ target: 'auto' });
    const inputs: Inputs = { x: new Float32Array(24) };
    const y: Outputs = await ens.run(inputs, { seed: 1 });
    const logits: Float32Array = y.logits;
    const probs: Float32Array = y.probs;
    const t: Target = ens.target;
    console.log(logits.length + probs.length, t, ens.describe(), new FormatError('x') instanceof Error);
    ens.destroy();
    export {};
  `,
  bad: `
    import { load } from '../heads/index.js';
    const ens = await load({ target: 'cuda' });
    await ens.run({ x: new Int32Array(24) });
    await ens.run({});
    await ens.run({ x: new Float32Array(24), y: new Float32Array(1) });
    const y = await ens.run({ x: new Float32Array(24) });
    console.log(y.output);
    export {};
  `,
};

const errors: Record<string, string[]> = {};

/** Type-checks the app files (ES modules, as an app that imports a package is) in one program; errors per file. */
beforeAll(() => {
  const app = path.join(dir, 'app');
  mkdirSync(app, { recursive: true });
  const files = Object.entries(APPS).map(([name, source]) => {
    const file = path.join(app, `${name}.mts`);
    writeFileSync(file, source);
    return [name, file] as const;
  });
  const program = ts.createProgram(files.map(([, f]) => f), { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [], lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'] });
  for (const [name, file] of files) {
    errors[name] = ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  }
});

describe('index.d.ts', () => {
  it('accepts correct use: typed inputs, record outputs, targets, errors', () => {
    expect(errors['good']).toEqual([]);
  });

  it('rejects a wrong array type, a missing or unknown input, an unknown target, a wrong output name', () => {
    const bad = errors['bad']!;
    expect(bad.length, bad.join('\n')).toBe(5);
    expect(bad.join('\n')).toMatch(/'"cuda"' is not assignable to type '"webgpu" \| "auto" \| undefined'/);
    expect(bad.join('\n')).toMatch(/'Int32Array.*' is not assignable to type 'Float32Array/);
    expect(bad.join('\n')).toMatch(/Property 'x' is missing/);
    expect(bad.join('\n')).toMatch(/'y' does not exist in type 'Inputs'/);
    expect(bad.join('\n')).toMatch(/Property 'output' does not exist/);
  });
});
