// Builds the browser tests' apps: with Vite (its production build) and with esbuild (platform browser, nothing external), reporting what went in.

import { build as esbuild, type Metafile } from 'esbuild';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { build as viteBuild, createLogger, type InlineConfig } from 'vite';
import { REPO } from '../package/helpers.js';

/** What a bundler wrote and said. */
export interface AppBuild {
  /** Every file written under the output folder, relative to it, with its size in bytes. */
  readonly files: readonly { readonly path: string; readonly bytes: number }[];
  /** The bundler's warnings (Vite: what it logged at warn level; esbuild: its warnings). */
  readonly warnings: readonly string[];
  /** The source files that went into the JavaScript, relative to the repository (absolute outside it). */
  readonly inputs: readonly string[];
}

const fromRepo = (f: string): string => (f.startsWith(REPO + path.sep) ? path.relative(REPO, f) : f);

function listFiles(dir: string, prefix = ''): { path: string; bytes: number }[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, `${prefix}${name}/`) : [{ path: `${prefix}${name}`, bytes: statSync(full).size }];
  });
}

/** The concatenated text of the JavaScript files of a build. */
export function javascriptOf(outDir: string, b: AppBuild): string {
  return b.files.filter((f) => f.path.endsWith('.js')).map((f) => readFileSync(path.join(outDir, f.path), 'utf8')).join('\n');
}

/**
 * `vite build` of the app in `root` (its index.html) into `outDir`, with relative asset URLs so the
 * result can be served under any path. Warnings (e.g. "Module node:fs has been externalized for browser
 * compatibility") are collected, not printed.
 */
export async function buildWithVite(root: string, outDir: string, config: InlineConfig = {}): Promise<AppBuild> {
  const warnings: string[] = [];
  const logger = createLogger('warn', { allowClearScreen: false });
  logger.warn = (msg) => void warnings.push(msg);
  logger.warnOnce = (msg) => void warnings.push(msg);
  const result = await viteBuild({ root, configFile: false, base: './', logLevel: 'warn', customLogger: logger, build: { outDir, emptyOutDir: true, reportCompressedSize: false }, ...config });
  const outputs = (Array.isArray(result) ? result : [result]) as { output: { type: string; moduleIds?: string[] }[] }[];
  const inputs = outputs.flatMap((o) => o.output.flatMap((c) => (c.type === 'chunk' ? c.moduleIds ?? [] : []))).filter((id) => !id.startsWith('\0')).map(fromRepo);
  return { files: listFiles(outDir), warnings, inputs };
}

/** An esbuild browser bundle: what it wrote, its warnings, which source files went in, and esbuild's metafile. */
export interface EsbuildApp extends AppBuild {
  readonly metafile: Metafile;
}

/**
 * esbuild bundles `entry` into `outDir/app.js` for browsers: platform browser, ES module, minified, and
 * no external module (a `node:` import anywhere in the graph would fail the build). `vmapc` is this
 * checkout's index.ts, as the npm package's dist/index.js is built from it.
 */
export async function buildWithEsbuild(entry: string, outDir: string): Promise<EsbuildApp> {
  const result = await esbuild({
    entryPoints: { app: entry },
    outdir: outDir,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: REPO,
    alias: { vmapc: path.join(REPO, 'index.ts') },
  });
  return {
    files: listFiles(outDir),
    warnings: result.warnings.map((w) => w.text),
    inputs: Object.keys(result.metafile.inputs).map((f) => fromRepo(path.resolve(REPO, f))),
    metafile: result.metafile,
  };
}
