// Opens a package folder the way an app does: through its own index.js and bundled runtime, never vmapc's.

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LoadedPackage, LoadOptions } from '../runtime/package/load.js';
import { UsageError } from './usage.js';

export async function openPackage(dir: string, target: string): Promise<LoadedPackage> {
  const index = path.join(dir, 'index.js');
  if (!existsSync(path.join(dir, 'manifest.json')) || !existsSync(index)) {
    throw new UsageError(`${dir} is not a package folder (it needs manifest.json and index.js); build one with vmapc build`);
  }
  const pkg = (await import(pathToFileURL(path.resolve(index)).href)) as { load(o: LoadOptions & { target?: string }): Promise<LoadedPackage> };
  // The CLI's own Dawn and koffi, so a package outside any node_modules tree still finds them.
  const [dawn, koffi] = await Promise.all([import('webgpu').catch(() => undefined), import('koffi').then((m) => m.default).catch(() => undefined)]);
  return pkg.load({ target: target as LoadOptions['target'], dawn, koffi });
}
