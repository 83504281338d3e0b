// The demo page (examples/web/) in headless Chromium: built small, a test digit picked, the charts and numbers shown equal the package's run() in Node.

import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemo, type DemoBuild } from '../../examples/web/build-demo.js';
import { decodePixels } from '../../examples/web/demo-data.js';
import { waitForCharts } from '../../examples/web/screenshot.js';
import { loadPackage } from '../../runtime/package/load.js';
import { closeness } from '../helpers/reference.js';
import { REPO, tempDir } from '../package/helpers.js';
import { closeServer, launchChromium, serveStatic, type Chromium } from './chromium.js';

/** Where the page's screenshot goes: test-results/ is gitignored. */
const SCREENSHOT = path.join(REPO, 'test-results', 'browser', 'demo-page.png');

const dir = tempDir('vmapc-demo-');
let built: DemoBuild;
let chromium: Chromium;
let server: Server;
let page: Page;

beforeAll(async () => {
  // Small and quick: the reference interpreter trains 8 small members for one epoch on 600 digits.
  built = await buildDemo({ out: path.join(dir, 'out'), work: path.join(dir, 'work'), members: 8, hidden: 16, epochs: 1, trainPerDigit: 60, testPerDigit: 20, target: 'reference' });
  let origin: string;
  ({ server, origin } = await serveStatic([{ prefix: '/', dir: path.join(dir, 'out') }]));
  chromium = await launchChromium();
  page = await chromium.open(`${origin}/`, "'vmapcDemo' in window");
  await waitForCharts(page);
});

afterAll(async () => {
  await chromium?.close();
  await closeServer(server);
});

/** What the page reports through window.vmapcDemo.shown(). */
interface Shown {
  readonly input: number | 'drawn';
  readonly probs: number[][];
  readonly mean: number[];
  readonly charts: { readonly mean: number[]; readonly members: number[][] };
}

const shown = async (): Promise<Shown> => (await page.evaluate('window.vmapcDemo.shown()')) as Shown;
const argmax = (p: readonly number[]): number => p.indexOf(Math.max(...p));

describe('the demo page', () => {
  it('loads the package on WebGPU and draws the training curves and the digit strip', async () => {
    expect(await page.evaluate('document.body.dataset.state'), chromium.log.join('\n')).toBe('ready');
    expect(await page.textContent('#device')).toMatch(/^WebGPU · /);
    expect(await page.locator('.digit').count()).toBe(built.data.digits.length);
    expect(built.data.digits.filter((d) => d.hard).length).toBeGreaterThan(0);
    expect(await page.locator('.member').count()).toBe(8);
    expect(built.data.loss.map((l) => l.length)).toEqual(Array(8).fill(built.data.loss[0]!.length));
  });

  it('a picked test digit: every member\'s chart and number equal the package\'s run() in Node', async () => {
    const i = built.data.digits.findIndex((d) => !d.hard && d.label === 3);
    await page.click(`.digit[data-index="${i}"]`);
    await waitForCharts(page, String(i));
    const s = await shown();
    expect(s.input).toBe(i);

    const ens = await loadPackage(built.packageDir, { target: 'cpu' });
    let node: Float32Array;
    try {
      node = (await ens.run({ x: decodePixels(built.data.digits[i]!.pixels) })) as Float32Array;
    } finally {
      ens.destroy();
    }
    const want = Array.from({ length: 8 }, (_, m) => Array.from(node.subarray(m * 10, (m + 1) * 10)));
    const r = closeness(s.probs.flat(), want.flat(), 1e-5, 1e-6);
    expect(r.ok, `the page's run() on WebGPU vs the package on Node's cpu target: ${r.worst}`).toBe(true);
    // The charts hold exactly what run() returned, and the mean of it.
    expect(s.charts.members).toEqual(s.probs);
    const mean = want[0]!.map((_, c) => want.reduce((t, p) => t + p[c]!, 0) / 8);
    expect(closeness(s.charts.mean, mean, 1e-5, 1e-6).ok).toBe(true);
    // And so do the numbers written on the page.
    for (let m = 0; m < 8; m++) {
      const card = page.locator(`.member[data-member="${m}"]`);
      const k = argmax(want[m]!);
      expect(await card.locator('.pred').textContent()).toBe(String(k));
      expect(Math.abs(Number.parseFloat((await card.locator('.conf').textContent())!) - 100 * want[m]![k]!)).toBeLessThan(0.051);
    }
    expect(await page.textContent('#ens-pred')).toBe(String(argmax(mean)));
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('a digit drawn on the pad is classified too', async () => {
    const box = (await page.locator('#pad').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
    await page.mouse.down();
    for (let k = 1; k <= 10; k++) await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * (0.15 + 0.07 * k));
    await page.mouse.up();
    await waitForCharts(page, 'drawn');
    const s = await shown();
    expect(s.probs.length).toBe(8);
    for (const p of s.probs) expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  });
});
