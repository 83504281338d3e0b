// Dawn (the `webgpu` npm package) for a package in Node: the module the app gave, or the one found next to the package or the app.

import type { DawnModule } from '../webgpu/adapter.js';
import { findNodePackage } from './node-deps.js';

const isDawn = (m: unknown): m is DawnModule => !!m && typeof (m as DawnModule).create === 'function' && typeof (m as DawnModule).globals === 'object';

/** Dawn for a package: the module given as `load({ dawn })`, else `webgpu` found as findNodePackage says. */
export function findDawn(packageUrl: URL, given?: unknown): Promise<DawnModule> {
  return findNodePackage('webgpu', packageUrl, given, isDawn, 'dawn');
}
