// Writes a package folder atomically: everything goes into a temporary sibling folder that is renamed into place at the end.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { FormatError } from '../../ir/errors.js';
import { PACKAGE_FORMAT } from '../../runtime/package/manifest.js';

/** True for a folder that holds a vmapc package (so a build may replace it). */
function isPackageFolder(dir: string): boolean {
  try {
    const m = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { format?: unknown };
    return m.format === PACKAGE_FORMAT;
  } catch {
    return false;
  }
}

/** Refuses to replace anything but a missing folder, an empty one, or an earlier package. */
export function checkOutDir(out: string): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new FormatError(`--out ${out} is a file, not a folder; choose a folder for the package`);
  if (readdirSync(out).length && !isPackageFolder(out)) {
    throw new FormatError(`--out ${out} is a non-empty folder that is not a vmapc package; refusing to replace it (choose another --out or empty it)`);
  }
}

/**
 * Writes `files` (paths relative to the package) into `out`. They go to a temporary folder next to
 * `out` first; only when all are written is it renamed to `out` (an earlier package there is replaced).
 * If anything fails, the temporary folder is removed and `out` is left as it was.
 */
export async function writePackageFolder(out: string, files: ReadonlyMap<string, Uint8Array | string>): Promise<void> {
  checkOutDir(out);
  const parent = path.dirname(path.resolve(out));
  await mkdir(parent, { recursive: true });
  const tag = `${process.pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
  const tmp = path.join(parent, `.${path.basename(out)}.building-${tag}`);
  const old = path.join(parent, `.${path.basename(out)}.old-${tag}`);
  try {
    for (const [rel, data] of files) {
      const file = path.join(tmp, rel);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, data);
    }
    const replacing = existsSync(out);
    if (replacing) await rename(out, old);
    try {
      await rename(tmp, out);
    } catch (e) {
      if (replacing) await rename(old, out);
      throw e;
    }
    if (replacing) await rm(old, { recursive: true, force: true });
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
