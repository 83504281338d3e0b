// Loads a package in a browser: WebGPU only, so a bundle of it holds nothing of the cpu and cuda runtimes or of Node.

import { nodeOnlyRuntime, webgpuRuntime, type PackageRuntimes } from './executors.js';
import type { PackageSource } from './files.js';
import { loadPackageWith, type LoadedPackage, type LoadOptions } from './load-core.js';

const BROWSER_RUNTIMES: PackageRuntimes = { webgpu: webgpuRuntime(), cpu: nodeOnlyRuntime('cpu'), cuda: nodeOnlyRuntime('cuda') };

/** Loads the package at `source` (a folder URL, or a URL per file) on WebGPU; cpu and cuda say that they run in Node only. */
export function loadPackage(source: PackageSource, options: LoadOptions = {}): Promise<LoadedPackage> {
  return loadPackageWith(BROWSER_RUNTIMES, source, options);
}
