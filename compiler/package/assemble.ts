// Turns built plans and stacked weights into the package's files: manifest.json, weights.safetensors, kernels/*.

import type { ExecutionPlan, Target } from '../../runtime/plan.js';
import { sha256Hex } from '../../runtime/package/hash.js';
import {
  KERNEL_EXTENSION,
  KERNELS_DIR,
  PACKAGE_FORMAT,
  PACKAGE_FORMAT_VERSION,
  WEIGHTS_FILE,
  constantTensorName,
  type Manifest,
  type ManifestParameter,
  type OutputTree,
  type StoredPlan,
  type TargetSection,
} from '../../runtime/package/manifest.js';
import { writeSafetensors, type RawTensor } from '../../runtime/safetensors.js';
import type { TreeDef } from '../func/pytree.js';
import type { Members } from './members.js';
import type { InputDecl, TracedEnsemble } from './trace-ensemble.js';
import { compilerVersion } from './version.js';

export interface BuiltTarget {
  readonly target: Target;
  readonly plan: ExecutionPlan;
  readonly requires: Record<string, number>;
}

export interface PackageContents {
  readonly manifest: Manifest;
  /** Every file but the loader (index.js, index.d.ts, runtime.js), by path relative to the package folder. */
  readonly files: Map<string, Uint8Array>;
}

export interface ModelInfo {
  readonly module: string;
  readonly source: string;
  readonly members: number;
}

function outputTree(def: TreeDef): OutputTree {
  let next = 0;
  const walk = (d: TreeDef): OutputTree => {
    switch (d.kind) {
      case 'leaf': return { kind: 'leaf', output: next++ };
      case 'array': return { kind: 'array', items: d.children.map(walk) };
      case 'record': return { kind: 'record', keys: d.keys, items: d.children.map(walk) };
      default: return d satisfies never;
    }
  };
  return walk(def);
}

/** Moves a plan's kernel sources to files and its constants to named weight tensors. */
async function storePlan(t: BuiltTarget, files: Map<string, Uint8Array>, tensors: [string, RawTensor][]): Promise<StoredPlan> {
  const { plan } = t;
  const kernels = await Promise.all(
    plan.kernels.map(async (k) => {
      const file = `${KERNELS_DIR}/${k.name}.${KERNEL_EXTENSION[t.target]}`;
      const bytes = new TextEncoder().encode(k.source);
      files.set(file, bytes);
      const { source: _source, ...rest } = k;
      return { ...rest, file, sha256: await sha256Hex(bytes) };
    }),
  );
  const constants = plan.constants.map((c, i) => {
    const tensor = constantTensorName(t.target, i);
    tensors.push([tensor, { dtype: c.dtype, shape: [c.data.length], data: c.data }]);
    return { ref: c.ref, dtype: c.dtype, tensor };
  });
  return { version: plan.version, target: t.target, arenas: plan.arenas, inputs: plan.inputs, constants, outputs: plan.outputs, kernels, steps: plan.steps, ...(plan.faults ? { faults: plan.faults } : {}) };
}

/** Indented JSON with arrays of numbers and strings kept on one line (shapes, offsets, dispatch sizes). */
export function manifestJson(m: Manifest): string {
  return JSON.stringify(m, null, 2).replace(/\[\s*\n\s*((?:-?[\d.e+-]+|"[^"\n]*")(?:,\s*\n\s*(?:-?[\d.e+-]+|"[^"\n]*"))*)\s*\n\s*\]/g, (_, inner: string) => `[${inner.split(/,\s*\n\s*/).join(', ')}]`);
}

/** The manifest and data files of a package. Kernel files of different targets differ by extension. */
export async function assemblePackage(model: ModelInfo, members: Members, traced: TracedEnsemble, inputs: readonly InputDecl[], built: readonly BuiltTarget[]): Promise<PackageContents> {
  const files = new Map<string, Uint8Array>();
  const tensors: [string, RawTensor][] = [];
  const state = [
    ...traced.paramNames.map((name) => ({ name, kind: 'parameter' as const, t: members.params[name]! })),
    ...traced.bufferNames.map((name) => ({ name, kind: 'buffer' as const, t: members.buffers[name]! })),
  ];
  for (const { name, t } of state) tensors.push([name, { dtype: t.dtype, shape: t.shape, data: t.data }]);
  const targets: Partial<Record<Target, TargetSection>> = {};
  for (const t of built) targets[t.target] = { requires: t.requires, plan: await storePlan(t, files, tensors) };

  const parameters: ManifestParameter[] = state.map(({ name, kind, t }, i) => {
    const placement: Partial<Record<Target, { input: number; arena: number; offset: number }>> = {};
    for (const b of built) {
      const input = b.plan.inputs[i]!;
      placement[b.target] = { input: i, arena: input.ref.arena, offset: input.ref.offset };
    }
    return { name, kind, shape: [...t.shape], dtype: t.dtype, inDim: 0, placement };
  });

  const weights = writeSafetensors(tensors, { format: PACKAGE_FORMAT, module: model.module, members: String(model.members) });
  files.set(WEIGHTS_FILE, weights);
  const graphOutputs = traced.graph.outputs;
  const manifest: Manifest = {
    format: PACKAGE_FORMAT,
    formatVersion: PACKAGE_FORMAT_VERSION,
    compiler: { name: 'vmapc', version: compilerVersion() },
    model: { module: model.module, source: model.source, members: model.members, init: members.init },
    inputs: inputs.map((i) => ({ name: i.name, shape: [...i.shape], dtype: i.dtype, inDim: i.inDim })),
    outputs: graphOutputs.map((o, i) => ({ name: traced.outputNames[i]!, shape: [...o.shape], dtype: o.dtype, outDim: 0 })),
    outputTree: outputTree(traced.outTree),
    parameters,
    weights: { file: WEIGHTS_FILE, bytes: weights.byteLength, sha256: await sha256Hex(weights) },
    targets,
  };
  files.set('manifest.json', new TextEncoder().encode(`${manifestJson(manifest)}\n`));
  return { manifest, files };
}
