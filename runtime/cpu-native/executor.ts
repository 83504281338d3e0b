// Runs a plan's shared library through koffi: user arrays are read in place, scratch arenas live in host memory.

import koffi from 'koffi';
import { allocArray, type TypedArray } from '../../ir/dtype.js';
import { BackendError } from '../../ir/errors.js';
import { numelOf } from '../../ir/shape.js';
import { selectOutputs, type Executor, type RunOptions } from '../device.js';
import { faultError } from '../faults.js';
import type { ExecutionPlan, PlanTensor } from '../plan.js';
import { buildPlanLibrary } from './library.js';
import type { Toolchain } from './toolchain.js';

type Arena = Float32Array | Int32Array;

interface Loaded {
  readonly run: (seed: number, ...arenas: (Arena | null)[]) => void;
  readonly setThreads: (n: number) => number;
}

const loaded = new Map<string, Loaded>();
/** OpenMP's thread count before vmapc set any (OMP_NUM_THREADS, else every core): runs without a `threads` option use it. */
let defaultThreads: number | undefined;

/**
 * OpenMP threads that spin while idle steal the cores from the thread with work when the machine is
 * shared (2x-20x slower runs were measured); unless the user chose a policy, idle threads sleep.
 */
export function preferPassiveOpenMp(): void {
  if (process.env['OMP_WAIT_POLICY'] === undefined && process.env['GOMP_SPINCOUNT'] === undefined) process.env['OMP_WAIT_POLICY'] = 'passive';
}

function load(path: string, arenas: number): Loaded {
  const key = `${path}#${arenas}`;
  const known = loaded.get(key);
  if (known) return known;
  preferPassiveOpenMp();
  let lib: ReturnType<typeof koffi.load>;
  try {
    lib = koffi.load(path);
  } catch (e) {
    throw new BackendError(`cpu: cannot load the compiled library ${path}: ${(e as Error).message}`);
  }
  const run = lib.func('vmapc_run', 'void', ['uint32_t', ...Array.from({ length: arenas }, () => 'float *')]) as Loaded['run'];
  const setThreads = lib.func('vmapc_set_threads', 'int32_t', ['int32_t']) as Loaded['setThreads'];
  defaultThreads ??= setThreads(0);
  const l = { run, setThreads };
  loaded.set(key, l);
  return l;
}

export class CpuNativeExecutor implements Executor {
  readonly target = 'cpu' as const;
  readonly description: string;
  private readonly arenas: (Arena | null)[];
  private destroyed = false;

  private constructor(private readonly plan: ExecutionPlan, private readonly lib: Loaded, tc: Toolchain, private readonly threads: number | undefined) {
    // Inputs held whole are the caller's arrays, read in place; split inputs are copied into their pieces' arenas.
    const inputArenas = new Set(plan.inputs.filter((t) => !t.pieces).map((t) => t.ref.arena));
    this.arenas = plan.arenas.map((a, i) => (inputArenas.has(i) ? null : new Float32Array(Math.max(a.words, 1))));
    for (const c of plan.constants) {
      const arena = this.arenas[c.ref.arena]!;
      new Uint8Array(arena.buffer, arena.byteOffset + c.ref.offset * 4, c.data.byteLength).set(new Uint8Array(c.data.buffer, c.data.byteOffset, c.data.byteLength));
    }
    const n = lib.setThreads(threads ?? defaultThreads ?? 0);
    this.description = `${tc.cpuModel}, ${n} thread${n === 1 ? '' : 's'} (${tc.openmp ? 'OpenMP' : 'pthreads'}), ${tc.isa}, ${tc.version}`;
  }

  static create(tc: Toolchain, plan: ExecutionPlan, threads?: number): CpuNativeExecutor {
    for (const t of plan.inputs) {
      if (t.pieces) continue;
      if (t.ref.offset !== 0 || plan.inputs.filter((u) => u.ref.arena === t.ref.arena).length !== 1) {
        throw new BackendError(`cpu: input ${t.name} does not have its own arena; the plan must be built with arenaPerInput`);
      }
    }
    const path = buildPlanLibrary(tc, plan);
    return new CpuNativeExecutor(plan, load(path, plan.arenas.length), tc, threads);
  }

  private check(): void {
    if (this.destroyed) throw new BackendError('this compiled ensemble was destroyed');
  }

  /** Keeps a reference to `data`: kernels read the caller's array in place, with no copy. */
  write(index: number, data: TypedArray): void {
    this.check();
    const t = this.plan.inputs[index];
    if (!t) throw new BackendError(`cpu: there is no input ${index}`);
    if (!(data instanceof Float32Array || data instanceof Int32Array)) throw new BackendError(`cpu: input ${t.name} must be f32 or i32 on the device`);
    if (data.length < numelOf(t.shape)) throw new BackendError(`cpu: input ${t.name} holds ${data.length} values, needs ${numelOf(t.shape)}`);
    if (!t.pieces) {
      this.arenas[t.ref.arena] = data;
      return;
    }
    for (const p of t.pieces) this.words(p.ref.arena, p.ref.offset, p.end - p.start, data.constructor as typeof Float32Array).set(data.subarray(p.start, p.end) as Float32Array);
    this.written.add(index);
  }

  private readonly written = new Set<number>();

  /** A typed view of `n` words of an arena at `offset`. */
  private words(arena: number, offset: number, n: number, as: typeof Float32Array | typeof Int32Array = Float32Array): Float32Array | Int32Array {
    const a = this.arenas[arena]!;
    return new as(a.buffer as ArrayBuffer, a.byteOffset + offset * 4, n);
  }

  /** A tensor's current value (copied), read from its arena or gathered from its pieces. */
  private read(t: PlanTensor): TypedArray {
    const n = numelOf(t.shape);
    const out = allocArray(t.dtype, n) as Float32Array | Int32Array;
    const as = t.dtype === 'i32' ? Int32Array : Float32Array;
    for (const p of t.pieces ?? [{ ref: t.ref, start: 0, end: n }]) out.set(this.words(p.ref.arena, p.ref.offset, p.end - p.start, as), p.start);
    return out;
  }

  run(seed: number): Promise<TypedArray[]> {
    return this.runWith(seed, {}) as Promise<TypedArray[]>;
  }

  async runWith(seed: number, options: RunOptions): Promise<(TypedArray | undefined)[]> {
    this.check();
    const missing = this.plan.inputs.filter((t, i) => (t.pieces ? !this.written.has(i) : !this.arenas[t.ref.arena])).map((t) => t.name);
    if (missing.length) throw new BackendError(`cpu: inputs never written: ${missing.join(', ')}`);
    // The count is process-wide in OpenMP: set this plan's before each run.
    this.lib.setThreads(this.threads ?? defaultThreads ?? 0);
    this.lib.run(seed >>> 0, ...this.arenas);
    const faults = this.plan.faults;
    if (faults) {
      const words = this.words(faults.arena, 0, 2 * faults.sites.length, Int32Array) as Int32Array;
      const error = faultError(this.plan, words);
      words.fill(0);
      if (error) throw error;
    }
    const outs = this.plan.outputs.map((o) => this.read(o));
    // State stays in host memory: the new values replace the inputs' arrays (the caller's arrays are never written).
    for (const [o, i] of options.feedback ?? []) this.write(i, outs[o]!.slice());
    return selectOutputs(outs, options.read);
  }

  async readInput(index: number): Promise<TypedArray> {
    this.check();
    const t = this.plan.inputs[index]!;
    if (t.pieces ? !this.written.has(index) : !this.arenas[t.ref.arena]) throw new BackendError(`cpu: input ${t.name} was never written`);
    return this.read(t);
  }

  destroy(): void {
    this.destroyed = true;
    this.arenas.fill(null);
  }
}
