// In headless Chromium (WebGPU on SwiftShader): a package bundled by Vite and by esbuild, and the compiler itself in a page, against Node and eager vmap.

import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackage } from '../../compiler/package/build-package.js';
import { loadPackage } from '../../runtime/package/load.js';
import { closeness } from '../helpers/reference.js';
import { TwoHeads } from '../package/fixtures/models.js';
import { REPO, tempDir } from '../package/helpers.js';
import { buildWithEsbuild, buildWithVite, javascriptOf, type AppBuild, type EsbuildApp } from './apps.js';
import { closeServer, launchChromium, serveStatic, type Chromium } from './chromium.js';

/** The budget for vmapc's whole library (compiler and WebGPU runtime) in a browser bundle, minified: docs/performance.md. */
const BUNDLE_BUDGET_BYTES = 300_000;

/** What must never reach a browser bundle of the compiler: npm packages (ts-morph, koffi, webgpu, esbuild), the CLI, the model-file front end and package builder, the C and CUDA runtimes, the package loaders. */
const NODE_ONLY_SOURCES = /node_modules|^cli\/|compiler\/frontend|compiler\/package|runtime\/cpu-native|runtime\/cuda|runtime\/package/;

const dir = tempDir('vmapc-bundlers-');
const app = path.join(dir, 'app');
const pkg = path.join(app, 'node_modules', 'two-heads');
const out = { vite: path.join(dir, 'vite-dist'), esbuild: path.join(dir, 'esbuild-dist'), compiler: path.join(dir, 'compiler-dist'), compilerVite: path.join(dir, 'compiler-vite-dist'), library: path.join(dir, 'library-dist') };
const x = Array.from({ length: 5 * 6 }, (_, i) => Math.sin(i * 0.7));

let chromium: Chromium;
let server: Server;
let origin: string;
let vite: AppBuild;
let esb: EsbuildApp;
let compilerPage: EsbuildApp;
let compilerVite: AppBuild;
let library: EsbuildApp;
let node: { logits: Float32Array; probs: Float32Array };

const PAGE = (script: string): string => `<!doctype html><html><head><meta charset="utf-8"><title>vmapc test</title><script type="module" src="${script}"></script></head><body></body></html>`;

beforeAll(async () => {
  // The package is installed in the app (node_modules/two-heads), as `npm install ./two-heads` would.
  await buildPackage({ cls: TwoHeads, module: 'TwoHeads', source: 'test/package/fixtures/models.ts', members: 3, init: { kind: 'seed', seed: 11 }, inputs: [{ name: 'x', dtype: 'f32', shape: [5, 6], inDim: null }], targets: ['webgpu', 'cpu'], out: pkg });
  cpSync(path.join(REPO, 'test/browser/fixtures/package-app.js'), path.join(app, 'main.js'));
  writeFileSync(path.join(app, 'index.html'), PAGE('./main.js'));
  vite = await buildWithVite(app, out.vite);
  esb = await buildWithEsbuild(path.join(app, 'main.js'), out.esbuild);
  writeFileSync(path.join(out.esbuild, 'index.html'), PAGE('./app.js'));
  compilerPage = await buildWithEsbuild(path.join(REPO, 'test/browser/fixtures/compiler-page.ts'), out.compiler);
  writeFileSync(path.join(out.compiler, 'index.html'), PAGE('./app.js'));
  // The same page through Vite: the compiler's sources are TypeScript, as an app's own would be.
  const viteRoot = path.join(dir, 'compiler-vite');
  mkdirSync(viteRoot);
  writeFileSync(path.join(viteRoot, 'index.html'), PAGE('./main.ts'));
  writeFileSync(path.join(viteRoot, 'main.ts'), `import ${JSON.stringify(path.join(REPO, 'test/browser/fixtures/compiler-page.ts'))};\n`);
  compilerVite = await buildWithVite(viteRoot, out.compilerVite, { resolve: { alias: { vmapc: path.join(REPO, 'index.ts') } } });
  mkdirSync(out.library, { recursive: true });
  writeFileSync(path.join(dir, 'library.js'), "export * from 'vmapc';\n");
  library = await buildWithEsbuild(path.join(dir, 'library.js'), out.library);

  const ens = await loadPackage(pkg, { target: 'cpu' });
  try {
    node = (await ens.run({ x: Float32Array.from(x) })) as unknown as typeof node;
  } finally {
    ens.destroy();
  }
  ({ server, origin } = await serveStatic([
    { prefix: '/vite/', dir: out.vite },
    { prefix: '/esbuild/', dir: out.esbuild },
    { prefix: '/compiler/', dir: out.compiler },
    // The package as a static folder (a CDN), for load({ base }).
    { prefix: '/models/two-heads/', dir: pkg },
  ]));
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
  await closeServer(server);
});

interface PageRun {
  readonly target: string;
  readonly device: string;
  readonly logits: number[];
  readonly probs: number[];
}

function expectNodeCpu(got: PageRun, where: string): void {
  expect(got.target, where).toBe('webgpu');
  expect(got.logits.length).toBe(3 * 5 * 3);
  for (const k of ['logits', 'probs'] as const) {
    const r = closeness(got[k], node[k], 1e-5, 1e-6);
    expect(r.ok, `${k} from ${where} (${got.device}) vs Node's cpu target: ${r.worst}`).toBe(true);
  }
}

describe('a package in a Vite app', () => {
  it('builds without warnings, with the browser entry only (nothing of the cpu runtime, Node or Dawn)', () => {
    expect(vite.warnings).toEqual([]);
    const js = javascriptOf(out.vite, vite);
    expect(js).toContain('navigator.gpu');
    expect(js.match(/CpuNativeExecutor|startCpu|createRequire|from ?"node:[^"]*"/g)).toBeNull();
  });

  it('runs in Chromium on WebGPU, equal to the Node cpu target', async () => {
    const page = await chromium.open(`${origin}/vite/`, "'vmapcApp' in window");
    try {
      expectNodeCpu((await page.evaluate(`window.vmapcApp.run(${JSON.stringify(x)})`)) as PageRun, 'the Vite app');
    } finally {
      await page.close();
    }
  });
});

describe('a package in an esbuild browser bundle', () => {
  it('bundles for platform=browser with nothing external, from browser.js and runtime-browser.js', () => {
    expect(esb.warnings).toEqual([]);
    const fromPackage = esb.inputs.filter((f) => f.includes('two-heads')).map((f) => path.basename(f)).sort();
    expect(fromPackage).toEqual(['browser.js', 'runtime-browser.js']);
  });

  it('runs with load({ base }) on the package served as a static folder, and with the weights given as bytes', async () => {
    const page = await chromium.open(`${origin}/esbuild/`, "'vmapcApp' in window");
    try {
      expectNodeCpu((await page.evaluate(`window.vmapcApp.run(${JSON.stringify(x)}, { base: '/models/two-heads/' })`)) as PageRun, 'esbuild, load({ base })');
      const withBytes = `window.vmapcApp.run(${JSON.stringify(x)}, { base: '/models/two-heads/', weightsFrom: '/models/two-heads/weights.safetensors' })`;
      expectNodeCpu((await page.evaluate(withBytes)) as PageRun, 'esbuild, load({ base, weights: bytes })');
    } finally {
      await page.close();
    }
  });
});

describe('the compiler in a page', () => {
  it(`bundles for browsers without Node, ts-morph, koffi or the C and CUDA runtimes, under ${BUNDLE_BUDGET_BYTES / 1000} kB minified`, () => {
    for (const b of [compilerPage, library, compilerVite]) {
      expect(b.warnings).toEqual([]);
      expect(b.inputs.length).toBeGreaterThan(50);
      expect(b.inputs.filter((f) => NODE_ONLY_SOURCES.test(f))).toEqual([]);
    }
    expect(javascriptOf(out.compilerVite, compilerVite).match(/from ?"node:[^"]*"/g)).toBeNull();
    const bytes = (b: EsbuildApp): number => b.files.find((f) => f.path === 'app.js')!.bytes;
    // Everything vmapc exports (`export * from 'vmapc'`): the budget docs/performance.md reports.
    expect(bytes(library)).toBeLessThan(BUNDLE_BUDGET_BYTES);
    expect(bytes(compilerPage)).toBeLessThanOrEqual(bytes(library) + 2_000);
  });

  it('defines a module in the page, stacks 8 members, compiles for WebGPU and matches eager vmap in the same page', async () => {
    const page = await chromium.open(`${origin}/compiler/`, "'vmapcCompiler' in window");
    try {
      const r = (await page.evaluate("window.vmapcCompiler.run('webgpu')")) as { target: string; kernels: number; shape: number[]; eager: number[]; compiled: number[]; wgsl: string };
      expect(r.target).toBe('webgpu');
      expect(r.shape).toEqual([8, 5, 3]);
      expect(r.wgsl).toContain('@compute');
      const c = closeness(r.compiled, r.eager, 1e-4, 1e-5);
      expect(c.ok, `compiled vs eager in the page: ${c.worst}\n${chromium.log.join('\n')}`).toBe(true);
      // auto in a browser: cuda and cpu say they run in Node only; WebGPU (navigator.gpu) is chosen.
      const auto = (await page.evaluate("window.vmapcCompiler.run('auto')")) as { target: string; report: string[] };
      expect(auto.target).toBe('webgpu');
      expect(auto.report[0]).toMatch(/^cuda: the cuda target runs in Node only/);
    } finally {
      await page.close();
    }
  });
});

/** Sizes for docs/performance.md: `VMAPC_PRINT_BUNDLE=1 npx vitest run test/browser/bundlers.test.ts`. */
afterAll(() => {
  if (!process.env['VMAPC_PRINT_BUNDLE'] || !library) return;
  const size = (b: EsbuildApp, d: string): string => {
    const text = readFileSync(path.join(d, 'app.js'));
    return `${(text.byteLength / 1000).toFixed(1)} kB`;
  };
  console.log(`library (export * from 'vmapc'): ${size(library, out.library)}; compiler page: ${size(compilerPage, out.compiler)} (Vite: ${compilerVite.files.map((f) => `${f.path} ${(f.bytes / 1000).toFixed(1)} kB`).join(', ')}); Vite app with a package: ${vite.files.map((f) => `${f.path} ${(f.bytes / 1000).toFixed(1)} kB`).join(', ')}`);
});
