// Runs an execution plan with the CUDA driver: one NVRTC program per plan, arenas uploaded once, launches on the default stream.

import koffi from 'koffi';
import { allocArray, type TypedArray } from '../../ir/dtype.js';
import { BackendError } from '../../ir/errors.js';
import type { Executor, RunOptions } from '../device.js';
import { faultError } from '../faults.js';
import type { ExecutionPlan, PlanKernel, PlanTensor } from '../plan.js';
import { describeCuda, type CudaContext } from './context.js';
import { CU, CudaError, FUNC_ATTRIBUTE, type DevicePtr, type Handle } from './driver.js';
import { Nvrtc } from './nvrtc.js';

/** Loaded modules per context, by source: compiling the same plan again costs nothing. */
const moduleCache = new WeakMap<CudaContext, Map<string, Handle>>();

/** All of a plan's kernels as one translation unit (each kernel's helpers are guarded, so they concatenate). */
export function planSource(plan: ExecutionPlan): string {
  const names = new Set<string>();
  for (const k of plan.kernels) {
    if (names.has(k.entry)) throw new BackendError(`two kernels of the plan share the entry point ${k.entry}`);
    names.add(k.entry);
  }
  return plan.kernels.map((k) => k.source).join('\n');
}

/** Compiles and loads a plan's program: PTX first; a cubin when the driver is older than NVRTC's PTX. */
function loadPlanModule(ctx: CudaContext, plan: ExecutionPlan): Handle {
  const source = planSource(plan);
  let perCtx = moduleCache.get(ctx);
  if (!perCtx) moduleCache.set(ctx, (perCtx = new Map()));
  const cached = perCtx.get(source);
  if (cached) return cached;
  const nvrtc = Nvrtc.get();
  const what = `the plan's ${plan.kernels.length} kernels (${plan.kernels.map((k) => k.name).join(', ')})`;
  const ptx = nvrtc.compile(source, 'vmapc_plan', ctx.computeCapability, 'ptx');
  let module: Handle;
  try {
    module = ctx.driver.loadModule(ptx.image, what);
  } catch (e) {
    if (!(e instanceof CudaError) || e.code !== CU.UNSUPPORTED_PTX_VERSION) throw e;
    module = ctx.driver.loadModule(nvrtc.compile(source, 'vmapc_plan', ctx.computeCapability, 'cubin').image, what);
  }
  perCtx.set(source, module);
  return module;
}

interface Launch {
  readonly kernel: PlanKernel;
  readonly fn: Handle;
  /** Stable memory holding each argument's value (8 bytes a slot). */
  readonly values: unknown;
  /** kernelParams: the address of each value slot. */
  readonly params: BigUint64Array;
}

const syncEachLaunch = (): boolean => process.env['VMAPC_CUDA_SYNC'] === '1';

export class CudaExecutor implements Executor {
  readonly target = 'cuda' as const;
  private destroyed = false;

  private constructor(
    private readonly ctx: CudaContext,
    private readonly plan: ExecutionPlan,
    private readonly arenas: DevicePtr[],
    private readonly launches: Launch[],
    readonly compiler: string,
  ) {}

  get description(): string {
    return `${describeCuda(this.ctx)}, ${this.compiler}`;
  }

  static create(ctx: CudaContext, plan: ExecutionPlan): CudaExecutor {
    const { driver } = ctx;
    driver.setCurrent(ctx.context);
    const module = plan.kernels.length ? loadPlanModule(ctx, plan) : undefined;
    const arenas: DevicePtr[] = [];
    const launches: Launch[] = [];
    try {
      for (const a of plan.arenas) {
        const ptr = driver.alloc(Math.max(4, a.words * 4), `arena ${a.name}`);
        arenas.push(ptr);
        driver.fillWords(ptr, 0, Math.max(1, a.words));
      }
      for (const c of plan.constants) driver.upload(arenas[c.ref.arena]! + BigInt(c.ref.offset * 4), c.data, 'a constant');
      for (const k of plan.kernels) {
        const fn = driver.getFunction(module, k.entry);
        const threads = k.workgroupSize[0] * k.workgroupSize[1] * k.workgroupSize[2];
        const most = driver.functionAttribute(fn, FUNC_ATTRIBUTE.maxThreadsPerBlock);
        if (threads > most) {
          throw new BackendError(`kernel ${k.name} (${k.label}) needs ${threads} threads per block; with ${driver.functionAttribute(fn, FUNC_ATTRIBUTE.numRegs)} registers a thread this device allows ${most}`);
        }
        k.dispatch.forEach((n, i) => {
          if (n > ctx.maxGrid[i]!) throw new BackendError(`kernel ${k.name} (${k.label}) needs ${n} blocks on ${'xyz'[i]}, over this device's ${ctx.maxGrid[i]}`);
        });
        const slots = k.bindings.length + (k.usesSeed ? 1 : 0);
        const values = koffi.alloc('uint64_t', Math.max(1, slots));
        const base = koffi.address(values);
        k.bindings.forEach((b, i) => koffi.encode(values, i * 8, 'uint64_t', arenas[b.arena]!));
        const params = new BigUint64Array(Array.from({ length: slots }, (_, i) => base + BigInt(i * 8)));
        launches.push({ kernel: k, fn, values, params });
      }
    } catch (e) {
      for (const l of launches) koffi.free(l.values);
      for (const p of arenas) driver.free(p);
      throw e;
    }
    const nvrtc = Nvrtc.get();
    return new CudaExecutor(ctx, plan, arenas, launches, `NVRTC ${nvrtc.version().join('.')}`);
  }

  private check(): void {
    if (this.destroyed) throw new BackendError('this compiled ensemble was destroyed');
    this.ctx.driver.setCurrent(this.ctx.context);
  }

  private at(ref: { arena: number; offset: number }): bigint {
    return this.arenas[ref.arena]! + BigInt(ref.offset * 4);
  }

  /** Where a tensor's elements live: its ref, or its pieces (inputs that split-inputs cut). */
  private parts(t: PlanTensor): { ref: { arena: number; offset: number }; start: number; end: number }[] {
    return [...(t.pieces ?? [{ ref: t.ref, start: 0, end: t.shape.reduce((a, b) => a * b, 1) }])];
  }

  write(index: number, data: TypedArray): void {
    this.check();
    const t = this.plan.inputs[index];
    if (!t) throw new BackendError(`the plan has no input ${index}`);
    for (const p of this.parts(t)) this.ctx.driver.upload(this.at(p.ref), data.subarray(p.start, p.end), `input ${t.name}`);
  }

  private download(t: PlanTensor, what: string): TypedArray {
    const out = allocArray(t.dtype, t.shape.reduce((a, b) => a * b, 1));
    for (const p of this.parts(t)) this.ctx.driver.download(out.subarray(p.start, p.end), this.at(p.ref), `${what} ${t.name}`);
    return out;
  }

  /** Launches every step once, without reading anything back. */
  private launchAll(seed: number): void {
    const { driver } = this.ctx;
    for (const step of this.plan.steps) {
      const l = this.launches[step.kernel]!;
      const k = l.kernel;
      if (k.usesSeed) koffi.encode(l.values, k.bindings.length * 8, 'uint64_t', BigInt(seed >>> 0));
      driver.launch(l.fn, k.dispatch, k.workgroupSize, l.params, `${k.name} (${k.label})`);
      if (syncEachLaunch()) driver.synchronize(`kernel ${k.name} (${k.label})`);
    }
  }

  async run(seed: number): Promise<TypedArray[]> {
    return (await this.runWith(seed, {})) as TypedArray[];
  }

  async runWith(seed: number, options: RunOptions): Promise<(TypedArray | undefined)[]> {
    this.check();
    const { driver } = this.ctx;
    try {
      this.launchAll(seed);
      // Copies wait for the kernels (legacy default stream), so a kernel fault surfaces at the first one.
      const faults = this.plan.faults;
      if (faults) {
        const words = new Int32Array(2 * faults.sites.length);
        driver.download(words, this.arenas[faults.arena]!, 'the index checks');
        const error = faultError(this.plan, words);
        if (error) {
          driver.fillWords(this.arenas[faults.arena]!, 0, words.length);
          throw error;
        }
      }
      const wanted = new Set(options.read ?? this.plan.outputs.map((_, i) => i));
      const outs = this.plan.outputs.map((o, i) => (wanted.has(i) ? this.download(o, 'output') : undefined));
      // State stays on the device: new values overwrite their inputs after every kernel has run.
      for (const [o, i] of options.feedback ?? []) {
        const out = this.plan.outputs[o]!, inp = this.plan.inputs[i]!;
        if (inp.pieces) throw new BackendError(`cuda: input ${inp.name} is stored in pieces and cannot take feedback`);
        driver.copy(this.at(inp.ref), this.at(out.ref), out.shape.reduce((a, b) => a * b, 1) * 4, `output ${out.name} over input ${inp.name}`);
      }
      return outs;
    } catch (e) {
      if (e instanceof CudaError && !syncEachLaunch()) {
        throw new CudaError(`${e.message} while running the plan's ${this.plan.steps.length} kernels (set VMAPC_CUDA_SYNC=1 to find which one)`, e.code, e.codeName);
      }
      throw e;
    }
  }

  async readInput(index: number): Promise<TypedArray> {
    this.check();
    const t = this.plan.inputs[index];
    if (!t) throw new BackendError(`the plan has no input ${index}`);
    return this.download(t, 'input');
  }

  /** Milliseconds per run of all kernels (no transfers), the mean of `iterations` after `warmup` runs. */
  benchmark(seed: number, iterations: number, warmup = 3): number {
    this.check();
    for (let i = 0; i < warmup; i++) this.launchAll(seed);
    this.ctx.driver.synchronize();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) this.launchAll(seed);
    this.ctx.driver.synchronize();
    return Number(process.hrtime.bigint() - t0) / 1e6 / iterations;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.ctx.driver.setCurrent(this.ctx.context);
    for (const l of this.launches) koffi.free(l.values);
    for (const p of this.arenas) this.ctx.driver.free(p);
  }
}
