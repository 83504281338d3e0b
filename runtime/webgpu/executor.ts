// Runs an execution plan on a WebGPU device: arenas uploaded once, cached pipelines, one pass per run.

import { allocArray, type TypedArray } from '../../ir/dtype.js';
import { BackendError } from '../../ir/errors.js';
import type { Executor, RunOptions } from '../device.js';
import { faultError } from '../faults.js';
import { quoteSource } from '../quote-source.js';
import type { ExecutionPlan, PlanKernel } from '../plan.js';
import type { WebGpuContext } from './adapter.js';

const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

const pipelineCache = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();


async function compileKernel(ctx: WebGpuContext, k: PlanKernel): Promise<GPUComputePipeline> {
  let perDevice = pipelineCache.get(ctx.device);
  if (!perDevice) pipelineCache.set(ctx.device, (perDevice = new Map()));
  const cached = perDevice.get(k.source);
  if (cached) return cached;
  const device = ctx.device;
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ code: k.source, label: k.name });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  const scoped = await device.popErrorScope();
  if (errors.length || scoped) {
    const m = errors[0];
    const where = m ? `line ${m.lineNum}: ${m.message}\n${quoteSource(k.source, m.lineNum)}` : scoped!.message;
    throw new BackendError(`WGSL for kernel ${k.name} (${k.label}) does not compile: ${where}`);
  }
  device.pushErrorScope('validation');
  let pipeline: GPUComputePipeline;
  try {
    pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: k.entry }, label: k.name });
  } catch (e) {
    await device.popErrorScope();
    throw new BackendError(`kernel ${k.name} (${k.label}): pipeline creation failed: ${(e as Error).message}`);
  }
  const err = await device.popErrorScope();
  if (err) throw new BackendError(`kernel ${k.name} (${k.label}): pipeline validation failed: ${err.message}`);
  perDevice.set(k.source, pipeline);
  return pipeline;
}

export class WebGpuExecutor implements Executor {
  readonly target = 'webgpu' as const;
  private destroyed = false;
  private lostReason: string | undefined;

  private constructor(
    private readonly ctx: WebGpuContext,
    private readonly plan: ExecutionPlan,
    private readonly arenas: GPUBuffer[],
    private readonly seedBuffer: GPUBuffer,
    private readonly pipelines: GPUComputePipeline[],
    private readonly bindGroups: GPUBindGroup[],
  ) {
    void ctx.device.lost.then((info) => {
      this.lostReason = `${info.reason}: ${info.message}`;
    });
  }

  get description(): string {
    return this.ctx.description;
  }

  static async create(ctx: WebGpuContext, plan: ExecutionPlan): Promise<WebGpuExecutor> {
    const device = ctx.device;
    const maxBinding = ctx.limits.maxStorageBufferBindingSize;
    device.pushErrorScope('out-of-memory');
    const arenas = plan.arenas.map((a) => {
      const size = Math.max(16, Math.ceil((a.words * 4) / 16) * 16);
      if (size > maxBinding) throw new BackendError(`arena ${a.name} is ${size} bytes, over maxStorageBufferBindingSize (${maxBinding}); compile with chunkSize`);
      return device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC, label: a.name });
    });
    const seedBuffer = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label: 'seed' });
    const oom = await device.popErrorScope();
    if (oom) {
      arenas.forEach((b) => b.destroy());
      seedBuffer.destroy();
      throw new BackendError(`out of device memory allocating ${plan.arenas.map((a) => `${a.name} ${(a.words * 4 / 2 ** 20).toFixed(1)} MiB`).join(', ')}: ${oom.message}`);
    }
    for (const c of plan.constants) device.queue.writeBuffer(arenas[c.ref.arena]!, c.ref.offset * 4, c.data as unknown as ArrayBuffer & ArrayBufferView);
    // Settle every compile before cleaning up, so no pipeline creation is left running on a failed plan.
    const settled = await Promise.allSettled(plan.kernels.map((k) => compileKernel(ctx, k)));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      arenas.forEach((b) => b.destroy());
      seedBuffer.destroy();
      throw failed.reason;
    }
    const pipelines = settled.map((s) => (s as PromiseFulfilledResult<GPUComputePipeline>).value);
    const bindGroups = plan.kernels.map((k, i) => {
      const entries: GPUBindGroupEntry[] = k.bindings.map((b, j) => ({ binding: j, resource: { buffer: arenas[b.arena]! } }));
      if (k.usesSeed) entries.push({ binding: k.bindings.length, resource: { buffer: seedBuffer } });
      return device.createBindGroup({ layout: pipelines[i]!.getBindGroupLayout(0), entries, label: k.name });
    });
    return new WebGpuExecutor(ctx, plan, arenas, seedBuffer, pipelines, bindGroups);
  }

  private check(): void {
    if (this.destroyed) throw new BackendError('this compiled ensemble was destroyed');
    if (this.lostReason) throw new BackendError(`the WebGPU device was lost (${this.lostReason}); compile again to get a new device`);
  }

  write(index: number, data: TypedArray): void {
    this.check();
    const t = this.plan.inputs[index]!;
    const queue = this.ctx.device.queue;
    if (!t.pieces) {
      queue.writeBuffer(this.arenas[t.ref.arena]!, t.ref.offset * 4, data as unknown as ArrayBuffer & ArrayBufferView);
      return;
    }
    for (const p of t.pieces) queue.writeBuffer(this.arenas[p.ref.arena]!, p.ref.offset * 4, data.subarray(p.start, p.end) as unknown as ArrayBuffer & ArrayBufferView);
  }

  async run(seed: number): Promise<TypedArray[]> {
    return (await this.execute(seed, {})) as TypedArray[];
  }

  async runWith(seed: number, options: RunOptions): Promise<(TypedArray | undefined)[]> {
    return this.execute(seed, options);
  }

  async readInput(index: number): Promise<TypedArray> {
    this.check();
    const t = this.plan.inputs[index]!;
    const parts = t.pieces ?? [{ ref: t.ref, start: 0, end: numel(t.shape) }];
    const data = await this.readRegions(parts.map((p) => ({ arena: p.ref.arena, offset: p.ref.offset, words: p.end - p.start, dtype: t.dtype })), this.ctx.device.createCommandEncoder());
    const out = allocArray(t.dtype, numel(t.shape));
    parts.forEach((p, i) => (out as Float32Array).set(data[i] as Float32Array, p.start));
    return out;
  }

  private async execute(seed: number, options: RunOptions): Promise<(TypedArray | undefined)[]> {
    this.check();
    const device = this.ctx.device;
    // Everything up to submit happens synchronously, so overlapping runs are ordered by the queue.
    device.queue.writeBuffer(this.seedBuffer, 0, new Uint32Array([seed >>> 0, 0, 0, 0]));
    device.pushErrorScope('validation');
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    for (const step of this.plan.steps) {
      const k = this.plan.kernels[step.kernel]!;
      pass.setPipeline(this.pipelines[step.kernel]!);
      pass.setBindGroup(0, this.bindGroups[step.kernel]!);
      pass.dispatchWorkgroups(k.dispatch[0], k.dispatch[1], k.dispatch[2]);
    }
    pass.end();
    // State that stays on the device: new values overwrite their inputs after every kernel has run.
    for (const [o, i] of options.feedback ?? []) {
      const out = this.plan.outputs[o]!, inp = this.plan.inputs[i]!;
      const bytes = numel(out.shape) * 4;
      if (bytes > 0) encoder.copyBufferToBuffer(this.arenas[out.ref.arena]!, out.ref.offset * 4, this.arenas[inp.ref.arena]!, inp.ref.offset * 4, bytes);
    }
    const wanted = options.read ?? this.plan.outputs.map((_, i) => i);
    const regions = wanted.map((i) => {
      const o = this.plan.outputs[i]!;
      return { arena: o.ref.arena, offset: o.ref.offset, words: numel(o.shape), dtype: o.dtype };
    });
    // The index checks' words come back with the outputs.
    const faults = this.plan.faults;
    if (faults) regions.push({ arena: faults.arena, offset: 0, words: 2 * faults.sites.length, dtype: 'i32' });
    const invalid = device.popErrorScope();
    const data = await this.readRegions(regions, encoder);
    const err = await invalid;
    if (err) throw new BackendError(`a dispatch failed validation: ${err.message}`);
    if (faults) {
      const error = faultError(this.plan, data.pop() as Int32Array);
      if (error) {
        device.queue.writeBuffer(this.arenas[faults.arena]!, 0, new Int32Array(2 * faults.sites.length));
        throw error;
      }
    }
    const out: (TypedArray | undefined)[] = this.plan.outputs.map(() => undefined);
    wanted.forEach((i, k) => (out[i] = data[k]));
    return out;
  }

  /** Copies regions to one readback buffer at the end of `encoder`, submits it, and maps the results. */
  private async readRegions(regions: { arena: number; offset: number; words: number; dtype: 'f32' | 'i32' }[], encoder: GPUCommandEncoder): Promise<TypedArray[]> {
    const device = this.ctx.device;
    const offsets: number[] = [];
    let total = 0;
    for (const r of regions) {
      offsets.push(total);
      total += r.words * 4;
    }
    const readback = device.createBuffer({ size: Math.max(16, Math.ceil(total / 16) * 16), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: 'readback' });
    regions.forEach((r, i) => {
      if (r.words > 0) encoder.copyBufferToBuffer(this.arenas[r.arena]!, r.offset * 4, readback, offsets[i]!, r.words * 4);
    });
    device.queue.submit([encoder.finish()]);
    try {
      await readback.mapAsync(GPUMapMode.READ);
    } catch (e) {
      readback.destroy();
      this.check();
      throw new BackendError(`reading results back failed: ${(e as Error).message}`);
    }
    const mapped = readback.getMappedRange();
    const results = regions.map((r, i) => {
      const arr = allocArray(r.dtype, r.words);
      new Uint8Array(arr.buffer).set(new Uint8Array(mapped, offsets[i]!, r.words * 4));
      return arr;
    });
    readback.unmap();
    readback.destroy();
    return results;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.arenas.forEach((b) => b.destroy());
    this.seedBuffer.destroy();
  }
}
