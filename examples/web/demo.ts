// npm run demo:web: trains the MNIST ensemble, writes it as a package, bundles the page with Vite and serves it on http://localhost:5173/.
//
//   npm run demo:web                      build, then serve until Ctrl-C
//   npm run demo:web -- --no-serve        build only (examples/web/dist/)
//   EPOCHS=1 TRAIN_PER_DIGIT=200 npm run demo:web    quicker
//   PORT=8080 npm run demo:web
//   npm run demo:web -- --screenshot docs/demo.png   build, serve, save a picture of the page, stop

import * as path from 'node:path';
import { preview } from 'vite';
import type { CompileTarget } from '../../index.js';
import { buildDemo, WEB_DIR } from './build-demo.js';
import { screenshotDemo } from './screenshot.js';

const env = (name: string, dflt: number): number => {
  const v = process.env[name];
  return v === undefined ? dflt : Number(v);
};

const out = path.join(WEB_DIR, 'dist');
const t0 = performance.now();
const built = await buildDemo({
  out,
  work: path.join(WEB_DIR, '.generated'),
  members: env('MEMBERS', 8),
  hidden: env('HIDDEN', 32),
  epochs: env('EPOCHS', 3),
  trainPerDigit: env('TRAIN_PER_DIGIT', 400),
  testPerDigit: env('TEST_PER_DIGIT', 100),
  target: (process.env['TARGET'] ?? 'auto') as CompileTarget,
  log: (line) => console.log(line),
});
const acc = built.data.accuracy;
console.log(`members' held-out accuracy ${acc.members.map((a) => `${(100 * a).toFixed(0)}%`).join(' ')}; ensemble ${(100 * acc.ensemble).toFixed(1)}%`);
console.log(`built ${path.relative(process.cwd(), out)} in ${((performance.now() - t0) / 1000).toFixed(1)} s (training ${built.seconds.train.toFixed(1)} s, package ${built.seconds.package.toFixed(1)} s, page ${built.seconds.page.toFixed(1)} s)`);

const shot = process.argv.indexOf('--screenshot');
if (!process.argv.includes('--no-serve')) {
  const port = shot >= 0 ? 0 : env('PORT', 5173);
  const server = await preview({ root: WEB_DIR, configFile: false, base: './', logLevel: shot >= 0 ? 'warn' : 'info', build: { outDir: out }, preview: { port, host: '127.0.0.1', open: false } });
  if (shot >= 0) {
    const file = process.argv[shot + 1] ?? 'demo.png';
    await screenshotDemo(server.resolvedUrls!.local[0]!, file);
    console.log(`saved ${file}`);
    await server.close();
  } else {
    server.printUrls();
    console.log('open it in a browser with WebGPU (Chrome, Edge; Firefox and Safari where enabled); Ctrl-C stops the server');
  }
}
