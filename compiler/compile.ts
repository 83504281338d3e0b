// compile(): trace a function of tensors once, build its plan for a target, and run it many times.

import type { DType, TypedArray } from '../ir/dtype.js';
import { BackendError, ShapeError } from '../ir/errors.js';
import type { Graph } from '../ir/node.js';
import { fmtType } from '../ir/print.js';
import { describePlan, type ExecutionPlan } from '../runtime/plan.js';
import { defaultGenerator } from '../runtime/rng.js';
import { Session, type PendingWrite } from '../runtime/session.js';
import type { CudaOptions } from '../runtime/cuda/context.js';
import type { WebGpuOptions } from '../runtime/webgpu/adapter.js';
import { flatten, unflatten, fmtTreeDef, type TreeDef } from './func/pytree.js';
import { prepareTarget, type CompileTarget, type DeviceLimits, type TargetReport } from './targets/registry.js';
import type { CpuOptions } from '../runtime/cpu-native/toolchain.js';
import { Tensor } from './trace/tensor.js';
import { traceFunction } from './trace/trace-fn.js';

export type { CompileTarget, TargetReport };

/** Options of compile(): the target, example arguments, and per-target settings. */
export interface CompileOptions<A extends unknown[]> {
  /**
   * Where to run: 'webgpu', 'cuda', 'cpu', 'reference' (the interpreter), or 'auto' (the default), which
   * tries CUDA, a native GPU through WebGPU, the C backend, then WebGPU on Mesa.
   */
  readonly target?: CompileTarget;
  /** Example arguments: their tensors' shapes and dtypes fix the compiled signature. */
  readonly example: A;
  /** A fixed seed for random ops (dropout); by default each run draws a fresh one. */
  readonly seed?: number;
  /** Options of the `webgpu` target (which adapter in Node, or a device to use). */
  readonly webgpu?: WebGpuOptions;
  /** Options of the `cuda` target (device ordinal, exact FP32 or TF32 tensor-core matmuls). */
  readonly cuda?: CudaOptions;
  /** Options of the `cpu` target (C compiler, flags, cache directory, threads, tile search). */
  readonly cpu?: CpuOptions;
  /** Check the IR after every pass (slower; tests use it). */
  readonly verify?: boolean;
  /** @internal Test hooks: rewrite a kernel's source before the device compiles it. */
  readonly internal?: { readonly patchSource?: (kernel: string, source: string) => string; readonly limits?: Partial<DeviceLimits> };
}

/** One generated kernel: its name, source and launch size. */
export interface KernelInfo {
  /** The kernel's name in the plan (`k0_matmul`). */
  readonly name: string;
  /** What it computes, e.g. `matmul(matmul+add+relu) -> f32[8,32,128]`. */
  readonly label: string;
  /** The source the device compiles (WGSL, CUDA C or C). */
  readonly source: string;
  /** Threads per workgroup (block). */
  readonly workgroupSize: readonly [number, number, number];
  /** Workgroups (blocks) per launch. */
  readonly dispatch: readonly [number, number, number];
}

/** Arguments of `run`: the function's arguments, where any top-level argument may be left undefined to reuse the last upload. */
export type RunArgs<A extends unknown[]> = { [K in keyof A]: A[K] | undefined };

/** A compiled function: call `run` with arguments like the example's (undefined reuses the last upload). */
export interface CompiledFunction<A extends unknown[], R> {
  /** The target that runs it (never 'auto': the one auto picked). */
  readonly target: Exclude<CompileTarget, 'auto'>;
  /** The device that runs the kernels. */
  readonly device: string;
  /** Why this target: with `auto`, each target tried and why it was skipped (`formatTargetReport` prints it). */
  readonly targetReport: TargetReport;
  /** The traced graph (before optimisation). */
  readonly graph: Graph;
  /** The execution plan; `String(ens.plan)` prints it. */
  readonly plan: ExecutionPlan;
  /** The generated kernels with their dispatch sizes. */
  readonly kernels: readonly KernelInfo[];
  /** Uploads the leading arguments (e.g. params and buffers) once; later runs may pass undefined for them. */
  setParams(...args: Partial<A>): Promise<void>;
  /**
   * Runs the kernels and reads the outputs back, as tensors in the function's output structure. Arguments
   * are checked before any is written.
   */
  run(...args: RunArgs<A>): Promise<R>;
  /** Frees the device memory and kernels; later calls throw a BackendError. */
  destroy(): void;
}

export interface LeafSlot {
  readonly arg: number;
  readonly path: string;
  readonly index: number;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** What compile() and compileTrainStep() share: the traced function, its session, and argument writing. */
export interface CompiledCore<A extends unknown[]> {
  readonly target: Exclude<CompileTarget, 'auto'>;
  readonly targetReport: TargetReport;
  readonly graph: Graph;
  readonly outTree: TreeDef;
  readonly argDefs: readonly TreeDef[];
  readonly slots: readonly LeafSlot[];
  readonly session: Session;
  readonly plan: ExecutionPlan;
  readonly kernels: readonly KernelInfo[];
  /** Validates all given arguments (undefined ones are skipped), then writes them. */
  writeArgs(args: readonly unknown[]): void;
  /** Wraps device outputs as tensors and rebuilds the output pytree. */
  outputs(outs: readonly TypedArray[]): unknown;
  /** A fresh seed per run unless the options fixed one. */
  nextSeed(): number;
  readonly example: A;
}

/**
 * Traces `fn` on the example arguments, optimises and fuses the graph, generates kernels for the target
 * and returns something to run: the compiled function. Shapes and dtypes are fixed by the example;
 * non-tensor arguments are baked in.
 */
export async function compile<A extends unknown[], R>(fn: (...args: A) => R, options: CompileOptions<A>): Promise<CompiledFunction<A, R>> {
  const core = await compileCore(fn, options);
  const { session, example } = core;
  return {
    target: core.target,
    device: session.executor.description,
    targetReport: core.targetReport,
    graph: core.graph,
    plan: core.plan,
    kernels: core.kernels,
    async setParams(...args: Partial<A>) {
      core.writeArgs(args);
    },
    async run(...args: RunArgs<A>) {
      if (args.length > example.length) throw new ShapeError(`run: got ${args.length} arguments, the function was compiled with ${example.length}`);
      core.writeArgs(args);
      return core.outputs(await session.run(core.nextSeed())) as R;
    },
    destroy() {
      session.destroy();
    },
  };
}

export async function compileCore<A extends unknown[]>(fn: (...args: A) => unknown, options: CompileOptions<A>): Promise<CompiledCore<A>> {
  const target = options.target ?? 'webgpu';
  const example = options.example;
  const argDefs: TreeDef[] = [];
  const slots: LeafSlot[] = [];
  const statics = new Map<string, unknown>();
  example.forEach((arg, ai) => {
    const flat = flatten(arg, String(ai));
    argDefs.push(flat.def);
    flat.leaves.forEach((leaf, li) => {
      if (leaf instanceof Tensor) slots.push({ arg: ai, path: flat.paths[li]!, index: li, shape: leaf.shape, dtype: leaf.dtype });
      else statics.set(flat.paths[li]!, leaf);
    });
  });
  const name = (fn as { name?: string }).name || 'fn';
  const traced = traceFunction(`compile(${name})`, slots.map((s) => ({ name: s.path, shape: s.shape, dtype: s.dtype })), (tensors) => {
    const args = example.map((arg, ai) => {
      const flat = flatten(arg, String(ai));
      const leaves = flat.leaves.map((leaf, li) => {
        const k = slots.findIndex((s) => s.arg === ai && s.index === li);
        return k >= 0 ? tensors[k] : leaf;
      });
      return unflatten(flat.def, leaves);
    }) as A;
    return fn(...args);
  });
  if (traced.captures.length) {
    throw new BackendError(`compile(${name}): the function uses tensors traced by an enclosing transform; compile the outermost function instead`);
  }
  const graph = traced.graph;

  const prepared = await prepareTarget(target, graph, { webgpu: options.webgpu, cuda: options.cuda, cpu: options.cpu, verify: options.verify, patchSource: options.internal?.patchSource, limits: options.internal?.limits });
  const { executor, plan } = prepared;
  const deviceDTypes = prepared.target === 'reference' ? slots.map((s) => s.dtype) : plan.inputs.map((i) => i.dtype);
  const session = new Session(
    executor,
    slots.map((s) => ({ name: s.path, shape: s.shape, dtype: s.dtype })),
    deviceDTypes,
    graph.outputs.map((o, i) => ({ name: `output${i}`, shape: o.shape, dtype: o.dtype })),
  );

  /** Validates every given argument before writing any, so a bad call leaves the uploaded state as it was. */
  const writeArgs = (args: readonly unknown[]): void => {
    const pending: PendingWrite[] = [];
    args.forEach((arg, ai) => {
      if (arg === undefined) return;
      const flat = flatten(arg, String(ai));
      const expected = argDefs[ai];
      if (!expected || fmtTreeDef(flat.def) !== fmtTreeDef(expected)) {
        throw new ShapeError(`argument ${ai} has structure ${fmtTreeDef(flat.def)} but the function was compiled for ${expected ? fmtTreeDef(expected) : 'no such argument'}`);
      }
      flat.leaves.forEach((leaf, li) => {
        const k = slots.findIndex((s) => s.arg === ai && s.index === li);
        const path = flat.paths[li]!;
        if (k < 0) {
          if (leaf !== statics.get(path)) throw new ShapeError(`argument ${path} was ${String(statics.get(path))} when compiled and is ${String(leaf)} now; non-tensor arguments are baked into the kernels, so compile again`);
          return;
        }
        const slot = slots[k]!;
        if (!(leaf instanceof Tensor)) throw new ShapeError(`argument ${path} must be a Tensor ${fmtType(slot.dtype, slot.shape)}, got ${leaf === null ? 'null' : typeof leaf}`);
        if (leaf.isTraced) throw new ShapeError(`argument ${path} is a traced tensor; compiled functions run on concrete tensors`);
        pending.push(session.prepare(k, leaf.data, leaf.shape));
      });
    });
    session.commit(pending);
  };

  const kernels: KernelInfo[] = plan.kernels.map((k) => ({ name: k.name, label: k.label, source: k.source, workgroupSize: k.workgroupSize, dispatch: k.dispatch }));
  const printablePlan = Object.assign(Object.create({ toString(this: ExecutionPlan) { return describePlan(this); } }) as object, plan) as ExecutionPlan;
  return {
    target: prepared.target,
    targetReport: prepared.report,
    graph,
    outTree: traced.outTree,
    argDefs,
    slots,
    session,
    plan: printablePlan,
    kernels,
    writeArgs,
    outputs: (outs) => unflatten(traced.outTree, outs.map((data, i) => (data ? Tensor._concrete(data, graph.outputs[i]!.shape, graph.outputs[i]!.dtype) : undefined))),
    nextSeed: () => options.seed ?? defaultGenerator.nextSeed(),
    example,
  };
}
