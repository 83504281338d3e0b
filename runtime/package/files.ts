// Reads the files of a package folder: from disk for file: URLs in Node, with fetch everywhere else.

import { BackendError } from '../../ir/errors.js';

export const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof (globalThis as { window?: unknown }).window === 'undefined';

/** Reads one package file; resolves undefined when it does not exist. */
export type PackageFiles = (relative: string) => Promise<Uint8Array | undefined>;

// Computed specifiers keep browser bundlers from trying to resolve Node's modules.
const FS_PROMISES = 'node:fs/promises';
const NODE_URL = 'node:url';

/** The files under `base` (a folder URL ending in `/`). */
export function packageFiles(base: URL): PackageFiles {
  return async (relative) => {
    const url = new URL(relative, base);
    if (url.protocol === 'file:' && isNode) {
      const fs = (await import(/* @vite-ignore */ FS_PROMISES)) as typeof import('node:fs/promises');
      try {
        return new Uint8Array(await fs.readFile(url));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new BackendError(`cannot read ${url.href}: ${(e as Error).message}`);
      }
    }
    let res: Response;
    try {
      res = await fetch(url);
    } catch (e) {
      throw new BackendError(`cannot fetch ${url.href}: ${(e as Error).message}`);
    }
    if (res.status === 404) return undefined;
    if (!res.ok) throw new BackendError(`fetching ${url.href} failed: HTTP ${res.status} ${res.statusText}`);
    return new Uint8Array(await res.arrayBuffer());
  };
}

/** A folder URL (ending in `/`) from a URL or path string; relative strings resolve against the page or the working directory. */
export async function folderUrl(base: URL | string): Promise<URL> {
  let url: URL;
  if (base instanceof URL) url = base;
  else if (/^[a-z][a-z0-9+.-]*:/i.test(base) && !/^[a-z]:[\\/]/i.test(base)) url = new URL(base);
  else if (isNode) {
    const { pathToFileURL } = (await import(/* @vite-ignore */ NODE_URL)) as typeof import('node:url');
    url = pathToFileURL(base.endsWith('/') ? base : `${base}/`);
  } else url = new URL(base, (globalThis as { location?: { href: string } }).location?.href);
  return url.href.endsWith('/') ? url : new URL(`${url.href}/`);
}
