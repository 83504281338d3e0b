// The same package in a real browser: headless Chromium (Debian's) with WebGPU on SwiftShader loads it over HTTP; its output equals Node's.

import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, cpSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPackage } from '../../runtime/package/load.js';
import { closeness } from '../helpers/reference.js';
import { TwoHeads } from './fixtures/models.js';
import { buildPackage } from '../../compiler/package/build-package.js';
import { tempDir } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const dir = tempDir('vmapc-browser-');
const pkg = path.join(dir, 'two-heads');
const broken = path.join(dir, 'broken');
const x = Float32Array.from({ length: 5 * 6 }, (_, i) => Math.sin(i * 0.7));

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.json': 'application/json', '.html': 'text/html', '.wgsl': 'text/plain' };

/** The test page's script, as an app would use a package: import its index.js, load, run. */
const APP_JS = `
async function run(base) {
  const m = await import(base + 'index.js');
  const ens = await m.load();
  const x = new Float32Array(await (await fetch('/x.bin')).arrayBuffer());
  const y = await ens.run({ x });
  ens.destroy();
  return { target: ens.target, device: ens.device, logits: Array.from(y.logits), probs: Array.from(y.probs) };
}
async function loadError(base, target) {
  const m = await import(base + 'index.js');
  try {
    await m.load({ target });
    return 'loaded';
  } catch (e) {
    return e.name + ': ' + e.message;
  }
}
window.vmapcTest = { run, loadError };
`;

/** Serves the page at / (with /app.js), the package at /pkg/, a damaged copy at /broken/ and the input at /x.bin. */
function serve(): Promise<Server> {
  const roots: Record<string, string> = { '/pkg/': pkg, '/broken/': broken };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, body: Uint8Array | string, type = 'application/octet-stream'): void => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/') return send(200, '<!doctype html><html><head><meta charset="utf-8"><title>vmapc package test</title><script type="module" src="/app.js"></script></head><body></body></html>', 'text/html');
    if (url.pathname === '/app.js') return send(200, APP_JS, 'text/javascript');
    if (url.pathname === '/x.bin') return send(200, new Uint8Array(x.buffer));
    for (const [prefix, root] of Object.entries(roots)) {
      if (!url.pathname.startsWith(prefix)) continue;
      const file = path.join(root, ...url.pathname.slice(prefix.length).split('/').filter((p) => p && p !== '..'));
      if (!existsSync(file)) return send(404, 'not found', 'text/plain');
      return send(200, readFileSync(file), TYPES[path.extname(file)] ?? 'application/octet-stream');
    }
    send(404, 'not found', 'text/plain');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let server: Server;
let context: BrowserContext;
let page: Page;
let userData: string;
const pageLog: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the browser test needs Debian's chromium (apt-get install -y chromium); .ci/run installs it`);
  }
  // All three targets: the page must load a package whose cpu and cuda runtimes it never runs.
  await buildPackage({ cls: TwoHeads, module: 'TwoHeads', source: 'test/package/fixtures/models.ts', members: 3, init: { kind: 'seed', seed: 11 }, inputs: [{ name: 'x', dtype: 'f32', shape: [5, 6], inDim: null }], targets: ['cuda', 'webgpu', 'cpu'], out: pkg });
  cpSync(pkg, broken, { recursive: true });
  truncateSync(path.join(broken, 'weights.safetensors'), 64);
  server = await serve();
  userData = mkdtempSync(path.join(tmpdir(), 'vmapc-chromium-'));
  // A fresh profile: launchPersistentContext passes it to Chromium as --user-data-dir.
  context = await chromium.launchPersistentContext(userData, { executablePath: CHROMIUM, headless: true, args: FLAGS });
  page = await context.newPage();
  page.on('console', (m) => pageLog.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => pageLog.push(`pageerror: ${e.message}`));
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await page.waitForFunction(() => 'vmapcTest' in window);
});

/** What window.vmapcTest.run returns (page.evaluate takes the call as a string, so vitest's transforms stay out of the page). */
interface PageRun {
  readonly target: string;
  readonly device: string;
  readonly logits: number[];
  readonly probs: number[];
}

afterAll(async () => {
  await context?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (userData) rmSync(userData, { recursive: true, force: true });
});

describe('package in a browser', () => {
  it('Chromium has a WebGPU adapter (SwiftShader)', async () => {
    const adapter = await page.evaluate(async () => {
      const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
      if (!gpu) return `navigator.gpu is missing (secure context: ${isSecureContext})`;
      return (await gpu.requestAdapter()) ? 'ok' : 'requestAdapter() returned null';
    });
    expect(adapter, pageLog.join('\n')).toBe('ok');
  });

  it('loads the package over HTTP and matches the Node result', async () => {
    const inBrowser = (await page.evaluate("window.vmapcTest.run('/pkg/')")) as PageRun;
    expect(inBrowser.target).toBe('webgpu');
    const ens = await loadPackage(pkg, { target: 'webgpu' });
    let node: { logits: Float32Array; probs: Float32Array };
    try {
      node = (await ens.run({ x })) as unknown as typeof node;
    } finally {
      ens.destroy();
    }
    expect(inBrowser.logits.length).toBe(3 * 5 * 3);
    for (const k of ['logits', 'probs'] as const) {
      const r = closeness(inBrowser[k], node[k], 1e-5, 1e-6);
      expect(r.ok, `${k} in the browser (${inBrowser.device}) vs Node: ${r.worst}`).toBe(true);
    }
  });

  it('checks the files in the browser too: truncated weights give a FormatError', async () => {
    const err = (await page.evaluate("window.vmapcTest.loadError('/broken/', 'auto')")) as string;
    expect(err).toMatch(/^FormatError: weights\.safetensors is 64 bytes but the manifest says \d+ \(truncated\)/);
  });

  it('asking for a Node-only target in the browser says so', async () => {
    const err = (await page.evaluate("window.vmapcTest.loadError('/pkg/', 'cpu')")) as string;
    expect(err).toBe('BackendError: cannot run this package on cpu: the cpu target runs in Node only');
  });
});
