// Bundles vmapc's package runtime (runtime/ and ir/ only, never the compiler) into one ES module with esbuild.

import { build, type Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { BackendError } from '../../ir/errors.js';

const HERE = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(HERE), '../..');
/** The runtime's sources are .ts in a checkout and compiled .js in the npm package (dist/), as this file is. */
const EXT = path.extname(HERE) === '.ts' ? '.ts' : '.js';
/** A folder name for esbuild's output paths; nothing is written there. */
const OUT = path.join(ROOT, '.vmapc-bundle');
const ENTRY = path.join(ROOT, `runtime/package/entry${EXT}`);
const SHIMS: Record<string, string> = {
  webgpu: path.join(ROOT, `runtime/package/dawn${EXT}`),
  koffi: path.join(ROOT, `runtime/package/koffi${EXT}`),
};

/** Where the bundle's files go in the package: runtime.js, and the chunks it imports on demand. */
export const RUNTIME_FILE = 'runtime.js';
export const RUNTIME_CHUNKS_DIR = 'runtime';

/** The folders the bundle may draw from: the runtime and the IR's plain data helpers. */
const ALLOWED = ['runtime', 'ir'].map((d) => path.join(ROOT, d) + path.sep);

/**
 * The runtimes import npm packages with native code: 'webgpu' (Dawn, in the WebGPU adapter) and
 * 'koffi' (the cpu and cuda runtimes). In a package those imports go to shims in runtime/package that
 * hand over the module the loader found (next to the package, or in the app's folder: see
 * findNodePackage), so the bundle has no bare import that a browser or a bundler would have to resolve.
 */
const nativeShims: Plugin = {
  name: 'vmapc-native-shims',
  setup(b) {
    b.onResolve({ filter: /^(webgpu|koffi)$/ }, (args) => ({ path: SHIMS[args.path]! }));
  },
};

let cached: Promise<Map<string, string>> | undefined;

/**
 * The runtime as ES modules (built once per process): runtime.js, which the loader imports, and chunks
 * under runtime/ that it imports on demand (the cpu and cuda runtimes, which only Node loads).
 */
export function bundleRuntime(): Promise<Map<string, string>> {
  cached ??= (async () => {
    const result = await build({
      entryPoints: { runtime: ENTRY },
      absWorkingDir: ROOT,
      bundle: true,
      splitting: true,
      outdir: OUT,
      entryNames: '[name]',
      chunkNames: `${RUNTIME_CHUNKS_DIR}/[name]-[hash]`,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      write: false,
      metafile: true,
      external: ['node:*'],
      plugins: [nativeShims],
      legalComments: 'none',
      logLevel: 'silent',
      banner: { js: "// vmapc package runtime: the loader, the plan executors and safetensors, bundled from vmapc's runtime/ (no compiler)." },
    });
    const outside = Object.keys(result.metafile.inputs)
      .map((f) => path.resolve(ROOT, f))
      .filter((f) => !ALLOWED.some((dir) => f.startsWith(dir)));
    if (outside.length) throw new BackendError(`the package runtime must not include the compiler, but the bundle pulled in ${outside.map((f) => path.relative(ROOT, f)).join(', ')}`);
    return new Map(result.outputFiles.map((f) => [path.relative(OUT, f.path).split(path.sep).join('/'), f.text]));
  })();
  cached.catch(() => (cached = undefined));
  return cached;
}
