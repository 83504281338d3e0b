// The entry point of the runtime bundled into every package (runtime.js): the loader and the error classes, no compiler.

export { loadPackage, type LoadOptions, type LoadedPackage, type OutputValue, type PackageRunOptions } from './load.js';
export { PACKAGE_FORMAT, PACKAGE_FORMAT_VERSION, type Manifest } from './manifest.js';
export { validateManifest } from './validate.js';
export { readSafetensors, writeSafetensors } from '../safetensors.js';
export { VmapcError, FormatError, ShapeError, BackendError } from '../../ir/errors.js';
