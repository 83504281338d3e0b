// Loads a package with a table of runtimes: validates the manifest, the weights and the kernels, starts a target, uploads the weights.

import { allocArray, type DType, type TypedArray } from '../../ir/dtype.js';
import { BackendError, FormatError, ShapeError } from '../../ir/errors.js';
import { fmtShape, numelOf, shapesEqual } from '../../ir/shape.js';
import type { Executor } from '../device.js';
import { describePlan, type ExecutionPlan, type PlanConstant, type PlanKernel, type Target } from '../plan.js';
import { defaultGenerator } from '../rng.js';
import { readSafetensors, type RawTensor } from '../safetensors.js';
import { Session, type PendingWrite } from '../session.js';
import { autoSteps, type AutoStep, type PackageRuntimes, type RuntimeOptions } from './executors.js';
import { openPackage, readUrl, toUrl, type PackageFiles, type PackageSource } from './files.js';
import { sha256Hex } from './hash.js';
import type { Manifest, ManifestInput, ManifestOutput, OutputTree, TargetSection } from './manifest.js';
import { validateManifest } from './validate.js';

/** The weights' bytes (e.g. from a cache), or where to fetch them. */
export type WeightsSource = Uint8Array | ArrayBuffer | URL | string;

/** The options of `load()`: the target, where the files are, and each runtime's options. */
export interface LoadOptions extends RuntimeOptions {
  /** Which of the package's targets to run; 'auto' (default) tries them in compile()'s order (see autoSteps). */
  readonly target?: Target | 'auto';
  /** Read every file from this folder instead (a CDN, a static folder): a URL, or a path in Node. */
  readonly base?: URL | string;
  /** The weights' bytes (from a cache, IndexedDB, ...), or their URL; checked against the manifest's size and SHA-256 like the file. */
  readonly weights?: WeightsSource;
}

/** The options of `run()`. */
export interface PackageRunOptions {
  /** A fixed seed for random ops; by default each run draws a fresh one. */
  readonly seed?: number;
}

/** A value of `run`'s result: the outputs as typed arrays, in the structure forward returned. */
export type OutputValue = TypedArray | OutputValue[] | { [key: string]: OutputValue };

/** A package loaded on a target: what `load()` resolves to. */
export interface LoadedPackage {
  readonly manifest: Manifest;
  /** The target that runs it. */
  readonly target: Target;
  /** The device in words. */
  readonly device: string;
  /** Why this target: each target `auto` tried, in order, and the reason it skipped it. */
  readonly targetReport: readonly { readonly slot: string; readonly ok: boolean; readonly reason?: string }[];
  readonly inputs: readonly ManifestInput[];
  readonly outputs: readonly ManifestOutput[];
  /** Runs every member on the inputs (all of them, by name) and returns the outputs in forward's structure. */
  run(inputs: Readonly<Record<string, TypedArray>>, options?: PackageRunOptions): Promise<OutputValue>;
  /** The plan in words: arenas, inputs, outputs and one line per dispatch. */
  describe(): string;
  destroy(): void;
}

async function must(files: PackageFiles, file: string, why: string): Promise<Uint8Array> {
  const bytes = await files(file);
  if (!bytes) throw new FormatError(`the package has no ${file} (${why}); copy the whole package folder, or build it again`);
  return bytes;
}

/** The weights the caller gave (bytes, or a URL), or the package's weights file. */
async function weightBytes(files: PackageFiles, m: Manifest, given: WeightsSource | undefined): Promise<Uint8Array> {
  if (given === undefined) return must(files, m.weights.file, 'the stacked parameters and buffers');
  if (given instanceof Uint8Array) return given;
  if (given instanceof ArrayBuffer) return new Uint8Array(given);
  if (ArrayBuffer.isView(given)) return new Uint8Array(given.buffer, given.byteOffset, given.byteLength);
  if (!(given instanceof URL) && typeof given !== 'string') throw new FormatError(`load({ weights }) takes the weights' bytes (a Uint8Array or ArrayBuffer) or their URL, got ${given === null ? 'null' : typeof given}`);
  const url = await toUrl(given);
  const bytes = await readUrl(url);
  if (!bytes) throw new FormatError(`load({ weights }): nothing at ${url.href} (404); give the URL of this package's ${m.weights.file}`);
  return bytes;
}

/** Reads the weights and checks their size, their hash and every tensor the manifest names. */
async function readWeights(files: PackageFiles, m: Manifest, given: WeightsSource | undefined): Promise<Map<string, RawTensor>> {
  const w = m.weights;
  const bytes = await weightBytes(files, m, given);
  if (bytes.byteLength !== w.bytes) {
    throw new FormatError(`${w.file} is ${bytes.byteLength} bytes but the manifest says ${w.bytes} (${bytes.byteLength < w.bytes ? 'truncated' : 'longer than built'}); copy it again or rebuild the package`);
  }
  const hash = await sha256Hex(bytes);
  if (hash !== w.sha256) throw new FormatError(`${w.file} has SHA-256 ${hash} but the manifest records ${w.sha256}: the file was changed or replaced after the build`);
  const { tensors } = readSafetensors(bytes, w.file);
  for (const p of m.parameters) {
    const t = tensors.get(p.name);
    if (!t) throw new FormatError(`${w.file} has no tensor ${p.name} (${p.kind} ${p.dtype}${fmtShape(p.shape)} in the manifest)`);
    if (t.dtype !== p.dtype || !shapesEqual(t.shape, p.shape)) throw new FormatError(`${w.file}: ${p.name} is ${t.dtype}${fmtShape(t.shape)} but the manifest says ${p.dtype}${fmtShape(p.shape)}`);
  }
  return tensors;
}

/** Rebuilds a target's ExecutionPlan: kernel sources from their files (hash-checked), constants from the weights. */
async function restorePlan(files: PackageFiles, m: Manifest, target: Target, weights: Map<string, RawTensor>): Promise<ExecutionPlan> {
  const section: TargetSection = m.targets[target]!;
  const stored = section.plan;
  const kernels: PlanKernel[] = await Promise.all(
    stored.kernels.map(async (k) => {
      const bytes = await must(files, k.file, `the source of kernel ${k.name}`);
      const hash = await sha256Hex(bytes);
      if (hash !== k.sha256) throw new FormatError(`${k.file} has SHA-256 ${hash} but the manifest records ${k.sha256} for kernel ${k.name}: the file was changed after the build`);
      const { file: _file, sha256: _sha, ...rest } = k;
      return { ...rest, source: new TextDecoder().decode(bytes) };
    }),
  );
  const constants: PlanConstant[] = stored.constants.map((c) => {
    const t = weights.get(c.tensor);
    if (!t) throw new FormatError(`${m.weights.file} has no tensor ${c.tensor} (a constant of the ${target} plan)`);
    if (t.dtype !== c.dtype) throw new FormatError(`constant ${c.tensor} is ${t.dtype} in the weights but ${c.dtype} in the ${target} plan`);
    return { ref: c.ref, dtype: c.dtype, data: t.data };
  });
  return { version: stored.version, target, arenas: stored.arenas, inputs: stored.inputs, outputs: stored.outputs, steps: stored.steps, kernels, constants, ...(stored.faults ? { faults: stored.faults } : {}) };
}

function buildTree(tree: OutputTree, outs: readonly TypedArray[]): OutputValue {
  switch (tree.kind) {
    case 'leaf': return outs[tree.output]!;
    case 'array': return tree.items.map((t) => buildTree(t, outs));
    case 'record': return Object.fromEntries(tree.keys.map((k, i) => [k, buildTree(tree.items[i]!, outs)]));
    default: return tree satisfies never;
  }
}

const fmtInput = (i: { name: string; dtype: DType; shape: readonly number[] }): string => `${i.name}: ${i.dtype}${fmtShape(i.shape)}`;

/**
 * Loads the package at `source` (its folder, or a URL per file; `options.base` overrides it) with these
 * runtimes. Every file is checked before any device work: the manifest's format and version and fields,
 * the weights' size and SHA-256 and tensors, and each kernel file's SHA-256. Then the first target that
 * starts runs it, and the weights are uploaded.
 */
export async function loadPackageWith(runtimes: PackageRuntimes, source: PackageSource, options: LoadOptions = {}): Promise<LoadedPackage> {
  const { read: files, folder } = await openPackage(options.base ?? source);
  const raw = await files('manifest.json');
  if (!raw) throw new FormatError(`${folder.href} has no manifest.json: it is not a vmapc package folder (build one with vmapc build)`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch (e) {
    throw new FormatError(`manifest.json is not valid JSON (${(e as Error).message}); the file is corrupt, rebuild the package`);
  }
  const manifest = validateManifest(json);
  const weights = await readWeights(files, manifest, options.weights);

  const asked = options.target ?? 'auto';
  const built = Object.keys(manifest.targets) as Target[];
  if (asked !== 'auto' && !built.includes(asked)) throw new BackendError(`this package was built for ${built.join(', ')}, not ${asked}; build it with --target ${[...built, asked].join(',')}`);
  const steps: AutoStep[] = asked === 'auto' ? autoSteps(built, options) : [{ target: asked, slot: asked }];
  const plans = new Map<Target, ExecutionPlan>();
  const failures: string[] = [];
  const report: { slot: string; ok: boolean; reason?: string }[] = [];
  for (const step of steps) {
    const runtime = runtimes[step.target];
    const why = runtime.unavailable();
    if (why) {
      if (asked !== 'auto') throw new BackendError(`cannot run this package on ${asked}: ${why}`);
      failures.push(`${step.target}: ${why}`);
      report.push({ slot: step.slot, ok: false, reason: why });
      continue;
    }
    // Files are checked before any device work; a bad file is an error, never a reason to try the next target.
    let plan = plans.get(step.target);
    if (!plan) plans.set(step.target, (plan = await restorePlan(files, manifest, step.target, weights)));
    let executor: Executor;
    try {
      const stepOptions = step.webgpu ? { ...options, webgpu: step.webgpu } : options;
      executor = await runtime.start(plan, { base: folder, requires: manifest.targets[step.target]!.requires }, stepOptions);
    } catch (e) {
      if (!(e instanceof BackendError) || asked !== 'auto') throw e;
      failures.push(`${step.target}${step.webgpu?.backend ? ` (${step.webgpu.backend})` : ''}: ${e.message}`);
      report.push({ slot: step.slot, ok: false, reason: e.message.split('\n')[0] });
      continue;
    }
    report.push({ slot: step.slot, ok: true });
    return start(manifest, step.target, plan, executor, weights, report);
  }
  throw new BackendError(`no target of this package (${built.join(', ')}) could start here:\n  ${failures.join('\n  ')}`);
}

function start(manifest: Manifest, target: Target, plan: ExecutionPlan, executor: Executor, weights: Map<string, RawTensor>, targetReport: LoadedPackage['targetReport']): LoadedPackage {
  const session = new Session(
    executor,
    plan.inputs.map((t) => ({ name: t.name, shape: t.shape, dtype: t.userDType })),
    plan.inputs.map((t) => t.dtype),
    plan.outputs.map((t) => ({ name: t.name, shape: t.shape, dtype: t.userDType })),
  );
  try {
    session.commit(manifest.parameters.map((p) => session.prepare(p.placement[target]!.input, weights.get(p.name)!.data, p.shape)));
  } catch (e) {
    session.destroy();
    throw e;
  }
  const inputIndex = new Map(manifest.inputs.map((i) => [i.name, plan.inputs.findIndex((t) => t.name === i.name)]));

  return {
    manifest,
    target,
    device: executor.description,
    targetReport,
    inputs: manifest.inputs,
    outputs: manifest.outputs,
    async run(inputs, runOptions = {}) {
      if (inputs === null || typeof inputs !== 'object') throw new ShapeError(`run() takes an object of inputs { ${manifest.inputs.map(fmtInput).join(', ')} }, got ${inputs === null ? 'null' : typeof inputs}`);
      const unknown = Object.keys(inputs).filter((k) => !inputIndex.has(k));
      if (unknown.length) throw new ShapeError(`run(): unknown input ${unknown.join(', ')}; this package takes ${manifest.inputs.map(fmtInput).join(', ')}`);
      const pending: PendingWrite[] = [];
      for (const spec of manifest.inputs) {
        const data = inputs[spec.name];
        if (data === undefined) throw new ShapeError(`run(): missing input ${fmtInput(spec)} (a ${ARRAY_OF[spec.dtype]} of ${numelOf(spec.shape)} values)`);
        if (!ArrayBuffer.isView(data) || data instanceof DataView) throw new ShapeError(`run(): input ${spec.name} must be a ${ARRAY_OF[spec.dtype]} of ${numelOf(spec.shape)} values, got ${Array.isArray(data) ? 'a plain array' : typeof data}`);
        if (data.constructor !== allocArray(spec.dtype, 0).constructor) throw new ShapeError(`run(): input ${spec.name} must be a ${ARRAY_OF[spec.dtype]}, got a ${data.constructor.name}`);
        if (data.length !== numelOf(spec.shape)) throw new ShapeError(`run(): input ${spec.name} holds ${data.length} values but ${spec.dtype}${fmtShape(spec.shape)} needs ${numelOf(spec.shape)}`);
        pending.push(session.prepare(inputIndex.get(spec.name)!, data, spec.shape));
      }
      session.commit(pending);
      const seed = runOptions.seed ?? defaultGenerator.nextSeed();
      const outs = await session.run(seed);
      return buildTree(manifest.outputTree, outs);
    },
    describe: () => describePlan(plan),
    destroy: () => session.destroy(),
  };
}

const ARRAY_OF: { readonly [D in DType]: string } = { f32: 'Float32Array', f64: 'Float64Array', i32: 'Int32Array', i64: 'BigInt64Array' };

