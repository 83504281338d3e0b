// Load-time validation of a package (manifest, weights, kernels: each problem a FormatError that says what), run-time input checks, atomic builds.

import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FormatError, ShapeError } from '../../ir/errors.js';
import { loadPackage } from '../../runtime/package/load.js';
import { Broken, Tiny } from './fixtures/models.js';
import { buildSmall, tempDir } from './helpers.js';

const dir = tempDir();
const good = path.join(dir, 'tiny');

beforeAll(async () => {
  await buildSmall({ cls: Tiny, module: 'Tiny', members: 2, inputs: [{ name: 'x', dtype: 'f32', shape: [3, 4], inDim: null }], out: good });
});

let n = 0;
/** A copy of the good package with one change. */
function broken(change: (dir: string) => void): string {
  const copy = path.join(dir, `case${n++}`);
  cpSync(good, copy, { recursive: true });
  change(copy);
  return copy;
}

function editManifest(copy: string, edit: (m: Record<string, unknown>) => void): void {
  const file = path.join(copy, 'manifest.json');
  const m = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(m);
  writeFileSync(file, JSON.stringify(m));
}

async function loadError(folder: string): Promise<Error> {
  try {
    const ens = await loadPackage(folder);
    ens.destroy();
  } catch (e) {
    return e as Error;
  }
  throw new Error(`${folder} loaded, but it should not have`);
}

describe('load-time validation', () => {
  it('a corrupt manifest', async () => {
    const e = await loadError(broken((d) => writeFileSync(path.join(d, 'manifest.json'), '{"format": "vmapc-package", "formatVersion": 1, "inp')));
    expect(e).toBeInstanceOf(FormatError);
    expect(e.message).toMatch(/manifest\.json is not valid JSON .*rebuild the package/);
  });

  it('another format version', async () => {
    const e = await loadError(broken((d) => editManifest(d, (m) => (m['formatVersion'] = 2))));
    expect(e).toBeInstanceOf(FormatError);
    expect(e.message).toMatch(/package format version 2, but this runtime reads version 1/);
  });

  it('not a vmapc manifest, a missing manifest', async () => {
    expect((await loadError(broken((d) => editManifest(d, (m) => (m['format'] = 'onnx'))))).message).toMatch(/format is "onnx", not 'vmapc-package'/);
    const e = await loadError(broken((d) => rmSync(path.join(d, 'manifest.json'))));
    expect(e).toBeInstanceOf(FormatError);
    expect(e.message).toMatch(/has no manifest\.json: it is not a vmapc package folder/);
  });

  it('a field of the wrong type names the field', async () => {
    const e = await loadError(broken((d) => editManifest(d, (m) => ((m['inputs'] as Record<string, unknown>[])[0]!['shape'] = '3x4'))));
    expect(e).toBeInstanceOf(FormatError);
    expect(e.message).toMatch(/inputs\[0\]\.shape must be an array, got "3x4"/);
  });

  it('a parameter table that disagrees with the plan', async () => {
    const e = await loadError(broken((d) => editManifest(d, (m) => {
      const p = (m['parameters'] as { placement: { webgpu: { offset: number } } }[])[1]!;
      p.placement.webgpu.offset += 16;
    })));
    expect(e.message).toMatch(/parameter fc\.bias is placed at input 1 \(arena 0 \+ \d+\) of the webgpu plan, which holds fc\.bias \[2,3\] at arena 0 \+ \d+/);
  });

  it('truncated weights', async () => {
    const e = await loadError(broken((d) => truncateSync(path.join(d, 'weights.safetensors'), 100)));
    expect(e).toBeInstanceOf(FormatError);
    expect(e.message).toMatch(/weights\.safetensors is 100 bytes but the manifest says \d+ \(truncated\)/);
  });

  it('missing weights', async () => {
    const e = await loadError(broken((d) => rmSync(path.join(d, 'weights.safetensors'))));
    expect(e).toBeInstanceOf(FormatError);
    expect(e.message).toMatch(/the package has no weights\.safetensors \(the stacked parameters and buffers\)/);
  });

  it('weights changed after the build: hash mismatch', async () => {
    const e = await loadError(broken((d) => {
      const f = path.join(d, 'weights.safetensors');
      const bytes = readFileSync(f);
      bytes[bytes.length - 1] ^= 0x40;
      writeFileSync(f, bytes);
    }));
    expect(e).toBeInstanceOf(FormatError);
    expect(e.message).toMatch(/weights\.safetensors has SHA-256 [0-9a-f]{64} but the manifest records [0-9a-f]{64}: the file was changed/);
  });

  it('a weights file that lacks a parameter (consistent hash)', async () => {
    const e = await loadError(broken((d) => editManifest(d, (m) => {
      (m['parameters'] as { name: string }[])[0]!.name = 'fc.weights';
      const plan = (m['targets'] as { webgpu: { plan: { inputs: { name: string }[] } } }).webgpu.plan;
      plan.inputs[0]!.name = 'fc.weights';
    })));
    expect(e).toBeInstanceOf(FormatError);
    expect(e.message).toMatch(/weights\.safetensors has no tensor fc\.weights \(parameter f32\[2, 3, 4\] in the manifest\)/);
  });

  it('a kernel file changed or missing', async () => {
    const kernel = (d: string): string => path.join(d, 'kernels', readdirSync(path.join(d, 'kernels'))[0]!);
    const changed = await loadError(broken((d) => writeFileSync(kernel(d), `${readFileSync(kernel(d), 'utf8')}\n// edited`)));
    expect(changed).toBeInstanceOf(FormatError);
    expect(changed.message).toMatch(/kernels\/k0_\w+\.wgsl has SHA-256 .* for kernel k0_\w+: the file was changed after the build/);
    const missing = await loadError(broken((d) => rmSync(kernel(d))));
    expect(missing.message).toMatch(/the package has no kernels\/k0_\w+\.wgsl \(the source of kernel k0_\w+\)/);
  });

  it('a target the package was not built for', async () => {
    await expect(loadPackage(good, { target: 'cuda' })).rejects.toThrow(/this package was built for webgpu, not cuda; build it with --target webgpu,cuda/);
  });
});

describe('run-time input checks', () => {
  it('names the input and says what it must be; a bad call leaves the last upload intact', async () => {
    const ens = await loadPackage(good);
    try {
      const x = Float32Array.from({ length: 12 }, (_, i) => i / 10);
      const y = await ens.run({ x });
      await expect(ens.run({ x: new Float32Array(5) })).rejects.toThrow(new ShapeError('run(): input x holds 5 values but f32[3, 4] needs 12'));
      await expect(ens.run({ x: new Int32Array(12) } as never)).rejects.toThrow(/input x must be a Float32Array, got a Int32Array/);
      await expect(ens.run({ x: Array.from(x) } as never)).rejects.toThrow(/input x must be a Float32Array of 12 values, got a plain array/);
      await expect(ens.run({})).rejects.toThrow(/missing input x: f32\[3, 4\] \(a Float32Array of 12 values\)/);
      await expect(ens.run({ x, y: x })).rejects.toThrow(/unknown input y; this package takes x: f32\[3, 4\]/);
      expect(await ens.run({ x })).toEqual(y);
    } finally {
      ens.destroy();
    }
  });
});

describe('atomic builds', () => {
  it('a failed build leaves nothing: no package, no temporary folder', async () => {
    const parent = path.join(dir, 'failing');
    mkdirSync(parent);
    await expect(buildSmall({ cls: Broken, module: 'Broken', members: 2, inputs: [{ name: 'x', dtype: 'f32', shape: [3, 4], inDim: null }], out: path.join(parent, 'pkg') })).rejects.toBeInstanceOf(ShapeError);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('a failed build keeps the earlier package; a good one replaces it', async () => {
    const out = path.join(dir, 'replace');
    cpSync(good, out, { recursive: true });
    const before = readFileSync(path.join(out, 'manifest.json'), 'utf8');
    await expect(buildSmall({ cls: Broken, module: 'Broken', members: 2, inputs: [{ name: 'x', dtype: 'f32', shape: [3, 4], inDim: null }], out })).rejects.toBeInstanceOf(Error);
    expect(readFileSync(path.join(out, 'manifest.json'), 'utf8')).toBe(before);
    await buildSmall({ cls: Tiny, module: 'Tiny', members: 3, inputs: [{ name: 'x', dtype: 'f32', shape: [3, 4], inDim: null }], out });
    expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')).model.members).toBe(3);
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('refuses to replace a folder that is not a package', async () => {
    const out = path.join(dir, 'mine');
    mkdirSync(out);
    writeFileSync(path.join(out, 'notes.txt'), 'keep me');
    await expect(buildSmall({ cls: Tiny, module: 'Tiny', members: 2, inputs: [{ name: 'x', dtype: 'f32', shape: [3, 4], inDim: null }], out })).rejects.toThrow(/is a non-empty folder that is not a vmapc package; refusing to replace it/);
    expect(existsSync(path.join(out, 'notes.txt'))).toBe(true);
  });
});
