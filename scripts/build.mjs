#!/usr/bin/env node
// npm run build: compiles the library (index.ts, ir, compiler, runtime, cli) to dist/ as JS + .d.ts, and copies the command's launcher.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

// A fresh dist/: files of modules that no longer exist must not ship.
rmSync(dist, { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  console.error('npm run build: tsc failed (see above); dist/ is incomplete');
  process.exit(r.status ?? 1);
}

// The command's launcher and module hooks are plain ES modules: copied as they are, next to the compiled CLI.
for (const file of ['vmapc.mjs', 'resolve-hook.mjs']) copyFileSync(path.join(root, 'cli', file), path.join(dist, 'cli', file));
chmodSync(path.join(dist, 'cli', 'vmapc.mjs'), 0o755);
for (const must of ['index.js', 'index.d.ts', 'cli/main.js', 'cli/vmapc.mjs']) {
  if (!existsSync(path.join(dist, must))) {
    console.error(`npm run build: dist/${must} is missing after the build`);
    process.exit(1);
  }
}
console.log(`built ${path.relative(process.cwd(), dist) || 'dist'}/ (library JS + .d.ts, the vmapc command)`);
