// WebGPU adapter discovery: navigator.gpu in browsers; in Node, Dawn's native backend, then Mesa's CPU driver.

import { BackendError } from '../../ir/errors.js';
import type { GpuDevice, GpuLimits } from './gpu-types.js';
import { quietDawnCall } from './quiet-dawn.js';
import { isNode } from '../platform.js';

/** Which adapter Dawn uses in Node: 'auto' (native, then Mesa), or one backend. Browsers use navigator.gpu whatever this says. */
export type WebGpuBackend = 'auto' | 'native' | 'opengl' | 'vulkan' | 'swiftshader';

/** Options of the `webgpu` target. */
export interface WebGpuOptions {
  /** Which adapter to use in Node; 'auto' tries the platform's native backend, then Mesa (OpenGL ES). */
  readonly backend?: WebGpuBackend;
  /** Use this device instead of discovering one (e.g. one the page already has). */
  readonly device?: GpuDevice;
}

/** The device vmapc runs on, what it is, and its limits. */
export interface WebGpuContext {
  readonly device: GpuDevice;
  readonly description: string;
  readonly limits: GpuLimits;
}

interface Attempt {
  readonly label: string;
  readonly flags: string[];
  readonly featureLevel: 'core' | 'compatibility';
  readonly env?: Record<string, string>;
}

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

function attempts(backend: WebGpuBackend): Attempt[] {
  const native: Attempt = { label: 'native', flags: [], featureLevel: 'core' };
  const opengl: Attempt = { label: 'Mesa (OpenGL ES, compatibility)', flags: ['backend=opengl'], featureLevel: 'compatibility', env: { EGL_PLATFORM: 'surfaceless' } };
  const vulkan: Attempt = { label: 'Vulkan', flags: ['backend=vulkan'], featureLevel: 'core' };
  const swiftshader: Attempt = { label: 'SwiftShader (Vulkan)', flags: ['backend=vulkan'], featureLevel: 'core', env: { VK_ICD_FILENAMES: SWIFTSHADER_ICD } };
  switch (backend) {
    case 'auto': return [native, opengl];
    case 'native': return [native];
    case 'opengl': return [opengl];
    case 'vulkan': return [vulkan];
    case 'swiftshader': return [swiftshader];
    default: return backend satisfies never;
  }
}

const NO_ADAPTER_HELP =
  'No WebGPU adapter was found. On a machine without a GPU, install Mesa\'s CPU driver ' +
  '(Debian/Ubuntu: apt-get install -y libegl1 libegl-mesa0 libgl1-mesa-dri libgles2) and vmapc will use it ' +
  'through Dawn\'s OpenGL ES backend; or compile with { target: "cpu" } for the native CPU backend.';

function describeAdapter(adapter: GPUAdapter, label: string): string {
  const info = adapter.info;
  // Browsers often leave the description empty (SwiftShader: vendor 'google', architecture 'swiftshader').
  const name = [info.vendor, info.description ? '' : info.architecture, info.device, info.description].filter((s) => s && s.length).join(' ');
  return `${name || 'unknown adapter'} via ${label}`;
}

/** Requests a device with the adapter's own limits (the defaults are smaller, e.g. 128 invocations). */
async function deviceFor(adapter: GPUAdapter): Promise<GPUDevice> {
  const requiredLimits: Record<string, number> = {};
  for (const key in adapter.limits) {
    const v = (adapter.limits as unknown as Record<string, unknown>)[key];
    if (typeof v === 'number') requiredLimits[key] = v;
  }
  return adapter.requestDevice({ requiredLimits });
}

/** What vmapc uses of the `webgpu` npm package (Dawn) in Node: `create(flags)` makes a GPU instance. */
export interface DawnModule {
  create(flags: string[]): unknown;
  readonly globals: object;
}

/** Dawn's npm package, imported by a specifier that browser bundlers leave alone (a page never loads it). */
const DAWN = 'webgpu';

let nodeGpu: Promise<DawnModule> | undefined;

async function loadDawn(): Promise<DawnModule> {
  nodeGpu ??= (import(/* @vite-ignore */ /* webpackIgnore: true */ DAWN) as Promise<DawnModule>).catch((e: Error) => {
    throw new BackendError(`could not load Dawn (the 'webgpu' npm package): ${e.message}. Install it with npm install webgpu`);
  });
  return nodeGpu;
}

/** Node: run on this Dawn module instead of importing `webgpu` (a package's loader passes the one it found). */
export function useDawnModule(m: DawnModule): void {
  nodeGpu = Promise.resolve(m);
}

/**
 * Dawn's GPU instance and adapter must outlive every device they made: if the instance is garbage
 * collected while a device is in use, Dawn frees memory the device still uses. Keep them here.
 */
const keepAlive: unknown[] = [];

/** One shared device per backend choice, replaced when it is lost. */
const shared = new Map<WebGpuBackend, Promise<WebGpuContext>>();

/**
 * Shared devices known to be lost. `device.lost` settles only when Dawn next processes events, so a
 * compile right after `device.destroy()` would still get the dead device; destroy() marks it at once.
 */
const lostDevices = new WeakSet<GPUDevice>();

function trackLoss(device: GPUDevice): void {
  const destroy = device.destroy.bind(device);
  Object.defineProperty(device, 'destroy', { configurable: true, value: () => (lostDevices.add(device), destroy()) });
  void device.lost.then(() => lostDevices.add(device));
}

/**
 * The shared WebGPU context for a backend choice: found once, reused by every compile, and found
 * again after a device loss.
 */
export async function acquireWebGpu(options: WebGpuOptions = {}): Promise<WebGpuContext> {
  if (options.device) return { device: options.device, description: 'a device given by the caller', limits: options.device.limits };
  const backend = options.backend ?? 'auto';
  let ctx = shared.get(backend);
  if (ctx && lostDevices.has((await ctx.catch(() => undefined))?.device as GPUDevice) && shared.get(backend) === ctx) shared.delete(backend);
  ctx = shared.get(backend);
  if (!ctx) {
    ctx = discover(backend);
    shared.set(backend, ctx);
    ctx.then(
      (c) => void c.device.lost.then(() => shared.get(backend) === ctx && shared.delete(backend)),
      () => shared.get(backend) === ctx && shared.delete(backend),
    );
  }
  return ctx;
}

/** Finds an adapter and device, trying each candidate in order, and says what it found. */
async function discover(backend: WebGpuBackend): Promise<WebGpuContext> {
  if (!isNode) {
    const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
    if (!gpu) throw new BackendError('navigator.gpu is not available in this browser; enable WebGPU or use a browser that supports it');
    const adapter = await gpu.requestAdapter();
    if (!adapter) throw new BackendError(`navigator.gpu.requestAdapter() returned null. ${NO_ADAPTER_HELP}`);
    const device = await deviceFor(adapter);
    trackLoss(device);
    keepAlive.push(adapter);
    return { device, description: describeAdapter(adapter, 'navigator.gpu'), limits: device.limits };
  }
  const dawn = await loadDawn();
  Object.assign(globalThis, dawn.globals);
  const tried: string[] = [];
  for (const a of attempts(backend)) {
    for (const [k, v] of Object.entries(a.env ?? {})) process.env[k] ??= v;
    try {
      // Dawn prints its warnings (and Mesa's) while it makes the instance, adapter and device: only on request.
      const gpu = await quietDawnCall(() => dawn.create(a.flags) as GPU);
      const adapter = await quietDawnCall(() => gpu.requestAdapter({ featureLevel: a.featureLevel } as GPURequestAdapterOptions));
      if (!adapter) {
        tried.push(`${a.label}: no adapter`);
        continue;
      }
      const device = await quietDawnCall(() => deviceFor(adapter));
      trackLoss(device);
      keepAlive.push(gpu, adapter);
      return { device, description: describeAdapter(adapter, `Dawn ${a.label}`), limits: device.limits };
    } catch (e) {
      tried.push(`${a.label}: ${(e as Error).message}`);
    }
  }
  throw new BackendError(`${NO_ADAPTER_HELP} (tried: ${tried.join('; ')})`);
}
