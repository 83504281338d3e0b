// buildPackage: members, trace, passes, codegen per target, weights, and an atomic write of the package folder.

import * as path from 'node:path';
import { BackendError } from '../../ir/errors.js';
import { topoSort, type Graph } from '../../ir/node.js';
import type { Target } from '../../runtime/plan.js';
import type { Manifest } from '../../runtime/package/manifest.js';
import { buildPlan, GRAPH_PASSES, optimizeGraph } from '../pipeline.js';
import { assemblePackage, type BuiltTarget } from './assemble.js';
import { bundleRuntime } from './bundle.js';
import { generateBrowserJs, generateIndexDts, generateIndexJs, generatePackageJson } from './loader-gen.js';
import { makeMembers, type MemberSource, type ModuleClass } from './members.js';
import { AOT_TARGETS, aotTargetNames } from '../targets/registry.js';
import type { AotOverrides } from '../targets/target.js';
import { traceEnsemble, type InputDecl } from './trace-ensemble.js';
import { checkOutDir, writePackageFolder } from './write.js';

export type BuildStage = 'members' | 'trace' | 'passes' | 'codegen' | 'weights' | 'write';

export interface BuildProgress {
  readonly stage: BuildStage;
  readonly phase: 'start' | 'done';
  /** What the stage is doing (start) or did (done), in words. */
  readonly detail: string;
  /** Milliseconds the stage took (done only). */
  readonly ms?: number;
}

export interface BuildOptions {
  /** The model class and its name (the export's name). */
  readonly cls: ModuleClass;
  readonly module: string;
  /** The model file as the user named it; recorded in the manifest for people. */
  readonly source: string;
  /** Constructor arguments, the same for every member. */
  readonly args?: readonly unknown[];
  readonly members: number;
  readonly init: MemberSource;
  readonly inputs: readonly InputDecl[];
  readonly targets: readonly Target[];
  readonly out: string;
  /** Members per chunk (vmap's chunkSize), for ensembles whose stacked weights exceed one binding. */
  readonly chunkSize?: number;
  /** Check the IR after every pass. */
  readonly verify?: boolean;
  readonly onProgress?: (p: BuildProgress) => void;
  /** @internal Test hooks. */
  readonly internal?: AotOverrides;
}

export interface BuildResult {
  readonly out: string;
  readonly manifest: Manifest;
  /** Each file written, with its size in bytes. */
  readonly files: readonly { readonly path: string; readonly bytes: number }[];
}

const countNodes = (g: Graph): number => topoSort(g).length;

/** Builds an AOT package of an ensemble of `cls` into the folder `out` (replacing an earlier package there). */
export async function buildPackage(o: BuildOptions): Promise<BuildResult> {
  const unknown = o.targets.filter((t) => !(t in AOT_TARGETS));
  if (unknown.length) throw new BackendError(`this vmapc cannot build packages for ${unknown.join(', ')}; it builds for ${aotTargetNames().join(', ')}`);
  if (!o.targets.length) throw new BackendError('give at least one target to build for');
  checkOutDir(o.out);
  const report = o.onProgress ?? (() => {});
  const stage = async <T>(s: BuildStage, start: string, fn: () => T | Promise<T>, done: (r: T) => string): Promise<T> => {
    report({ stage: s, phase: 'start', detail: start });
    const t0 = performance.now();
    const r = await fn();
    report({ stage: s, phase: 'done', detail: done(r), ms: performance.now() - t0 });
    return r;
  };

  const members = await stage(
    'members',
    o.init.kind === 'seed' ? `initialising ${o.members} members of ${o.module} from seeds ${o.init.seed}..${o.init.seed + o.members - 1}` : `loading ${o.members} checkpoints into ${o.module}`,
    () => makeMembers(o.cls, o.module, o.members, o.init, o.args ?? []),
    (m) => `${Object.keys(m.params).length} parameters and ${Object.keys(m.buffers).length} buffers per member`,
  );
  const traced = await stage(
    'trace',
    `tracing vmap(functionalCall(${o.module})) over ${o.members} members`,
    () => traceEnsemble(members.model, members, o.inputs, o.members, `${o.module} ensemble`, o.chunkSize),
    (t) => `${t.graph.inputs.length} inputs, ${t.graph.outputs.length} output${t.graph.outputs.length === 1 ? '' : 's'}`,
  );
  const built: BuiltTarget[] = [];
  for (const target of o.targets) {
    const aot = AOT_TARGETS[target];
    const spec = await aot.spec(o.internal);
    await stage(
      'passes',
      `${target}: ${GRAPH_PASSES.map((p) => p.name).join(', ')}`,
      () => optimizeGraph(traced.graph, { target, maxArenaWords: spec.limits.maxArenaWords }, { verify: o.verify }),
      (g) => `${target}: ${countNodes(traced.graph)} nodes -> ${countNodes(g)}`,
    );
    const plan = await stage(
      'codegen',
      `${target}: fusing, planning memory, generating kernels`,
      () => buildPlan(traced.graph, spec, { verify: o.verify }).plan,
      (p) => `${target}: ${p.kernels.length} kernels, ${p.arenas.length} arenas`,
    );
    built.push({ target, plan, requires: aot.requires(plan) });
  }
  const contents = await stage(
    'weights',
    'stacking weights, hashing files',
    () => assemblePackage({ module: o.module, source: o.source, members: o.members }, members, traced, o.inputs, built),
    (c) => `${(c.manifest.weights.bytes / 2 ** 20).toFixed(2)} MiB of weights, sha256 ${c.manifest.weights.sha256.slice(0, 12)}…`,
  );
  const files = new Map<string, Uint8Array | string>(contents.files);
  const written = await stage(
    'write',
    `bundling the runtime, writing ${o.out}`,
    async () => {
      for (const [file, text] of await bundleRuntime()) files.set(file, text);
      files.set('index.js', generateIndexJs(contents.manifest));
      files.set('browser.js', generateBrowserJs(contents.manifest));
      files.set('index.d.ts', generateIndexDts(contents.manifest));
      files.set('package.json', generatePackageJson(contents.manifest, path.basename(path.resolve(o.out))));
      await writePackageFolder(o.out, files);
      return [...files].map(([p, d]) => ({ path: p, bytes: typeof d === 'string' ? new TextEncoder().encode(d).byteLength : d.byteLength }));
    },
    (f) => `${f.length} files, ${(f.reduce((n, x) => n + x.bytes, 0) / 2 ** 20).toFixed(2)} MiB`,
  );
  return { out: o.out, manifest: contents.manifest, files: written.sort((a, b) => a.path.localeCompare(b.path)) };
}
