#!/usr/bin/env node
// The vmapc command: registers TypeScript loading (tsx) and the 'vmapc' import mapping, then runs the CLI.
import { register as registerModuleHook } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
// Registered after tsx, so it resolves first: a model file's `import ... from 'vmapc'` gets this copy of vmapc,
// the one the CLI traces with (one Module class, one tracer).
registerModuleHook('./resolve-hook.mjs', import.meta.url, { data: { index: new URL('../index.ts', import.meta.url).href } });

const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
