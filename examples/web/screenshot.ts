// A picture of the demo page: headless Chromium (WebGPU on SwiftShader) opens it, waits for the charts and saves a PNG.

import { chromium, type Page } from 'playwright-core';

/** Debian's Chromium, headless, WebGPU on SwiftShader (the CPU), nothing that reaches the network. */
const FLAGS = ['--headless', '--no-sandbox', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Waits until the page has shown a run (or failed): `body[data-state]` is `ready` or `error`. */
export async function waitForCharts(page: Page, input?: string): Promise<void> {
  const check = input === undefined
    ? "['ready', 'error'].includes(document.body.dataset.state)"
    : `document.body.dataset.state === 'error' || (document.body.dataset.state === 'ready' && document.body.dataset.input === ${JSON.stringify(input)})`;
  await page.waitForFunction(check, undefined, { timeout: 60_000 });
}

/** Opens the page at `url` in a 1280-pixel-wide window, waits for its first run and saves the whole page to `file`. */
export async function screenshotDemo(url: string, file: string, executablePath = '/usr/bin/chromium'): Promise<void> {
  const browser = await chromium.launch({ executablePath, headless: true, args: FLAGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url);
    await waitForCharts(page);
    await page.screenshot({ path: file, fullPage: true });
  } finally {
    await browser.close();
  }
}
