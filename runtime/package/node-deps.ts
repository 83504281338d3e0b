// Finds an npm package a runtime needs in Node (Dawn's `webgpu`, `koffi`): given by the app, next to the package, or in the app's folder.

import { BackendError } from '../../ir/errors.js';

// Computed specifiers keep browser bundlers from trying to resolve Node's modules.
const NODE_MODULE = 'node:module';
const NODE_URL = 'node:url';
const NODE_PATH = 'node:path';

/**
 * The module `name`, found in this order: the module the caller gave; `name` resolved from the package
 * folder (its node_modules or any folder's above it); `name` resolved from the working directory.
 */
export async function findNodePackage<T>(name: string, packageUrl: URL, given: unknown, isIt: (m: unknown) => m is T, option: string): Promise<T> {
  if (given !== undefined) {
    if (!isIt(given)) throw new BackendError(`load({ ${option} }) must be the ${name} npm package's module (await import('${name}'))`);
    return given;
  }
  const { createRequire } = (await import(/* @vite-ignore */ NODE_MODULE)) as typeof import('node:module');
  const { pathToFileURL } = (await import(/* @vite-ignore */ NODE_URL)) as typeof import('node:url');
  const { join } = (await import(/* @vite-ignore */ NODE_PATH)) as typeof import('node:path');
  const places: [string, string][] = [];
  if (packageUrl.protocol === 'file:') places.push(['the package folder', new URL('index.js', packageUrl).href]);
  places.push(['the working directory', pathToFileURL(join(process.cwd(), 'index.js')).href]);
  const tried: string[] = [];
  for (const [label, from] of places) {
    let file: string;
    try {
      file = createRequire(from).resolve(name);
    } catch {
      tried.push(`not found from ${label} (${new URL('.', from).pathname})`);
      continue;
    }
    try {
      const m = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as Record<string, unknown>;
      // A CommonJS package comes back as its module.exports under `default`.
      for (const candidate of [m, m['default']]) if (isIt(candidate)) return candidate;
      tried.push(`${file} is not the ${name} package`);
    } catch (e) {
      tried.push(`${file} failed to load: ${(e as Error).message}`);
    }
  }
  throw new BackendError(`could not load the '${name}' npm package: ${tried.join('; ')}. Install it in your app (npm install ${name}), or pass it: load({ ${option}: await import('${name}') })`);
}
