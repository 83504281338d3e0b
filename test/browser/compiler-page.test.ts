// The compiler in a page: vmapc bundled for browsers (esbuild and Vite) holds nothing Node-only, fits its size budget, and compiles in headless Chromium.

import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeness } from '../helpers/reference.js';
import { REPO, tempDir } from '../package/helpers.js';
import { buildWithEsbuild, buildWithVite, javascriptOf, type AppBuild, type EsbuildApp } from './apps.js';
import { closeServer, launchChromium, serveStatic, type Chromium } from './chromium.js';

/** The budget for vmapc's whole library (compiler and WebGPU runtime) in a browser bundle, minified: docs/performance.md. */
const BUNDLE_BUDGET_BYTES = 300_000;

/**
 * What must never reach a browser bundle of the compiler: npm packages (ts-morph, koffi, webgpu,
 * esbuild), the CLI, the model-file front end and package builder, the C and CUDA runtimes, the package loaders.
 */
const NODE_ONLY_SOURCES = /node_modules|^cli\/|compiler\/frontend|compiler\/package|runtime\/cpu-native|runtime\/cuda|runtime\/package/;

const dir = tempDir('vmapc-compiler-page-');
const PAGE_SOURCE = path.join(REPO, 'test/browser/fixtures/compiler-page.ts');
const out = { page: path.join(dir, 'page'), vite: path.join(dir, 'vite-page'), library: path.join(dir, 'library') };
const PAGE = (script: string): string => `<!doctype html><html><head><meta charset="utf-8"><title>vmapc compiler test</title><script type="module" src="${script}"></script></head><body></body></html>`;

let chromium: Chromium;
let server: Server;
let origin: string;
let page: EsbuildApp;
let library: EsbuildApp;
let vite: AppBuild;

beforeAll(async () => {
  page = await buildWithEsbuild(PAGE_SOURCE, out.page);
  writeFileSync(path.join(out.page, 'index.html'), PAGE('./app.js'));
  // Everything vmapc exports, `export * from 'vmapc'`: the figure docs/performance.md reports.
  writeFileSync(path.join(dir, 'library.js'), "export * from 'vmapc';\n");
  library = await buildWithEsbuild(path.join(dir, 'library.js'), out.library);
  // The same page through Vite (its production build), the compiler's TypeScript sources as an app's own.
  const viteRoot = path.join(dir, 'vite-app');
  mkdirSync(viteRoot);
  writeFileSync(path.join(viteRoot, 'index.html'), PAGE('./main.ts'));
  writeFileSync(path.join(viteRoot, 'main.ts'), `import ${JSON.stringify(PAGE_SOURCE)};\n`);
  vite = await buildWithVite(viteRoot, out.vite, { resolve: { alias: { vmapc: path.join(REPO, 'index.ts') } } });
  ({ server, origin } = await serveStatic([{ prefix: '/', dir: out.page }]));
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  await closeServer(server);
});

const bytes = (b: AppBuild): number => b.files.filter((f) => f.path.endsWith('.js')).reduce((n, f) => n + f.bytes, 0);

describe('the compiler in a page', () => {
  it(`bundles for browsers without Node, ts-morph, koffi or the C and CUDA runtimes, under ${BUNDLE_BUDGET_BYTES / 1000} kB minified`, () => {
    for (const b of [page, library, vite]) {
      expect(b.warnings).toEqual([]);
      expect(b.inputs.length).toBeGreaterThan(50);
      expect(b.inputs.filter((f) => NODE_ONLY_SOURCES.test(f))).toEqual([]);
    }
    expect(javascriptOf(out.vite, vite).match(/from ?"node:[^"]*"/g)).toBeNull();
    expect(bytes(library)).toBeLessThan(BUNDLE_BUDGET_BYTES);
    expect(bytes(page)).toBeLessThanOrEqual(bytes(library));
    if (process.env['VMAPC_PRINT_BUNDLE']) {
      const kB = (b: AppBuild): string => `${(bytes(b) / 1000).toFixed(1)} kB`;
      console.log(`export * from 'vmapc' (esbuild): ${kB(library)}; the test page: esbuild ${kB(page)}, Vite ${kB(vite)}`);
    }
  });

  it('defines a module in the page, stacks 8 members, compiles for WebGPU and matches eager vmap in the same page', async () => {
    const tab = await chromium.open(`${origin}/`, "'vmapcCompiler' in window");
    try {
      const r = (await tab.evaluate("window.vmapcCompiler.run('webgpu')")) as { target: string; kernels: number; shape: number[]; eager: number[]; compiled: number[]; wgsl: string };
      expect(r.target).toBe('webgpu');
      expect(r.shape).toEqual([8, 5, 3]);
      expect(r.wgsl).toContain('@compute');
      const c = closeness(r.compiled, r.eager, 1e-4, 1e-5);
      expect(c.ok, `compiled vs eager in the page: ${c.worst}\n${chromium.log.join('\n')}`).toBe(true);
      // auto in a browser: cuda and cpu say they run in Node only; WebGPU (navigator.gpu) is chosen.
      const auto = (await tab.evaluate("window.vmapcCompiler.run('auto')")) as { target: string; report: string[] };
      expect(auto.target).toBe('webgpu');
      expect(auto.report[0]).toMatch(/^cuda: the cuda target runs in Node only/);
    } finally {
      await tab.close();
    }
  });
});
