// Dawn (the `webgpu` npm package) for a package in Node; inside a package bundle this module also stands in for `webgpu`.

import { BackendError } from '../../ir/errors.js';
import { findNodePackage } from './node-deps.js';

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

const isDawn = (m: unknown): m is DawnModule => !!m && typeof (m as DawnModule).create === 'function' && typeof (m as DawnModule).globals === 'object';

/** Dawn for a package: the module given as `load({ dawn })`, else `webgpu` found as findNodePackage says. */
export function findDawn(packageUrl: URL, given?: unknown): Promise<DawnModule> {
  return findNodePackage('webgpu', packageUrl, given, isDawn, 'dawn');
}
