// vmapc's own version, read from its package.json, recorded in every package it builds.

import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function compilerVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}
