// Bundles vmapc's package runtime (runtime/ and ir/ only, never the compiler) with esbuild: runtime.js for Node and pages, runtime-browser.js for bundlers.

import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { BackendError } from '../../ir/errors.js';

const HERE = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(HERE), '../..');
/** The runtime's sources are .ts in a checkout and compiled .js in the npm package (dist/), as this file is. */
const EXT = path.extname(HERE) === '.ts' ? '.ts' : '.js';
/** A folder name for esbuild's output paths; nothing is written there. */
const OUT = path.join(ROOT, '.vmapc-bundle');
const KOFFI_SHIM = path.join(ROOT, `runtime/package/koffi${EXT}`);

/** Where the bundle's files go in the package: runtime.js, and the chunks it imports on demand. */
export const RUNTIME_FILE = 'runtime.js';
export const RUNTIME_CHUNKS_DIR = 'runtime';
/** The browser build of the runtime (WebGPU only, one file, no Node module), which browser.js imports. */
export const BROWSER_RUNTIME_FILE = 'runtime-browser.js';

/** The folders the bundle may draw from: the runtime and the IR's plain data helpers. */
const ALLOWED = ['runtime', 'ir'].map((d) => path.join(ROOT, d) + path.sep);

/**
 * The cpu and cuda runtimes import koffi (an npm package with native code). In a package that import
 * goes to a shim in runtime/package that hands over the koffi module the loader found (next to the
 * package, or in the app's folder: see findNodePackage), so the bundle has no bare import that a
 * browser or a bundler would have to resolve. (Dawn, `webgpu`, is handed to the adapter the same way.)
 */
const koffiShim: Plugin = {
  name: 'vmapc-koffi-shim',
  setup(b) {
    b.onResolve({ filter: /^koffi$/ }, () => ({ path: KOFFI_SHIM }));
  },
};

const COMMON = {
  absWorkingDir: ROOT,
  bundle: true,
  outdir: OUT,
  entryNames: '[name]',
  format: 'esm',
  target: 'es2022',
  write: false,
  metafile: true,
  legalComments: 'none',
  logLevel: 'silent',
} as const satisfies BuildOptions;

function checkInputs(meta: Metafile, what: string): void {
  const outside = Object.keys(meta.inputs)
    .map((f) => path.resolve(ROOT, f))
    .filter((f) => !ALLOWED.some((dir) => f.startsWith(dir)));
  if (outside.length) throw new BackendError(`the package's ${what} must not include the compiler, but the bundle pulled in ${outside.map((f) => path.relative(ROOT, f)).join(', ')}`);
}

let cached: Promise<Map<string, string>> | undefined;

/**
 * The runtime as ES modules (built once per process): runtime.js, which index.js imports, with chunks
 * under runtime/ that it imports on demand (the cpu and cuda runtimes, which only Node loads); and
 * runtime-browser.js, which browser.js imports: WebGPU only, built for the browser platform with no
 * module left external, so a browser bundler never meets a Node module through it.
 */
export function bundleRuntime(): Promise<Map<string, string>> {
  cached ??= (async () => {
    const [universal, browser] = await Promise.all([
      build({
        ...COMMON,
        entryPoints: { runtime: path.join(ROOT, `runtime/package/entry${EXT}`) },
        splitting: true,
        chunkNames: `${RUNTIME_CHUNKS_DIR}/[name]-[hash]`,
        platform: 'neutral',
        external: ['node:*'],
        plugins: [koffiShim],
        banner: { js: "// vmapc package runtime: the loader, the plan executors and safetensors, bundled from vmapc's runtime/ (no compiler)." },
      }),
      build({
        ...COMMON,
        entryPoints: { 'runtime-browser': path.join(ROOT, `runtime/package/entry-browser${EXT}`) },
        platform: 'browser',
        banner: { js: "// vmapc package runtime for browsers and bundlers: the loader and the WebGPU executor, bundled from vmapc's runtime/ (no compiler, no Node module)." },
      }),
    ]);
    checkInputs(universal.metafile, 'runtime');
    checkInputs(browser.metafile, 'browser runtime');
    return new Map([...universal.outputFiles, ...browser.outputFiles].map((f) => [path.relative(OUT, f.path).split(path.sep).join('/'), f.text]));
  })();
  cached.catch(() => (cached = undefined));
  return cached;
}
