// Where a package's files come from, as pages and bundlers give them: a URL per file, load({ base }), load({ weights }); and the two generated entries.

import { copyFileSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../ir/errors.js';
import { loadPackage } from '../../runtime/package/load.js';
import { TwoHeads } from './fixtures/models.js';
import { buildSmall, staticImports, tempDir } from './helpers.js';

const dir = tempDir('vmapc-sources-');
const pkg = path.join(dir, 'two-heads');
const x = Float32Array.from({ length: 5 * 6 }, (_, i) => Math.cos(i));
let want: Float32Array;

/** Loads with `source` and options on webgpu, runs once, and returns the logits. */
async function logits(source: Parameters<typeof loadPackage>[0], options: Parameters<typeof loadPackage>[1] = {}): Promise<Float32Array> {
  const ens = await loadPackage(source, { target: 'webgpu', ...options });
  try {
    return ((await ens.run({ x })) as unknown as { logits: Float32Array }).logits;
  } finally {
    ens.destroy();
  }
}

const fileUrl = (rel: string): URL => pathToFileURL(path.join(pkg, rel));

beforeAll(async () => {
  await buildSmall({ cls: TwoHeads, module: 'TwoHeads', members: 2, seed: 4, inputs: [{ name: 'x', dtype: 'f32', shape: [5, 6], inDim: null }], out: pkg });
  want = await logits(pkg);
});

describe('package sources', () => {
  it('browser.js and index.js list every file with new URL(..., import.meta.url); package.json picks browser.js for browsers', () => {
    const m = JSON.parse(readFileSync(path.join(pkg, 'manifest.json'), 'utf8')) as { targets: { webgpu: { plan: { kernels: { file: string }[] } } } };
    for (const entry of ['index.js', 'browser.js']) {
      const text = readFileSync(path.join(pkg, entry), 'utf8');
      for (const f of ['manifest.json', 'weights.safetensors', ...m.targets.webgpu.plan.kernels.map((k) => k.file)]) {
        expect(text, entry).toContain(`new URL("./${f}", import.meta.url)`);
      }
    }
    expect(readFileSync(path.join(pkg, 'browser.js'), 'utf8')).toContain("from './runtime-browser.js'");
    expect(staticImports(pkg, 'browser.js')).toEqual({ bare: [], node: [] });
    const pj = JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8')) as { exports: Record<string, Record<string, string>> };
    expect(pj.exports['.']).toEqual({ types: './index.d.ts', browser: './browser.js', default: './index.js' });
  });

  it('a URL per file, as a bundler rewrites them, equals the folder', async () => {
    const files = Object.fromEntries(['manifest.json', 'weights.safetensors'].map((f) => [f, fileUrl(f)]));
    // Kernels left out of the list are found beside manifest.json.
    expect(Array.from(await logits({ files }))).toEqual(Array.from(want));
  });

  it('load({ base }) reads from another folder; load({ weights }) takes bytes, an ArrayBuffer or a URL', async () => {
    const moved = path.join(dir, 'moved-weights.safetensors');
    copyFileSync(path.join(pkg, 'weights.safetensors'), moved);
    const bytes = new Uint8Array(readFileSync(moved));
    expect(Array.from(await logits({ files: { 'manifest.json': pathToFileURL(path.join(dir, 'nowhere', 'manifest.json')) } }, { base: pkg }))).toEqual(Array.from(want));
    for (const weights of [bytes, bytes.slice().buffer, pathToFileURL(moved), pathToFileURL(moved).href]) {
      expect(Array.from(await logits(pkg, { weights }))).toEqual(Array.from(want));
    }
  });

  it('weights given by the caller are checked like the file, and bad sources are FormatErrors that say what to give', async () => {
    const bytes = new Uint8Array(readFileSync(path.join(pkg, 'weights.safetensors')));
    await expect(logits(pkg, { weights: bytes.subarray(0, 100) })).rejects.toThrow(/weights\.safetensors is 100 bytes but the manifest says \d+ \(truncated\)/);
    const changed = bytes.slice();
    changed[changed.length - 1]! ^= 1;
    await expect(logits(pkg, { weights: changed })).rejects.toThrow(/has SHA-256 [0-9a-f]{64} but the manifest records [0-9a-f]{64}/);
    await expect(logits(pkg, { weights: pathToFileURL(path.join(dir, 'missing.safetensors')) })).rejects.toThrow(/load\(\{ weights \}\): nothing at file:.*missing\.safetensors \(404\)/);
    await expect(logits(pkg, { weights: 42 as unknown as Uint8Array })).rejects.toThrow(FormatError);
    await expect(logits({ files: { 'weights.safetensors': fileUrl('weights.safetensors') } })).rejects.toThrow(/the package's file list has no manifest\.json \(it lists weights\.safetensors\)/);
    await expect(logits({ files: { 'manifest.json': `data:application/json,${encodeURIComponent(readFileSync(path.join(pkg, 'manifest.json'), 'utf8'))}` } })).rejects.toThrow(/the package has no weights\.safetensors/);
  });
});
