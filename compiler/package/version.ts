// vmapc's own version, read from its package.json, recorded in every package it builds.

import { readFileSync } from 'node:fs';

let cached: string | undefined;

/**
 * vmapc's version. package.json is two folders up from this file in a checkout
 * (compiler/package/version.ts) and three in the npm package (dist/compiler/package/version.js).
 */
export function compilerVersion(): string {
  if (cached) return cached;
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pj = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pj.name === 'vmapc' && pj.version) return (cached = pj.version);
    } catch {
      // not there: try the next place
    }
  }
  throw new Error(`vmapc's package.json was not found above ${new URL('.', import.meta.url).pathname}`);
}
