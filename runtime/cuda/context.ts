// The CUDA device a process uses: the driver, the device's primary context and what the compiler needs to know of it.

import { BackendError } from '../../ir/errors.js';
import { CudaDriver, DEVICE_ATTRIBUTE, type Handle } from './driver.js';

/** Options of the `cuda` target. */
export interface CudaOptions {
  /** The device ordinal (default 0, or VMAPC_CUDA_DEVICE). */
  readonly device?: number;
  /** Matmuls in exact FP32 (default) or on TF32 tensor cores; see docs/cuda-backend.md. */
  readonly matmul?: 'exact' | 'tf32';
}

export interface CudaContext {
  readonly driver: CudaDriver;
  readonly ordinal: number;
  readonly device: number;
  readonly context: Handle;
  readonly name: string;
  /** major * 10 + minor, e.g. 90. */
  readonly computeCapability: number;
  readonly multiprocessors: number;
  readonly totalMemory: number;
  readonly maxThreadsPerBlock: number;
  readonly maxGrid: readonly [number, number, number];
  readonly maxSharedMemoryPerBlock: number;
  readonly driverVersion: number;
}

const contexts = new Map<number, CudaContext>();

function ordinalOf(options: CudaOptions): number {
  if (options.device !== undefined) return options.device;
  const env = process.env['VMAPC_CUDA_DEVICE'];
  return env ? Number(env) : 0;
}

/**
 * The shared context of a device: the driver loaded and initialised once, the primary context retained
 * once per device (so it is the one other CUDA libraries in the process use too).
 */
export function acquireCuda(options: CudaOptions = {}): CudaContext {
  const ordinal = ordinalOf(options);
  const known = contexts.get(ordinal);
  if (known) return known;
  const driver = CudaDriver.get();
  const count = driver.deviceCount();
  if (count === 0) throw new BackendError('no CUDA device found: the driver is installed but reports 0 devices');
  if (!Number.isInteger(ordinal) || ordinal < 0 || ordinal >= count) throw new BackendError(`CUDA device ${ordinal} does not exist; this machine has ${count} (0..${count - 1})`);
  const device = driver.device(ordinal);
  const attr = (a: number): number => driver.attribute(device, a);
  const context = driver.retainPrimaryContext(device);
  driver.setCurrent(context);
  const ctx: CudaContext = {
    driver,
    ordinal,
    device,
    context,
    name: driver.deviceName(device),
    computeCapability: attr(DEVICE_ATTRIBUTE.computeCapabilityMajor) * 10 + attr(DEVICE_ATTRIBUTE.computeCapabilityMinor),
    multiprocessors: attr(DEVICE_ATTRIBUTE.multiprocessorCount),
    totalMemory: driver.totalMemory(device),
    maxThreadsPerBlock: attr(DEVICE_ATTRIBUTE.maxThreadsPerBlock),
    maxGrid: [attr(DEVICE_ATTRIBUTE.maxGridDimX), attr(DEVICE_ATTRIBUTE.maxGridDimY), attr(DEVICE_ATTRIBUTE.maxGridDimZ)],
    maxSharedMemoryPerBlock: attr(DEVICE_ATTRIBUTE.maxSharedMemoryPerBlock),
    driverVersion: driver.driverVersion(),
  };
  contexts.set(ordinal, ctx);
  return ctx;
}

/** e.g. `NVIDIA H200 (sm_90, 132 SMs, 139.8 GiB), CUDA driver 13.0`. */
export function describeCuda(ctx: CudaContext): string {
  const v = ctx.driverVersion;
  return `${ctx.name} (sm_${ctx.computeCapability}, ${ctx.multiprocessors} SMs, ${(ctx.totalMemory / 2 ** 30).toFixed(1)} GiB), CUDA driver ${Math.floor(v / 1000)}.${(v % 1000) / 10}`;
}
