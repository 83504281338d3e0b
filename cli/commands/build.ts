// vmapc build: check the model file, pick the module, parse inputs and weights, then build the package with progress.

import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { ModelFileInfo, ModuleDecl, ParamDecl } from '../../compiler/frontend/analyze.js';
import type { MemberSource } from '../../compiler/package/members.js';
import { aotTargetNames } from '../../compiler/targets/registry.js';
import type { InputDecl } from '../../compiler/package/trace-ensemble.js';
import { TraceError } from '../../ir/errors.js';
import type { Target } from '../../runtime/plan.js';
import { expandGlob } from '../glob.js';
import { fmtInputSpec, inputSpecHelp, parseInputSpec, toInputDecl, type InputSpec } from '../input-spec.js';
import type { CliIO } from '../main.js';
import { progressDisplay } from '../progress.js';
import { UsageError } from '../usage.js';

export interface BuildFlags {
  readonly module?: string;
  readonly members?: number;
  readonly input: readonly string[];
  readonly weights?: string;
  readonly seed: number;
  readonly target: string;
  readonly out?: string;
  readonly args?: string;
  readonly chunkSize?: number;
  readonly verify?: boolean;
  readonly quiet?: boolean;
}

/** Parameters as declared: `x: Tensor, scale?: Tensor`. */
export function fmtParams(ps: readonly ParamDecl[]): string {
  return ps.map((p) => `${p.rest ? '...' : ''}${p.name}${p.optional ? '?' : ''}: ${p.type}`).join(', ');
}

export function checkModelFile(file: string): void {
  if (!existsSync(file)) throw new UsageError(`${file} does not exist; give the TypeScript file that exports your model (e.g. examples/mlp.ts)`);
  if (!statSync(file).isFile()) throw new UsageError(`${file} is a folder; give the TypeScript file that exports your model`);
  if (!/\.(m|c)?tsx?$|\.(m|c)?js$/.test(file)) throw new UsageError(`${file} is not a TypeScript or JavaScript file; give the .ts file that exports your model`);
}

/** The module to build: --module, or the only exported one. */
export function chooseModule(info: ModelFileInfo, wanted: string | undefined): ModuleDecl {
  const names = info.modules.flatMap((m) => m.exportNames);
  if (!info.modules.length) {
    const hidden = info.unexported.length ? ` (it defines ${info.unexported.map((m) => `${m.name} at ${m.file}:${m.line}`).join(', ')} without exporting it)` : '';
    throw new UsageError(`${info.file} exports no nn.Module subclass${hidden}; a model file must export its model: export class MyModel extends nn.Module { ... }`);
  }
  if (wanted === undefined) {
    if (info.modules.length > 1) throw new UsageError(`${info.file} exports ${info.modules.length} modules (${names.join(', ')}); choose one with --module ${names[0]}`);
    return info.modules[0]!;
  }
  const found = info.modules.find((m) => m.exportNames.includes(wanted));
  if (found) return found;
  const hidden = info.unexported.find((m) => m.name === wanted);
  if (hidden) throw new UsageError(`${wanted} (${hidden.file}:${hidden.line}) is not exported; write export class ${wanted} ..., or choose --module ${names.join(' or --module ')}`);
  throw new UsageError(`${info.file} exports no module named '${wanted}'; it exports ${names.join(', ')} (write --module ${names[0]})`);
}

/** Matches --input specs to forward's parameters, in forward's order. */
export function matchInputs(mod: ModuleDecl, specs: readonly InputSpec[]): InputSpec[] {
  const fwd = mod.forward;
  const signature = fwd ? `${mod.name}.forward(${fmtParams(fwd)})` : `${mod.name}.forward`;
  if (!fwd) throw new UsageError(`${mod.name} has no forward method; define forward(x: Tensor): Tensor`);
  const dup = specs.find((s, i) => specs.findIndex((t) => t.name === s.name) !== i);
  if (dup) throw new UsageError(`--input ${dup.name} is given twice; give each input of ${signature} once`);
  if (fwd.some((p) => p.rest)) {
    if (!specs.length) throw new UsageError(`${signature} takes any number of inputs; give each with --input: ${inputSpecHelp()}`);
    return [...specs];
  }
  const missing = fwd.filter((p) => !p.optional && !specs.some((s) => s.name === p.name));
  // An input under the wrong name is named first: it is the likelier mistake than a missing one.
  const extra = specs.filter((s) => !fwd.some((p) => p.name === s.name));
  if (extra.length) {
    const guess = extra.length === 1 && missing.length === 1 ? `; did you mean --input ${fmtInputSpec({ ...extra[0]!, name: missing[0]!.name })}?` : '';
    throw new UsageError(`${signature} has no parameter ${extra.map((s) => s.name).join(', ')} (--input ${extra.map(fmtInputSpec).join(', ')}); name the inputs after forward's parameters: ${fwd.map((p) => p.name).join(', ')}${guess}`);
  }
  if (missing.length) {
    throw new UsageError(`${signature} needs ${missing.map((p) => `--input ${p.name}=DTYPE[...]`).join(' and ')}: ${inputSpecHelp(missing[0]!.name)}`);
  }
  const ordered: InputSpec[] = [];
  for (const p of fwd) {
    const s = specs.find((x) => x.name === p.name);
    if (s) ordered.push(s);
    else if (ordered.length < specs.length) throw new UsageError(`${signature}: --input ${p.name} is left out but a later parameter is given; give ${p.name} too`);
  }
  return ordered;
}

export function parseArgs(json: string | undefined, mod: ModuleDecl): unknown[] {
  const required = mod.ctor.filter((p) => !p.optional && !p.rest);
  if (json === undefined) {
    if (required.length) throw new UsageError(`new ${mod.name}(${fmtParams(mod.ctor)}) needs arguments; give them as a JSON array: --args '[${required.map(() => '...').join(', ')}]'`);
    return [];
  }
  let args: unknown;
  try {
    args = JSON.parse(json);
  } catch (e) {
    throw new UsageError(`--args ${json} is not JSON (${(e as Error).message}); write a JSON array, e.g. --args '[784, 10]'`);
  }
  if (!Array.isArray(args)) throw new UsageError(`--args must be a JSON array of constructor arguments, e.g. --args '[784, 10]'`);
  if (args.length < required.length) throw new UsageError(`new ${mod.name}(...) takes ${required.length} required arguments (${required.map((p) => p.name).join(', ')}) but --args gives ${args.length}`);
  return args;
}

function parseTargets(list: string): Target[] {
  const known = aotTargetNames();
  const targets = list.split(',').map((t) => t.trim()).filter(Boolean);
  if (!targets.length) throw new UsageError(`--target is empty; write --target ${known.join(',')}`);
  for (const t of targets) {
    if (!(known as string[]).includes(t)) throw new UsageError(`--target ${t}: this vmapc builds packages for ${known.join(', ')}; write --target ${known.join(',')}`);
  }
  if (new Set(targets).size !== targets.length) throw new UsageError(`--target ${list} names a target twice`);
  return targets as Target[];
}

function membersAndWeights(flags: BuildFlags): { members: number; init: MemberSource } {
  if (flags.weights === undefined) {
    if (flags.members === undefined) throw new UsageError("give the ensemble size with --members N (members are initialised from --seed), or one checkpoint per member with --weights 'ckpt/member*.safetensors'");
    return { members: flags.members, init: { kind: 'seed', seed: flags.seed } };
  }
  const files = expandGlob(flags.weights);
  if (!files.length) throw new UsageError(`--weights '${flags.weights}' matches no files; give one checkpoint per member, e.g. --weights 'ckpt/member*.safetensors' (quoted, so vmapc expands it)`);
  const members = flags.members ?? files.length;
  if (files.length !== members) throw new UsageError(`--members ${members} but --weights '${flags.weights}' matches ${files.length} files (${files.map((f) => path.basename(f)).join(', ')}); give one checkpoint per member`);
  return { members, init: { kind: 'checkpoints', files } };
}

export async function buildCommand(file: string, flags: BuildFlags, io: CliIO): Promise<void> {
  checkModelFile(file);
  const specs = flags.input.map(parseInputSpec);
  const targets = parseTargets(flags.target);
  const { members, init } = membersAndWeights(flags);
  const progress = flags.quiet ? undefined : progressDisplay({ write: io.stderr, isTTY: io.isTTY });
  const t0 = performance.now();
  if (!flags.quiet) io.stderr(`vmapc build ${file}\n`);
  // The TypeScript compiler and vmapc's compiler load only once the flags are known to be good.
  const [{ analyzeModelFile, fmtProblem, problemsFor }, { importModuleClass }, { buildPackage }] = await Promise.all([
    import('../../compiler/frontend/analyze.js'),
    import('../../compiler/frontend/import-model.js'),
    import('../../compiler/package/build-package.js'),
  ]);
  const info = analyzeModelFile(file);
  if (!flags.quiet) io.stderr(`  ✓ check   ${info.files.length} file${info.files.length === 1 ? '' : 's'} read, ${info.modules.length} exported module${info.modules.length === 1 ? '' : 's'}  (${(performance.now() - t0).toFixed(0)} ms)\n`);
  const mod = chooseModule(info, flags.module);
  // Only what this module uses counts: another class of the file that cannot be traced does not block it.
  const problems = problemsFor(mod);
  if (problems.length) {
    throw new TraceError(`${mod.name} (${file}) uses what vmapc cannot trace (nothing was run):\n${problems.map((p) => `  ${fmtProblem(p)}`).join('\n')}`);
  }
  const inputs: InputDecl[] = matchInputs(mod, specs).map((s) => toInputDecl(s, members));
  const args = parseArgs(flags.args, mod);
  const name = flags.module ?? mod.exportNames[0]!;
  const out = flags.out ?? path.join('dist', `${name.toLowerCase()}${members}`);
  const cls = await importModuleClass(file, name);
  const result = await buildPackage({ cls, module: name, source: file, args, members, init, inputs, targets, out, chunkSize: flags.chunkSize, verify: flags.verify, onProgress: progress });
  const m = result.manifest;
  const kernels = targets.map((t) => `${t} (${m.targets[t]!.plan.kernels.length} kernels)`).join(', ');
  const total = result.files.reduce((n, f) => n + f.bytes, 0);
  io.stdout(
    `built ${out}: ${name} x ${members} for ${kernels}, ${(total / 2 ** 20).toFixed(2)} MiB in ${((performance.now() - t0) / 1000).toFixed(1)} s\n` +
      `  inputs:  ${m.inputs.map((i) => `${i.name}: ${i.dtype}[${i.shape.join(',')}]${i.inDim === null ? '' : ` (member axis ${i.inDim})`}`).join(', ')}\n` +
      `  outputs: ${m.outputs.map((o) => `${o.name}: ${o.dtype}[${o.shape.join(',')}]`).join(', ')}\n` +
      `  use it:  import { load } from '${path.isAbsolute(out) ? '' : './'}${out.split(path.sep).join('/')}/index.js'; const ens = await load(); const y = await ens.run({ ${m.inputs.map((i) => i.name).join(', ')} });\n`,
  );
}
