// Bad-input table, the WebGPU device lost in the middle of a run: the error is reported, nothing hangs, and the next compile works (row E60).

import { describe, expect, it } from 'vitest';
import { BackendError, compile, functionalCall, manualSeed, nn, stackModuleState, Tensor, vmap } from '../../index.js';
import { acquireWebGpu } from '../../runtime/webgpu/adapter.js';
import { expectClose } from '../helpers/assert.js';

type Dict = Record<string, Tensor>;

/** Settles within ms or fails the test: proof that nothing hangs. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<PromiseSettledResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms)));
  try {
    return (await Promise.race([Promise.allSettled([p]), timeout]))[0]!;
  } finally {
    clearTimeout(timer);
  }
}

function ensemble() {
  manualSeed(4);
  const models = Array.from({ length: 5 }, () => new nn.Sequential(new nn.Linear(16, 64), new nn.GELU(), new nn.Linear(64, 4)).eval());
  const { params, buffers } = stackModuleState(models);
  const f = vmap((p: Dict, b: Dict, x: Tensor) => functionalCall<Tensor>(models[0]!, [p, b], [x]), [0, 0, null]);
  return { f, params, buffers, x: Tensor.randn([32, 16]) };
}

describe('device lost mid-run', () => {
  it('E60 device.destroy() during runs: they reject with a BackendError, nothing hangs, and the next compile gets a new device', async () => {
    const e = ensemble();
    const want = e.f(e.params, e.buffers, e.x);
    const c = await compile(e.f, { target: 'webgpu', example: [e.params, e.buffers, e.x] });
    const other = await compile(e.f, { target: 'webgpu', example: [e.params, e.buffers, e.x] });
    expectClose(await c.run(e.params, e.buffers, e.x), want, 1e-4, 1e-5);
    const { device } = await acquireWebGpu();
    // Several runs in flight, then the device goes away under them.
    const inflight = Array.from({ length: 4 }, () => c.run(undefined, undefined, e.x));
    device.destroy();
    for (const r of inflight) {
      const s = await within(r, 10_000, 'a run in flight when the device was lost');
      if (s.status === 'rejected') {
        expect(s.reason).toBeInstanceOf(BackendError);
        expect((s.reason as Error).message).toMatch(/device was lost|reading results back failed/);
      }
    }
    // Later runs on either compiled function say what happened and what to do.
    for (const fn of [c, other]) {
      const s = await within(fn.run(e.params, e.buffers, e.x), 10_000, 'a run after the loss');
      expect(s.status).toBe('rejected');
      expect((s as PromiseRejectedResult).reason).toBeInstanceOf(BackendError);
      expect(((s as PromiseRejectedResult).reason as Error).message).toMatch(/device was lost.*compile again/);
    }
    c.destroy();
    other.destroy();
    // The next compile finds a fresh device and gives the right answer.
    const again = await compile(e.f, { target: 'webgpu', example: [e.params, e.buffers, e.x] });
    try {
      expect((await acquireWebGpu()).device).not.toBe(device);
      expectClose(await again.run(e.params, e.buffers, e.x), want, 1e-4, 1e-5);
    } finally {
      again.destroy();
    }
  });
});

describe('compile right after a loss', () => {
  it('E61 a compile started the moment the device is destroyed still gets a working device', async () => {
    const e = ensemble();
    const c = await compile(e.f, { target: 'webgpu', example: [e.params, e.buffers, e.x] });
    c.destroy();
    (await acquireWebGpu()).device.destroy();
    const s = await within(compile(e.f, { target: 'webgpu', example: [e.params, e.buffers, e.x] }), 20_000, 'compile right after the loss');
    expect(s.status, s.status === 'rejected' ? String((s as PromiseRejectedResult).reason) : '').toBe('fulfilled');
    const again = (s as PromiseFulfilledResult<Awaited<ReturnType<typeof compile>>>).value;
    try {
      expectClose(await again.run(e.params, e.buffers, e.x) as Tensor, e.f(e.params, e.buffers, e.x), 1e-4, 1e-5);
    } finally {
      again.destroy();
    }
  });
});
