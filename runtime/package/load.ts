// Loads a package with every target's runtime (webgpu, cpu, cuda): the loader of runtime.js, for Node and unbundled pages.

import type { PackageSource } from './files.js';
import { loadPackageWith, type LoadedPackage, type LoadOptions } from './load-core.js';
import { PACKAGE_RUNTIMES } from './node-runtimes.js';

export type { LoadedPackage, LoadOptions, OutputValue, PackageRunOptions, WeightsSource } from './load-core.js';
export type { PackageSource } from './files.js';

/**
 * Loads the package at `source`: its folder (a URL or a path), or a URL per file. Every file is checked
 * before any device work; then the first target that starts here runs it (see loadPackageWith).
 */
export function loadPackage(source: PackageSource, options: LoadOptions = {}): Promise<LoadedPackage> {
  return loadPackageWith(PACKAGE_RUNTIMES, source, options);
}
