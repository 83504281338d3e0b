#!/usr/bin/env node
// The vmapc command: registers TypeScript loading (tsx) and the 'vmapc' import mapping, then runs the CLI.
import { existsSync } from 'node:fs';
import { register as registerModuleHook } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

// In a checkout this file sits next to main.ts and vmapc's sources are TypeScript; in the npm package it
// sits in dist/cli/ next to main.js. tsx is registered either way: users' model files are TypeScript.
const fromSource = existsSync(new URL('./main.ts', import.meta.url));
const ext = fromSource ? 'ts' : 'js';

registerTsx();
// Registered after tsx, so it resolves first: a model file's `import ... from 'vmapc'` gets this copy of vmapc,
// the one the CLI traces with (one Module class, one tracer).
registerModuleHook('./resolve-hook.mjs', import.meta.url, { data: { index: new URL(`../index.${ext}`, import.meta.url).href } });

const { main } = await import(`./main.${ext}`);
process.exitCode = await main(process.argv.slice(2));
