// A package in headless Chromium (WebGPU on SwiftShader): from a static folder, bundled by Vite, bundled by esbuild; each equal to Node's cpu target.

import { cpSync, truncateSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackage } from '../../compiler/package/build-package.js';
import { loadPackage } from '../../runtime/package/load.js';
import { closeness } from '../helpers/reference.js';
import { TwoHeads } from '../package/fixtures/models.js';
import { REPO, tempDir } from '../package/helpers.js';
import { buildWithEsbuild, buildWithVite, javascriptOf, type AppBuild, type EsbuildApp } from './apps.js';
import { closeServer, launchChromium, serveStatic, type Chromium } from './chromium.js';

const dir = tempDir('vmapc-browser-packages-');
const app = path.join(dir, 'app');
const pkg = path.join(app, 'node_modules', 'two-heads');
const broken = path.join(dir, 'broken');
const out = { vite: path.join(dir, 'vite-dist'), esbuild: path.join(dir, 'esbuild-dist') };
const x = Array.from({ length: 5 * 6 }, (_, i) => Math.sin(i * 0.7));

/** The page for a package served as it is (no bundler): it imports the folder's index.js or browser.js by URL. */
const STATIC_APP = `
async function run(base, entry, x) {
  const m = await import(base + entry);
  const ens = await m.load();
  const y = await ens.run({ x: Float32Array.from(x) });
  ens.destroy();
  return { target: ens.target, device: ens.device, logits: Array.from(y.logits), probs: Array.from(y.probs) };
}
async function loadError(base, entry, target) {
  const m = await import(base + entry);
  try {
    await m.load({ target });
    return 'loaded';
  } catch (e) {
    return e.name + ': ' + e.message;
  }
}
window.vmapcStatic = { run, loadError };
`;

const PAGE = (script: string): string => `<!doctype html><html><head><meta charset="utf-8"><title>vmapc test</title><script type="module" src="${script}"></script></head><body></body></html>`;

let chromium: Chromium;
let server: Server;
let origin: string;
let vite: AppBuild;
let esb: EsbuildApp;
let node: { logits: Float32Array; probs: Float32Array };

beforeAll(async () => {
  // All three targets: a page must load a package whose cpu and cuda runtimes it never runs. The package
  // is installed in the app (node_modules/two-heads), as `npm install ./two-heads` would put it.
  await buildPackage({ cls: TwoHeads, module: 'TwoHeads', source: 'test/package/fixtures/models.ts', members: 3, init: { kind: 'seed', seed: 11 }, inputs: [{ name: 'x', dtype: 'f32', shape: [5, 6], inDim: null }], targets: ['cuda', 'webgpu', 'cpu'], out: pkg });
  cpSync(pkg, broken, { recursive: true });
  truncateSync(path.join(broken, 'weights.safetensors'), 64);
  cpSync(path.join(REPO, 'test/browser/fixtures/package-app.js'), path.join(app, 'main.js'));
  writeFileSync(path.join(app, 'index.html'), PAGE('./main.js'));
  vite = await buildWithVite(app, out.vite);
  esb = await buildWithEsbuild(path.join(app, 'main.js'), out.esbuild);
  writeFileSync(path.join(out.esbuild, 'index.html'), PAGE('./app.js'));

  const ens = await loadPackage(pkg, { target: 'cpu' });
  try {
    node = (await ens.run({ x: Float32Array.from(x) })) as unknown as typeof node;
  } finally {
    ens.destroy();
  }
  ({ server, origin } = await serveStatic([
    { path: '/', body: PAGE('/static-app.js'), type: 'text/html' },
    { path: '/static-app.js', body: STATIC_APP, type: 'text/javascript' },
    { prefix: '/vite/', dir: out.vite },
    { prefix: '/esbuild/', dir: out.esbuild },
    // The package as a static folder (a CDN), a damaged copy of it.
    { prefix: '/models/two-heads/', dir: pkg },
    { prefix: '/models/broken/', dir: broken },
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
    expect(r.ok, `${k} from ${where} (${got.device}) vs Node's cpu target: ${r.worst}\n${chromium.log.join('\n')}`).toBe(true);
  }
}

/** Opens a page, runs `call` (a JavaScript expression) in it, closes it. */
async function inPage<T>(url: string, ready: string, call: (page: Page) => Promise<T>): Promise<T> {
  const page = await chromium.open(url, ready);
  try {
    return await call(page);
  } finally {
    await page.close();
  }
}

describe('a package from a static folder (no bundler)', () => {
  const ready = "'vmapcStatic' in window";
  it('Chromium has a WebGPU adapter (SwiftShader)', async () => {
    const adapter = await inPage(`${origin}/`, ready, (page) => page.evaluate(async () => {
      const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
      if (!gpu) return `navigator.gpu is missing (secure context: ${isSecureContext})`;
      return (await gpu.requestAdapter()) ? 'ok' : 'requestAdapter() returned null';
    }));
    expect(adapter, chromium.log.join('\n')).toBe('ok');
  });

  it('index.js and browser.js, imported by URL, equal the Node cpu target', async () => {
    await inPage(`${origin}/`, ready, async (page) => {
      for (const entry of ['index.js', 'browser.js']) {
        expectNodeCpu((await page.evaluate(`window.vmapcStatic.run('/models/two-heads/', '${entry}', ${JSON.stringify(x)})`)) as PageRun, `the static folder's ${entry}`);
      }
    });
  });

  it('checks the files in the browser too: truncated weights give a FormatError', async () => {
    const err = await inPage(`${origin}/`, ready, (page) => page.evaluate("window.vmapcStatic.loadError('/models/broken/', 'index.js', 'auto')"));
    expect(err).toMatch(/^FormatError: weights\.safetensors is 64 bytes but the manifest says \d+ \(truncated\)/);
  });

  it('asking for a Node-only target in the browser says so, through either entry', async () => {
    await inPage(`${origin}/`, ready, async (page) => {
      for (const entry of ['index.js', 'browser.js']) {
        expect(await page.evaluate(`window.vmapcStatic.loadError('/models/two-heads/', '${entry}', 'cpu')`)).toBe('BackendError: cannot run this package on cpu: the cpu target runs in Node only');
      }
    });
  });
});

describe('a package in a Vite app', () => {
  it('builds without warnings, from the browser entry only (nothing of the cpu or cuda runtime, Node or Dawn)', () => {
    expect(vite.warnings).toEqual([]);
    expect(vite.inputs.filter((f) => f.includes('two-heads')).map((f) => path.basename(f)).sort()).toEqual(['browser.js', 'runtime-browser.js']);
    const js = javascriptOf(out.vite, vite);
    expect(js).toContain('navigator.gpu');
    expect(js.match(/CpuNativeExecutor|startCpu|startCuda|createRequire|from ?"node:[^"]*"/g)).toBeNull();
  });

  it('runs in Chromium on WebGPU, equal to the Node cpu target', async () => {
    const got = await inPage(`${origin}/vite/`, "'vmapcApp' in window", (page) => page.evaluate(`window.vmapcApp.run(${JSON.stringify(x)})`));
    expectNodeCpu(got as PageRun, 'the Vite app');
  });
});

describe('a package in an esbuild browser bundle', () => {
  it('bundles for platform=browser with nothing external, from browser.js and runtime-browser.js', () => {
    expect(esb.warnings).toEqual([]);
    expect(esb.inputs.filter((f) => f.includes('two-heads')).map((f) => path.basename(f)).sort()).toEqual(['browser.js', 'runtime-browser.js']);
  });

  it('runs with load({ base }) on the package served as a static folder, and with the weights given as bytes', async () => {
    await inPage(`${origin}/esbuild/`, "'vmapcApp' in window", async (page) => {
      expectNodeCpu((await page.evaluate(`window.vmapcApp.run(${JSON.stringify(x)}, { base: '/models/two-heads/' })`)) as PageRun, 'esbuild, load({ base })');
      const withBytes = `window.vmapcApp.run(${JSON.stringify(x)}, { base: '/models/two-heads/', weightsFrom: '/models/two-heads/weights.safetensors' })`;
      expectNodeCpu((await page.evaluate(withBytes)) as PageRun, 'esbuild, load({ base, weights: bytes })');
    });
  });
});
