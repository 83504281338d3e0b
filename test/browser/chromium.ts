// Headless Chromium (Debian's) with WebGPU on SwiftShader, and a static file server on 127.0.0.1, for the browser tests.

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Headless, WebGPU on (SwiftShader's Vulkan, the CPU), nothing that reaches the network. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.html': 'text/html',
  '.css': 'text/css',
  '.wgsl': 'text/plain',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** A route of the static server: a URL prefix served from a folder, or one fixed response. */
export type Route = { readonly prefix: string; readonly dir: string } | { readonly path: string; readonly body: string | Uint8Array; readonly type: string };

/** Serves the routes on 127.0.0.1 at a free port: files by path (a folder's index.html for `/`), 404 for anything else. */
export async function serveStatic(routes: readonly Route[]): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, body: Uint8Array | string, type = 'application/octet-stream'): void => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    for (const r of routes) {
      if ('path' in r) {
        if (url.pathname === r.path) return send(200, r.body, r.type);
        continue;
      }
      if (!url.pathname.startsWith(r.prefix)) continue;
      const parts = decodeURIComponent(url.pathname.slice(r.prefix.length)).split('/').filter((p) => p && p !== '..');
      let file = path.join(r.dir, ...parts);
      if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
      if (!existsSync(file)) return send(404, 'not found', 'text/plain');
      return send(200, readFileSync(file), TYPES[path.extname(file)] ?? 'application/octet-stream');
    }
    send(404, 'not found', 'text/plain');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** A Chromium with a fresh profile (removed on close), and the log of every page it opens. */
export interface Chromium {
  readonly context: BrowserContext;
  /** Console messages and page errors of every page, in order. */
  readonly log: string[];
  /** Opens `url` in a new page and waits until `ready` (a JavaScript expression) is true. */
  open(url: string, ready: string): Promise<Page>;
  close(): Promise<void>;
}

/** Launches Debian's Chromium headless with WebGPU on SwiftShader and a fresh --user-data-dir. */
export async function launchChromium(): Promise<Chromium> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the browser tests need Debian's chromium (apt-get install -y chromium); scripts/setup.sh installs it`);
  }
  const userData = mkdtempSync(path.join(tmpdir(), 'vmapc-chromium-'));
  // launchPersistentContext passes the fresh profile to Chromium as --user-data-dir.
  const context = await chromium.launchPersistentContext(userData, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1280, height: 900 } });
  const log: string[] = [];
  return {
    context,
    log,
    async open(url, ready) {
      const page = await context.newPage();
      page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
      await page.goto(url);
      await page.waitForFunction(ready, undefined, { timeout: 60_000 });
      return page;
    },
    async close() {
      await context.close();
      rmSync(userData, { recursive: true, force: true });
    },
  };
}

/** Closes a server started by serveStatic (resolves at once for none). */
export function closeServer(server: Server | undefined): Promise<void> {
  return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
}
