// The CUDA driver API through koffi: typed wrappers that turn every CUresult into a BackendError with its name.

import koffi from 'koffi';
import { BackendError } from '../../ir/errors.js';
import { loadDriverLibrary, type LibraryHandle } from './libraries.js';

/** An opaque driver handle (CUcontext, CUmodule, CUfunction) as koffi returns it. */
export type Handle = unknown;
/** A device address (CUdeviceptr). */
export type DevicePtr = bigint;

/** The CUdevice_attribute values this runtime reads. */
export const DEVICE_ATTRIBUTE = {
  maxThreadsPerBlock: 1,
  maxGridDimX: 5,
  maxGridDimY: 6,
  maxGridDimZ: 7,
  maxSharedMemoryPerBlock: 8,
  multiprocessorCount: 16,
  computeCapabilityMajor: 75,
  computeCapabilityMinor: 76,
} as const;

/** CUfunction_attribute values. */
export const FUNC_ATTRIBUTE = { maxThreadsPerBlock: 0, numRegs: 4 } as const;

/** CUresult codes the runtime reacts to. */
export const CU = { SUCCESS: 0, NO_DEVICE: 100, UNSUPPORTED_PTX_VERSION: 222 } as const;

const JIT_ERROR_LOG_BUFFER = 5;
const JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;

/** The driver entry points, bound once per process. */
function bind(lib: LibraryHandle) {
  const f = (proto: string) => lib.func(proto);
  return {
    cuGetErrorName: f('int cuGetErrorName(int error, _Out_ const char **name)'),
    cuInit: f('int cuInit(unsigned int flags)'),
    cuDriverGetVersion: f('int cuDriverGetVersion(_Out_ int *version)'),
    cuDeviceGetCount: f('int cuDeviceGetCount(_Out_ int *count)'),
    cuDeviceGet: f('int cuDeviceGet(_Out_ int *device, int ordinal)'),
    cuDeviceGetName: f('int cuDeviceGetName(_Out_ uint8_t *name, int len, int device)'),
    cuDeviceGetAttribute: f('int cuDeviceGetAttribute(_Out_ int *value, int attribute, int device)'),
    cuDeviceTotalMem: f('int cuDeviceTotalMem_v2(_Out_ size_t *bytes, int device)'),
    cuDevicePrimaryCtxRetain: f('int cuDevicePrimaryCtxRetain(_Out_ void **ctx, int device)'),
    cuDevicePrimaryCtxRelease: f('int cuDevicePrimaryCtxRelease_v2(int device)'),
    cuCtxSetCurrent: f('int cuCtxSetCurrent(void *ctx)'),
    cuCtxSynchronize: f('int cuCtxSynchronize()'),
    cuMemAlloc: f('int cuMemAlloc_v2(_Out_ uint64_t *dptr, size_t bytes)'),
    cuMemFree: f('int cuMemFree_v2(uint64_t dptr)'),
    cuMemsetD32: f('int cuMemsetD32_v2(uint64_t dptr, unsigned int value, size_t count)'),
    cuMemcpyHtoD: f('int cuMemcpyHtoD_v2(uint64_t dst, const void *src, size_t bytes)'),
    cuMemcpyDtoH: f('int cuMemcpyDtoH_v2(void *dst, uint64_t src, size_t bytes)'),
    cuMemcpyDtoD: f('int cuMemcpyDtoD_v2(uint64_t dst, uint64_t src, size_t bytes)'),
    cuModuleLoadDataEx: f('int cuModuleLoadDataEx(_Out_ void **module, const void *image, unsigned int numOptions, const int *options, const void *values)'),
    cuModuleUnload: f('int cuModuleUnload(void *module)'),
    cuModuleGetFunction: f('int cuModuleGetFunction(_Out_ void **fn, void *module, const char *name)'),
    cuFuncGetAttribute: f('int cuFuncGetAttribute(_Out_ int *value, int attribute, void *fn)'),
    cuLaunchKernel: f(
      'int cuLaunchKernel(void *fn, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx, unsigned int by, unsigned int bz, unsigned int sharedBytes, void *stream, const void *params, const void *extra)',
    ),
  };
}

type Api = ReturnType<typeof bind>;

/** A CUresult that is not CUDA_SUCCESS. */
export class CudaError extends BackendError {
  constructor(message: string, readonly code: number, readonly codeName: string) {
    super(message);
  }
}

export class CudaDriver {
  private constructor(private readonly api: Api, readonly libraryPath: string) {}

  private static instance: CudaDriver | undefined;

  /** Loads libcuda and runs cuInit once; throws "no CUDA driver found" where there is none. */
  static get(): CudaDriver {
    if (!CudaDriver.instance) {
      const { lib, path } = loadDriverLibrary();
      const d = new CudaDriver(bind(lib), path);
      d.check(d.api.cuInit(0), 'cuInit');
      CudaDriver.instance = d;
    }
    return CudaDriver.instance;
  }

  /** The name of a CUresult, e.g. CUDA_ERROR_OUT_OF_MEMORY. */
  errorName(code: number): string {
    const out: [string | null] = [null];
    return this.api.cuGetErrorName(code, out) === 0 && out[0] ? out[0] : `CUresult ${code}`;
  }

  check(code: number, what: string): void {
    if (code === CU.SUCCESS) return;
    const name = this.errorName(code);
    const hint = code === CU.NO_DEVICE ? ' (the driver is installed but sees no CUDA device)' : '';
    throw new CudaError(`${what} failed: ${name}${hint}`, code, name);
  }

  private outInt(call: (out: [number]) => number, what: string): number {
    const out: [number] = [0];
    this.check(call(out), what);
    return Number(out[0]);
  }

  private outHandle(call: (out: [Handle]) => number, what: string): Handle {
    const out: [Handle] = [null];
    this.check(call(out), what);
    return out[0];
  }

  driverVersion(): number {
    return this.outInt((o) => this.api.cuDriverGetVersion(o), 'cuDriverGetVersion');
  }

  deviceCount(): number {
    return this.outInt((o) => this.api.cuDeviceGetCount(o), 'cuDeviceGetCount');
  }

  device(ordinal: number): number {
    return this.outInt((o) => this.api.cuDeviceGet(o, ordinal), `cuDeviceGet(${ordinal})`);
  }

  deviceName(device: number): string {
    const buf = Buffer.alloc(256);
    this.check(this.api.cuDeviceGetName(buf, buf.length, device), 'cuDeviceGetName');
    return buf.toString('utf8', 0, Math.max(0, buf.indexOf(0)));
  }

  attribute(device: number, attribute: number): number {
    return this.outInt((o) => this.api.cuDeviceGetAttribute(o, attribute, device), `cuDeviceGetAttribute(${attribute})`);
  }

  totalMemory(device: number): number {
    return this.outInt((o) => this.api.cuDeviceTotalMem(o, device), 'cuDeviceTotalMem');
  }

  retainPrimaryContext(device: number): Handle {
    return this.outHandle((o) => this.api.cuDevicePrimaryCtxRetain(o, device), 'cuDevicePrimaryCtxRetain');
  }

  releasePrimaryContext(device: number): void {
    this.check(this.api.cuDevicePrimaryCtxRelease(device), 'cuDevicePrimaryCtxRelease');
  }

  setCurrent(ctx: Handle): void {
    this.check(this.api.cuCtxSetCurrent(ctx), 'cuCtxSetCurrent');
  }

  synchronize(what = 'cuCtxSynchronize'): void {
    this.check(this.api.cuCtxSynchronize(), what);
  }

  alloc(bytes: number, what: string): DevicePtr {
    const out: [number | bigint] = [0];
    this.check(this.api.cuMemAlloc(out, bytes), `cuMemAlloc of ${what} (${(bytes / 2 ** 20).toFixed(1)} MiB)`);
    return BigInt(out[0]);
  }

  free(ptr: DevicePtr): void {
    this.check(this.api.cuMemFree(ptr), 'cuMemFree');
  }

  fillWords(ptr: DevicePtr, value: number, words: number): void {
    this.check(this.api.cuMemsetD32(ptr, value >>> 0, words), 'cuMemsetD32');
  }

  upload(dst: DevicePtr, src: ArrayBufferView, what: string): void {
    if (src.byteLength === 0) return;
    this.check(this.api.cuMemcpyHtoD(dst, src, src.byteLength), `cuMemcpyHtoD of ${what}`);
  }

  download(dst: ArrayBufferView, src: DevicePtr, what: string): void {
    if (dst.byteLength === 0) return;
    this.check(this.api.cuMemcpyDtoH(dst, src, dst.byteLength), `cuMemcpyDtoH of ${what}`);
  }

  /** Copies bytes between device buffers (ordered with the launches on the default stream). */
  copy(dst: DevicePtr, src: DevicePtr, bytes: number, what: string): void {
    if (bytes > 0) this.check(this.api.cuMemcpyDtoD(dst, src, bytes), `cuMemcpyDtoD of ${what}`);
  }

  /** Loads PTX or a cubin; a JIT failure carries the driver's log. */
  loadModule(image: Uint8Array, what: string): Handle {
    const logBytes = 16384;
    const log = koffi.alloc('uint8_t', logBytes);
    try {
      const options = new Int32Array([JIT_ERROR_LOG_BUFFER, JIT_ERROR_LOG_BUFFER_SIZE_BYTES]);
      const values = new BigUint64Array([koffi.address(log), BigInt(logBytes)]);
      const out: [Handle] = [null];
      const code = this.api.cuModuleLoadDataEx(out, image, 2, options, values);
      if (code !== CU.SUCCESS) {
        const text = koffi.decode(log, 'char', -1) as string;
        const name = this.errorName(code);
        throw new CudaError(`cuModuleLoadData of ${what} failed: ${name}${text ? `\n${text.trim()}` : ''}`, code, name);
      }
      return out[0];
    } finally {
      koffi.free(log);
    }
  }

  unloadModule(module: Handle): void {
    this.check(this.api.cuModuleUnload(module), 'cuModuleUnload');
  }

  getFunction(module: Handle, name: string): Handle {
    return this.outHandle((o) => this.api.cuModuleGetFunction(o, module, name), `cuModuleGetFunction(${name})`);
  }

  functionAttribute(fn: Handle, attribute: number): number {
    return this.outInt((o) => this.api.cuFuncGetAttribute(o, attribute, fn), 'cuFuncGetAttribute');
  }

  /** Launches on the default stream; `params` is the array of pointers to each argument (kernelParams). */
  launch(fn: Handle, grid: readonly [number, number, number], block: readonly [number, number, number], params: BigUint64Array, what: string): void {
    const code = this.api.cuLaunchKernel(fn, grid[0], grid[1], grid[2], block[0], block[1], block[2], 0, null, params, null);
    this.check(code, `cuLaunchKernel of ${what}`);
  }
}
