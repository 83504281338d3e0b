// Bad-input table, ensembles too large for the device's limits: a clear error before any allocation, or chunks that fit (rows E50-E52).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendError, compile, functionalCall, manualSeed, nn, stackModuleState, Tensor, vmap, type VmapOptions } from '../../index.js';
import { expectClose } from '../helpers/assert.js';
import { expectError } from './helpers.js';

type Dict = Record<string, Tensor>;

/** Counts GPU buffers created and destroyed while a test runs, to prove a refused compile allocated nothing. */
const counts = { created: 0, destroyed: 0 };
let restore: (() => void) | undefined;
beforeAll(async () => {
  const { acquireWebGpu } = await import('../../runtime/webgpu/adapter.js');
  const { device } = await acquireWebGpu();
  const proto = Object.getPrototypeOf(device) as { createBuffer: GPUDevice['createBuffer'] };
  const bproto = (globalThis as unknown as { GPUBuffer: { prototype: { destroy: () => void } } }).GPUBuffer.prototype;
  const create = proto.createBuffer, destroy = bproto.destroy;
  proto.createBuffer = function (this: GPUDevice, d: GPUBufferDescriptor) { counts.created++; return create.call(this, d); };
  bproto.destroy = function (this: GPUBuffer) { counts.destroyed++; return destroy.call(this); };
  restore = () => { proto.createBuffer = create; bproto.destroy = destroy; };
});
afterAll(() => restore?.());

function mlp(M: number, hidden: number) {
  manualSeed(9);
  const models = Array.from({ length: M }, () => new nn.Sequential(new nn.Linear(8, hidden), new nn.ReLU(), new nn.Linear(hidden, 2)).eval());
  const { params, buffers } = stackModuleState(models);
  const f = (p: Dict, b: Dict, x: Tensor): Tensor => functionalCall(models[0]!, [p, b], [x]);
  return { f, params, buffers, x: Tensor.randn([16, 8]) };
}

/** Compiling fails with the error before any GPU buffer exists; the same ensemble with chunkSize compiles and matches the reference. */
async function refusedThenChunked(e: ReturnType<typeof mlp>, limits: Record<string, number>, chunk: VmapOptions, ...patterns: RegExp[]): Promise<void> {
  const before = { ...counts };
  await expectError(() => compile(vmap(e.f, [0, 0, null]), { target: 'webgpu', example: [e.params, e.buffers, e.x], internal: { limits } }), BackendError, ...patterns);
  expect(counts).toEqual(before);
  const chunked = vmap(e.f, [0, 0, null], 0, chunk);
  const c = await compile(chunked, { target: 'webgpu', example: [e.params, e.buffers, e.x], internal: { limits } });
  try {
    expectClose(await c.run(e.params, e.buffers, e.x), vmap(e.f, [0, 0, null])(e.params, e.buffers, e.x), 1e-4, 1e-5);
  } finally {
    c.destroy();
  }
  expect(counts.created - before.created).toBe(counts.destroyed - before.destroyed);
}

describe('ensembles too large for the device', () => {
  it('E50 a stacked parameter larger than maxStorageBufferBindingSize', async () => {
    // fc1.weight is [4, 512, 8] = 64 KiB; a binding of 48 KiB holds one member's slice and its hidden layer.
    await refusedThenChunked(mlp(4, 512), { maxStorageBufferBindingSize: 48 * 1024 }, { chunkSize: 1 }, /input '0\.0\.weight' f32\[4,512,8\] needs 64\.0 KiB, more than the device's maxStorageBufferBindingSize of 48\.0 KiB/, /vmap\(\.\.\., \{ chunkSize \}\)/);
  });
  it('E51 an intermediate (a hidden layer of every member) larger than a binding', async () => {
    // The hidden activations are [8, 16, 512] = 256 KiB; each parameter fits in 160 KiB.
    await refusedThenChunked(mlp(8, 512), { maxStorageBufferBindingSize: 160 * 1024 }, { chunkSize: 2 }, /the result of a \w+ kernel f32\[8,16,512\] needs 256\.0 KiB/, /chunkSize/);
  });
  it('E52 more members than workgroups on a dispatch dimension', async () => {
    await refusedThenChunked(mlp(17, 4), { maxComputeWorkgroupsPerDimension: 8 }, { chunkSize: 8 }, /exceeds 8 workgroups|more than 8\^2/);
  });
});
