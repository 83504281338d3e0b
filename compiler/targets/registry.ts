// The target registry: every compile target by name, and `auto`'s search with a record of why each target was skipped.

import { BackendError } from '../../ir/errors.js';
import type { Graph } from '../../ir/node.js';
import { AUTO_ORDER, slotName } from '../../runtime/auto-order.js';
import type { Target } from '../../runtime/plan.js';
import { cpu } from './cpu.js';
import { cpuClang } from './cpu-clang.js';
import { cuda } from './cuda.js';
import { reference } from './reference.js';
import type { AotTarget, FuzzRole, Prepared, TargetDefinition, TargetOptions } from './target.js';
import { webgpu } from './webgpu.js';

export type { DeviceLimits, Prepared, TargetOptions } from './target.js';
export type { Target };

/** Every target, by name; a new target is one file in this folder and one line here. */
export const TARGETS = { webgpu, cuda, cpu, reference, 'cpu-clang': cpuClang } satisfies Record<string, TargetDefinition>;

/** A target's name. */
/** The name of a target that runs code: 'webgpu', 'cuda', 'cpu', 'reference' (and any registered later). */
export type TargetName = keyof typeof TARGETS;

/** What `compile({ target })` accepts. */
export type CompileTarget = TargetName | 'auto';

/** The slots `auto` tries, by name (`webgpu:native`), then the reference interpreter as the last resort. */
export const AUTO_ORDER_NAMES: readonly string[] = [...AUTO_ORDER.map(slotName), 'reference'];

/** The targets packages can be built for, with how each builds its plan without a device. */
export const AOT_TARGETS = Object.fromEntries(
  Object.values(TARGETS as Record<string, TargetDefinition>).flatMap((d) => (d.aot ? [[d.name, d.aot]] : [])),
) as { readonly [T in Target]: AotTarget };

/** The names of the targets packages can be built for. */
export function aotTargetNames(): Target[] {
  return Object.keys(AOT_TARGETS) as Target[];
}

/** The fuzzer's backends: every target with how it is compared (run, or compile-check), in registry order. */
export function fuzzRoles(): { readonly target: TargetName; readonly role: FuzzRole; readonly dryRun: boolean }[] {
  return (Object.keys(TARGETS) as TargetName[]).map((target) => {
    const d: TargetDefinition = TARGETS[target];
    return { target, role: d.fuzz, dryRun: !!d.dryRun };
  });
}

/** Why `auto` chose its target: each slot it tried, in order, with the reason it was skipped. */
export interface TargetReport {
  /** What the caller asked for. */
  readonly requested: CompileTarget;
  /** The target that runs the function. */
  readonly chosen: TargetName;
  /** Each slot auto tried, in order. */
  readonly tried: readonly {
    /** The target (and adapter kind), e.g. `webgpu:native`. */
    readonly slot: string;
    /** Whether it started. */
    readonly ok: boolean;
    /** Why it was skipped. */
    readonly reason?: string;
  }[];
}

/** A report in words: one line per slot tried. */
export function formatTargetReport(r: TargetReport): string {
  if (r.requested !== 'auto') return `target ${r.chosen} (asked for by name)`;
  const lines = r.tried.map((t) => `  ${t.ok ? 'chose  ' : 'skipped'} ${t.slot}${t.reason ? `: ${t.reason}` : ''}`);
  return [`target ${r.chosen}, chosen by auto:`, ...lines].join('\n');
}

let warnedReference = false;

/** Builds the plan and starts the runtime of a target; `auto` tries AUTO_ORDER and records why it skipped each. */
export async function prepareTarget(target: CompileTarget, graph: Graph, options: TargetOptions): Promise<Prepared & { target: TargetName; report: TargetReport }> {
  if (target !== 'auto') {
    const driver = (TARGETS as Record<string, TargetDefinition>)[target];
    if (!driver) throw new BackendError(`unknown target '${String(target)}' (expected one of ${[...Object.keys(TARGETS), 'auto'].join(', ')})`);
    const prepared = await driver.prepare(graph, options);
    return { ...prepared, target, report: { requested: target, chosen: target, tried: [{ slot: target, ok: true }] } };
  }
  const tried: { slot: string; ok: boolean; reason?: string }[] = [];
  const userWebGpu = !!(options.webgpu?.device || (options.webgpu?.backend && options.webgpu.backend !== 'auto'));
  for (const slot of AUTO_ORDER) {
    const name = slotName(slot);
    // An adapter the user chose is tried once, at the native slot's place.
    if (slot.adapter === 'opengl' && userWebGpu) continue;
    const opts = slot.adapter && !userWebGpu ? { ...options, webgpu: { ...options.webgpu, backend: slot.adapter } } : options;
    try {
      const prepared = await TARGETS[slot.target].prepare(graph, opts);
      tried.push({ slot: name, ok: true });
      return { ...prepared, target: slot.target, report: { requested: 'auto', chosen: slot.target, tried } };
    } catch (e) {
      tried.push({ slot: name, ok: false, reason: (e as Error).message.split('\n')[0] });
    }
  }
  const report: TargetReport = { requested: 'auto', chosen: 'reference', tried: [...tried, { slot: 'reference', ok: true }] };
  if (!warnedReference) {
    warnedReference = true;
    console.warn(`vmapc: no device target could run here; auto falls back to the reference interpreter (slow).\n${formatTargetReport(report)}`);
  }
  return { ...(await reference.prepare(graph, options)), target: 'reference', report };
}
