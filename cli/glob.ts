// Expands a --weights pattern: * and ? in the file name (not in folders), sorted with numbers in numeric order.

import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './usage.js';

/** The files a pattern names, member order: member2 before member10. A pattern without wildcards names one file. */
export function expandGlob(pattern: string): string[] {
  const dir = path.dirname(pattern);
  const base = path.basename(pattern);
  if (/[*?]/.test(dir)) throw new UsageError(`--weights '${pattern}': wildcards are allowed in the file name only, not in folders`);
  if (!/[*?[]/.test(base)) return existsSync(pattern) && statSync(pattern).isFile() ? [pattern] : [];
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  const re = new RegExp(`^${base.replace(/[.+^${}()|\\\]]/g, '\\$&').replace(/\[/g, '\\[').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return readdirSync(dir)
    .filter((f) => re.test(f) && statSync(path.join(dir, f)).isFile())
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((f) => path.join(dir, f));
}
