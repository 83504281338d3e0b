// Finds Dawn (the `webgpu` npm package) for a package in Node; inside a package bundle this module also stands in for `webgpu`.

import { BackendError } from '../../ir/errors.js';

/** What vmapc uses of the `webgpu` npm package. */
export interface DawnModule {
  create(flags: string[]): GPU;
  readonly globals: object;
}

let chosen: DawnModule | undefined;

/**
 * The package bundle maps `import('webgpu')` (in the WebGPU adapter) to this module, so these two
 * exports are what the adapter sees: the Dawn module chosen by `useDawn`.
 */
export function create(flags: string[]): GPU {
  if (!chosen) throw new BackendError('Dawn was not loaded: call the package loader, which finds the webgpu package first');
  return chosen.create(flags);
}
export let globals: object = {};

export function useDawn(m: DawnModule): void {
  chosen = m;
  globals = m.globals;
}

const NODE_MODULE = 'node:module';
const NODE_URL = 'node:url';
const NODE_PATH = 'node:path';

function isDawn(m: unknown): m is DawnModule {
  return !!m && typeof (m as DawnModule).create === 'function' && typeof (m as DawnModule).globals === 'object';
}

/**
 * Dawn for a package in Node, found in this order: the module given by the caller; `webgpu` resolved
 * from the package folder (node_modules of the folder or any folder above it); `webgpu` resolved from
 * the working directory (the app that runs the package).
 */
export async function findDawn(packageUrl: URL, given?: unknown): Promise<DawnModule> {
  if (given !== undefined) {
    if (!isDawn(given)) throw new BackendError('load({ dawn }) must be the webgpu npm package module (await import("webgpu")), with create() and globals');
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
    let path: string;
    try {
      path = createRequire(from).resolve('webgpu');
    } catch {
      tried.push(`not found from ${label} (${new URL('.', from).pathname})`);
      continue;
    }
    try {
      const m: unknown = await import(/* @vite-ignore */ pathToFileURL(path).href);
      if (isDawn(m)) return m;
      tried.push(`${path} is not the webgpu package`);
    } catch (e) {
      tried.push(`${path} failed to load: ${(e as Error).message}`);
    }
  }
  throw new BackendError(
    `could not load Dawn (the 'webgpu' npm package), which runs WebGPU packages in Node: ${tried.join('; ')}. ` +
      'Install it in your app (npm install webgpu), or pass it: load({ dawn: await import("webgpu") })',
  );
}
