// The cpu target's tuned GEMM tiles on disk: one JSON file per cache folder, keyed by machine and compiler.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { hashOf, type Toolchain } from './toolchain.js';

type CacheFile = Record<string, Record<string, unknown>>;

function readCache(file: string): CacheFile {
  try {
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CacheFile) : {};
  } catch {
    return {};
  }
}

/** The tiles file of a toolchain for `threads` threads: what was measured, and how to add to it (atomically). */
export function tileCache<T>(tc: Toolchain, threads: number): { cached: Record<string, T>; save: (entries: Readonly<Record<string, T>>) => void } {
  const file = path.join(tc.cacheDir, 'tiles.json');
  const machine = hashOf(tc.cpuModel, tc.cc, tc.version, tc.flags.join(' '), String(threads), tc.openmp ? 'openmp' : 'pthreads');
  return {
    cached: { ...((readCache(file)[machine] ?? {}) as Record<string, T>) },
    save(entries) {
      const fresh = readCache(file); // another process may have written meanwhile
      fresh[machine] = { ...(fresh[machine] ?? {}), ...entries };
      mkdirSync(tc.cacheDir, { recursive: true });
      const tmp = `${file}.${process.pid}`;
      writeFileSync(tmp, JSON.stringify(fresh, null, 1));
      renameSync(tmp, file);
    },
  };
}
