// Reads the files of a package: from a folder or a URL per file; from disk for file: URLs in Node, with fetch everywhere else.

import { BackendError, FormatError } from '../../ir/errors.js';

/** True in Node (and not in a browser-like environment that defines `window`): file: URLs are read from disk. */
export const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof (globalThis as { window?: unknown }).window === 'undefined';

/** Reads one package file; resolves undefined when it does not exist. */
export type PackageFiles = (relative: string) => Promise<Uint8Array | undefined>;

/**
 * Where a package is: its folder (a URL, or a path in Node, a URL relative to the page in a browser), or
 * one URL per file, as the generated index.js lists them with `new URL('./weights.safetensors',
 * import.meta.url)` (which bundlers rewrite to where they put each file).
 */
export type PackageSource = URL | string | { readonly files: Readonly<Record<string, URL | string>> };

/** A package's files, and the folder they are in (for messages, and where Node looks for `webgpu` and `koffi`). */
export interface OpenedPackage {
  readonly read: PackageFiles;
  readonly folder: URL;
}

// Computed specifiers keep browser bundlers from trying to resolve Node's modules.
const FS_PROMISES = 'node:fs/promises';
const NODE_URL = 'node:url';

/** The bytes at a URL; undefined for a file that does not exist (404, ENOENT). */
export async function readUrl(url: URL): Promise<Uint8Array | undefined> {
  if (url.protocol === 'file:' && isNode) {
    const fs = (await import(/* @vite-ignore */ /* webpackIgnore: true */ FS_PROMISES)) as typeof import('node:fs/promises');
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
    throw new BackendError(`cannot fetch ${url.href.length > 120 ? `${url.href.slice(0, 100)}...` : url.href}: ${(e as Error).message}`);
  }
  if (res.status === 404) return undefined;
  if (!res.ok) throw new BackendError(`fetching ${url.href} failed: HTTP ${res.status} ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The files under `base` (a folder URL ending in `/`). */
export function packageFiles(base: URL): PackageFiles {
  return (relative) => readUrl(new URL(relative, base));
}

/** A URL from a URL or a string: absolute, a path (Node), or relative to the page (browsers). */
export async function toUrl(u: URL | string): Promise<URL> {
  if (u instanceof URL) return u;
  if (/^[a-z][a-z0-9+.-]*:/i.test(u) && !/^[a-z]:[\\/]/i.test(u)) return new URL(u);
  if (isNode) {
    const { pathToFileURL } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_URL)) as typeof import('node:url');
    return pathToFileURL(u);
  }
  return new URL(u, (globalThis as { location?: { href: string } }).location?.href);
}

/** A folder URL (ending in `/`) from a URL or path string; relative strings resolve against the page or the working directory. */
export async function folderUrl(base: URL | string): Promise<URL> {
  const url = await toUrl(base);
  return url.href.endsWith('/') ? url : new URL(`${url.href}/`);
}

/**
 * Opens a package: a folder, or a URL per file. With a list of files, a file the list leaves out is
 * looked for beside manifest.json (a bundler that inlined manifest.json as a data: URL has no such place:
 * then the error names the file).
 */
export async function openPackage(source: PackageSource): Promise<OpenedPackage> {
  if (source instanceof URL || typeof source === 'string') {
    const folder = await folderUrl(source);
    return { read: packageFiles(folder), folder };
  }
  if (source === null || typeof source !== 'object' || typeof source.files !== 'object' || source.files === null) {
    throw new FormatError('a package is given as its folder (a URL or path) or as { files: { "manifest.json": URL, ... } }');
  }
  const urls = new Map<string, URL>();
  for (const [name, u] of Object.entries(source.files)) urls.set(name, await toUrl(u));
  const manifest = urls.get('manifest.json');
  if (!manifest) throw new FormatError(`the package's file list has no manifest.json (it lists ${[...urls.keys()].join(', ') || 'nothing'})`);
  // A data: or blob: URL (a bundler's inlined file) has no folder to look beside.
  const beside = /^(data|blob):/.test(manifest.protocol) ? undefined : new URL('./', manifest);
  return {
    read: async (relative) => {
      const url = urls.get(relative) ?? (beside && new URL(relative, beside));
      return url ? readUrl(url) : undefined;
    },
    folder: beside ?? manifest,
  };
}
