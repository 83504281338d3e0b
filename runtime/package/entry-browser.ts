// The entry point of a package's browser runtime (runtime-browser.js, for browser.js): the WebGPU loader and the error classes.

export { loadPackage } from './load-browser.js';
export type { LoadOptions, LoadedPackage, OutputValue, PackageRunOptions } from './load-core.js';
export { VmapcError, FormatError, ShapeError, BackendError } from '../../ir/errors.js';
