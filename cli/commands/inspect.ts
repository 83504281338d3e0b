// vmapc inspect: a model file's exported modules with parameters and shapes (and what cannot be traced), or a package's manifest.

import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { analyzeModelFile, fmtProblem, problemsFor, type ModuleDecl, type Problem } from '../../compiler/frontend/analyze.js';
import { importModuleClass } from '../../compiler/frontend/import-model.js';
import { withInitSeed } from '../../compiler/nn/init.js';
import type { Module } from '../../compiler/nn/module.js';
import { autoSteps } from '../../runtime/package/executors.js';
import { TraceError } from '../../ir/errors.js';
import { describePlan, type ExecutionPlan, type Target } from '../../runtime/plan.js';
import { validateManifest } from '../../runtime/package/validate.js';
import type { CliIO } from '../main.js';
import { UsageError } from '../usage.js';
import { checkModelFile, fmtParams, parseArgs } from './build.js';

export interface InspectFlags {
  readonly module?: string;
  readonly args?: string;
}

const fmtCount = (n: number): string => n.toLocaleString('en-US');

function signature(m: ModuleDecl): string {
  return `new ${m.name}(${fmtParams(m.ctor)}); forward(${m.forward ? fmtParams(m.forward) : '?'})`;
}

async function listState(file: string, m: ModuleDecl, json: string | undefined, io: CliIO): Promise<void> {
  let args: unknown[];
  try {
    args = parseArgs(json, m);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stdout(`    (not constructed: ${e.message})\n`);
    return;
  }
  const cls = await importModuleClass(file, m.exportNames[0]!);
  const model = withInitSeed(0, () => new (cls as unknown as new (...a: unknown[]) => Module)(...args));
  const rows: [string, string, string][] = [
    ...model.namedParameters().map(([n, t]): [string, string, string] => [n, 'parameter', `${t.dtype}[${t.shape.join(', ')}]`]),
    ...model.namedBuffers().map(([n, t]): [string, string, string] => [n, 'buffer', `${t.dtype}[${t.shape.join(', ')}]`]),
  ];
  const w = Math.max(4, ...rows.map((r) => r[0].length));
  for (const [n, kind, type] of rows) io.stdout(`    ${n.padEnd(w)}  ${kind.padEnd(9)}  ${type}\n`);
  const values = model.parameters().reduce((s, p) => s + p.numel(), 0);
  io.stdout(`    ${fmtCount(values)} parameter values in ${model.parameters().length} tensors, ${model.buffers().length} buffers\n`);
}

async function inspectModelFile(file: string, flags: InspectFlags, io: CliIO): Promise<void> {
  checkModelFile(file);
  const info = analyzeModelFile(file);
  const mods = flags.module ? info.modules.filter((m) => m.exportNames.includes(flags.module!)) : info.modules;
  if (flags.module && !mods.length) throw new UsageError(`${file} exports no module named '${flags.module}'; it exports ${info.modules.flatMap((m) => m.exportNames).join(', ') || 'none'}`);
  io.stdout(`${file}: ${info.modules.length} exported module${info.modules.length === 1 ? '' : 's'}${info.unexported.length ? `, ${info.unexported.length} not exported (${info.unexported.map((m) => m.name).join(', ')})` : ''}\n`);
  // With --module, only what that module uses; without, every construct in the file.
  const problems: readonly Problem[] = flags.module ? mods.flatMap(problemsFor) : info.problems;
  for (const m of mods) {
    io.stdout(`\n  ${m.exportNames.join(', ')}${m.exportNames.includes(m.name) ? '' : ` (class ${m.name})`}  ${m.file}:${m.line}\n    ${signature(m)}\n`);
    // The file is run (to construct the module) only when none of those problems is there.
    if (!problems.length) await listState(file, m, flags.args, io);
  }
  if (problems.length) {
    throw new TraceError(`${problems.length} construct${problems.length === 1 ? '' : 's'} vmapc cannot trace (the file was not run):\n${problems.map((p) => `  ${fmtProblem(p)}`).join('\n')}`);
  }
}

function inspectPackage(dir: string, io: CliIO): void {
  const manifestFile = path.join(dir, 'manifest.json');
  const m = validateManifest(JSON.parse(readFileSync(manifestFile, 'utf8')), manifestFile);
  const init = m.model.init.kind === 'seed' ? `seeds ${m.model.init.seeds.join(', ')}` : `checkpoints ${m.model.init.files.join(', ')}`;
  io.stdout(
    `${dir}: vmapc package format ${m.formatVersion}, built by vmapc ${m.compiler.version}\n` +
      `  model:   ${m.model.module} from ${m.model.source}, ${m.model.members} members (${init})\n` +
      `  inputs:  ${m.inputs.map((i) => `${i.name}: ${i.dtype}[${i.shape.join(',')}]${i.inDim === null ? ' shared' : ` member axis ${i.inDim}`}`).join(', ')}\n` +
      `  outputs: ${m.outputs.map((o) => `${o.name}: ${o.dtype}[${o.shape.join(',')}]`).join(', ')}\n` +
      `  weights: ${m.parameters.length} tensors, ${(m.weights.bytes / 2 ** 20).toFixed(2)} MiB, sha256 ${m.weights.sha256}\n`,
  );
  const built = Object.keys(m.targets) as Target[];
  io.stdout(`  auto:    tries ${autoSteps(built, {}).map((s) => s.slot).join(', then ')} (the first that starts here runs; vmapc bench shows why the others were skipped)\n`);
  for (const sec of Object.values(m.targets)) {
    // describePlan reads names, shapes and dispatch sizes only: the sources and constants stay in their files.
    const plan: ExecutionPlan = { ...sec.plan, kernels: sec.plan.kernels.map((k) => ({ ...k, source: '' })), constants: [] };
    io.stdout(`\n${describePlan(plan)}\n  needs: ${Object.entries(sec.requires).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
  }
}

export async function inspectCommand(target: string, flags: InspectFlags, io: CliIO): Promise<void> {
  if (existsSync(target) && statSync(target).isDirectory()) {
    if (!existsSync(path.join(target, 'manifest.json'))) throw new UsageError(`${target} is a folder without manifest.json; give a model file (.ts) or a package folder`);
    inspectPackage(target, io);
    return;
  }
  await inspectModelFile(target, flags, io);
}
