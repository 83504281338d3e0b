// Bundles vmapc's package runtime (runtime/ and ir/ only, never the compiler) into one ES module with esbuild.

import { build, type Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { BackendError } from '../../ir/errors.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ENTRY = path.join(ROOT, 'runtime/package/entry.ts');
const DAWN_SHIM = path.join(ROOT, 'runtime/package/dawn.ts');

/** The folders the bundle may draw from: the runtime and the IR's plain data helpers. */
const ALLOWED = ['runtime', 'ir'].map((d) => path.join(ROOT, d) + path.sep);

/**
 * The WebGPU adapter imports 'webgpu' (Dawn) in Node. In a package that import is redirected to the
 * shim in runtime/package/dawn.ts, which hands over the Dawn module the loader found (see findDawn);
 * so the bundle has no bare import that a browser or a bundler would have to resolve.
 */
const dawnShim: Plugin = {
  name: 'vmapc-dawn-shim',
  setup(b) {
    b.onResolve({ filter: /^webgpu$/ }, () => ({ path: DAWN_SHIM }));
  },
};

let cached: Promise<string> | undefined;

/** The runtime as one ES module's source (built once per process). */
export function bundleRuntime(): Promise<string> {
  cached ??= (async () => {
    const result = await build({
      entryPoints: [ENTRY],
      absWorkingDir: ROOT,
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      write: false,
      metafile: true,
      external: ['node:*'],
      plugins: [dawnShim],
      legalComments: 'none',
      logLevel: 'silent',
      banner: { js: '// vmapc package runtime: the plan executors, safetensors and the loader, bundled from vmapc\'s runtime/ (no compiler).' },
    });
    const outside = Object.keys(result.metafile.inputs)
      .map((f) => path.resolve(ROOT, f))
      .filter((f) => !ALLOWED.some((dir) => f.startsWith(dir)));
    if (outside.length) throw new BackendError(`the package runtime must not include the compiler, but the bundle pulled in ${outside.map((f) => path.relative(ROOT, f)).join(', ')}`);
    return result.outputFiles[0]!.text;
  })();
  cached.catch(() => (cached = undefined));
  return cached;
}
