// Checks a parsed manifest.json field by field; every problem is a FormatError naming the field and what it should be.

import { DTYPES, type DType } from '../../ir/dtype.js';
import { FormatError } from '../../ir/errors.js';
import { PLAN_VERSION, type Target } from '../plan.js';
import {
  PACKAGE_FORMAT,
  PACKAGE_FORMAT_VERSION,
  type Manifest,
  type ManifestParameter,
  type OutputTree,
  type StoredPlan,
} from './manifest.js';

const TARGET_NAMES: readonly Target[] = ['webgpu', 'cuda', 'cpu'];

class Checker {
  constructor(private readonly what: string) {}

  fail(path: string, expected: string, got: unknown): never {
    const shown = got === undefined ? 'nothing' : JSON.stringify(got)?.slice(0, 80) ?? String(got);
    throw new FormatError(`${this.what}: ${path} must be ${expected}, got ${shown}`);
  }

  obj(v: unknown, path: string): Record<string, unknown> {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(path, 'an object', v);
    return v as Record<string, unknown>;
  }

  arr(v: unknown, path: string): unknown[] {
    if (!Array.isArray(v)) this.fail(path, 'an array', v);
    return v as unknown[];
  }

  str(v: unknown, path: string): string {
    if (typeof v !== 'string') this.fail(path, 'a string', v);
    return v as string;
  }

  bool(v: unknown, path: string): boolean {
    if (typeof v !== 'boolean') this.fail(path, 'true or false', v);
    return v as boolean;
  }

  int(v: unknown, path: string, min = 0): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.fail(path, `an integer >= ${min}`, v);
    return v as number;
  }

  shape(v: unknown, path: string): number[] {
    return this.arr(v, path).map((d, i) => this.int(d, `${path}[${i}]`));
  }

  dtype(v: unknown, path: string): DType {
    if (typeof v !== 'string' || !(DTYPES as readonly string[]).includes(v)) this.fail(path, `one of ${DTYPES.join(', ')}`, v);
    return v as DType;
  }

  deviceDType(v: unknown, path: string): 'f32' | 'i32' {
    if (v !== 'f32' && v !== 'i32') this.fail(path, 'f32 or i32', v);
    return v as 'f32' | 'i32';
  }

  oneOf<T extends string>(v: unknown, path: string, options: readonly T[]): T {
    if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) this.fail(path, `one of ${options.join(', ')}`, v);
    return v as T;
  }

  triple(v: unknown, path: string): [number, number, number] {
    const a = this.arr(v, path);
    if (a.length !== 3) this.fail(path, 'three integers', v);
    return a.map((x, i) => this.int(x, `${path}[${i}]`, 1)) as [number, number, number];
  }

  hex(v: unknown, path: string): string {
    if (typeof v !== 'string' || !/^[0-9a-f]{64}$/.test(v)) this.fail(path, 'a SHA-256 in 64 lowercase hex digits', v);
    return v as string;
  }

  /** A relative path inside the package: no `..`, no leading `/`, no scheme. */
  file(v: unknown, path: string): string {
    const s = this.str(v, path);
    if (!s || s.startsWith('/') || s.includes('\\') || s.includes(':') || s.split('/').some((p) => p === '..' || p === '' || p === '.')) this.fail(path, 'a relative path inside the package', v);
    return s;
  }
}

function checkTree(c: Checker, v: unknown, path: string, outputs: number, seen: Set<number>): void {
  const t = c.obj(v, path);
  const kind = c.oneOf(t['kind'], `${path}.kind`, ['leaf', 'array', 'record'] as const);
  if (kind === 'leaf') {
    const o = c.int(t['output'], `${path}.output`);
    if (o >= outputs) c.fail(`${path}.output`, `an output index below ${outputs}`, o);
    seen.add(o);
    return;
  }
  const items = c.arr(t['items'], `${path}.items`);
  if (kind === 'record') {
    const keys = c.arr(t['keys'], `${path}.keys`).map((k, i) => c.str(k, `${path}.keys[${i}]`));
    if (keys.length !== items.length) c.fail(`${path}.keys`, `${items.length} keys (one per item)`, keys);
  }
  items.forEach((it, i) => checkTree(c, it, `${path}.items[${i}]`, outputs, seen));
}

function checkPlan(c: Checker, v: unknown, path: string, target: Target): void {
  const p = c.obj(v, path);
  const version = c.int(p['version'], `${path}.version`);
  if (version !== PLAN_VERSION) throw new FormatError(`${path}.version is ${version}; this runtime runs plan version ${PLAN_VERSION}`);
  if (p['target'] !== target) c.fail(`${path}.target`, `'${target}' (the section it is in)`, p['target']);
  const arenas = c.arr(p['arenas'], `${path}.arenas`);
  arenas.forEach((a, i) => {
    const o = c.obj(a, `${path}.arenas[${i}]`);
    c.str(o['name'], `${path}.arenas[${i}].name`);
    c.int(o['words'], `${path}.arenas[${i}].words`);
    c.oneOf(o['role'], `${path}.arenas[${i}].role`, ['inputs', 'scratch', 'faults'] as const);
  });
  const ref = (r: unknown, at: string): void => {
    const o = c.obj(r, at);
    if (c.int(o['arena'], `${at}.arena`) >= arenas.length) c.fail(`${at}.arena`, `an arena index below ${arenas.length}`, o['arena']);
    c.int(o['offset'], `${at}.offset`);
  };
  for (const key of ['inputs', 'outputs'] as const) {
    c.arr(p[key], `${path}.${key}`).forEach((t, i) => {
      const at = `${path}.${key}[${i}]`;
      const o = c.obj(t, at);
      c.str(o['name'], `${at}.name`);
      c.shape(o['shape'], `${at}.shape`);
      c.deviceDType(o['dtype'], `${at}.dtype`);
      c.dtype(o['userDType'], `${at}.userDType`);
      ref(o['ref'], `${at}.ref`);
      if (o['pieces'] !== undefined) {
        c.arr(o['pieces'], `${at}.pieces`).forEach((piece, j) => {
          const po = c.obj(piece, `${at}.pieces[${j}]`);
          ref(po['ref'], `${at}.pieces[${j}].ref`);
          const start = c.int(po['start'], `${at}.pieces[${j}].start`);
          if (c.int(po['end'], `${at}.pieces[${j}].end`) < start) c.fail(`${at}.pieces[${j}].end`, `at least start (${start})`, po['end']);
        });
      }
    });
  }
  c.arr(p['constants'], `${path}.constants`).forEach((k, i) => {
    const at = `${path}.constants[${i}]`;
    const o = c.obj(k, at);
    ref(o['ref'], `${at}.ref`);
    c.deviceDType(o['dtype'], `${at}.dtype`);
    c.str(o['tensor'], `${at}.tensor`);
  });
  const kernels = c.arr(p['kernels'], `${path}.kernels`);
  kernels.forEach((k, i) => {
    const at = `${path}.kernels[${i}]`;
    const o = c.obj(k, at);
    for (const f of ['name', 'label', 'entry'] as const) c.str(o[f], `${at}.${f}`);
    c.file(o['file'], `${at}.file`);
    c.hex(o['sha256'], `${at}.sha256`);
    c.triple(o['workgroupSize'], `${at}.workgroupSize`);
    c.arr(o['dispatch'], `${at}.dispatch`).forEach((d, j) => c.int(d, `${at}.dispatch[${j}]`));
    c.bool(o['usesSeed'], `${at}.usesSeed`);
    c.arr(o['bindings'], `${at}.bindings`).forEach((b, j) => {
      const bo = c.obj(b, `${at}.bindings[${j}]`);
      c.str(bo['name'], `${at}.bindings[${j}].name`);
      if (c.int(bo['arena'], `${at}.bindings[${j}].arena`) >= arenas.length) c.fail(`${at}.bindings[${j}].arena`, `an arena index below ${arenas.length}`, bo['arena']);
      c.oneOf(bo['access'], `${at}.bindings[${j}].access`, ['read', 'read_write'] as const);
    });
  });
  c.arr(p['steps'], `${path}.steps`).forEach((s, i) => {
    const o = c.obj(s, `${path}.steps[${i}]`);
    c.oneOf(o['kind'], `${path}.steps[${i}].kind`, ['dispatch'] as const);
    if (c.int(o['kernel'], `${path}.steps[${i}].kernel`) >= kernels.length) c.fail(`${path}.steps[${i}].kernel`, `a kernel index below ${kernels.length}`, o['kernel']);
  });
  if (p['faults'] !== undefined) {
    const f = c.obj(p['faults'], `${path}.faults`);
    if (c.int(f['arena'], `${path}.faults.arena`) >= arenas.length) c.fail(`${path}.faults.arena`, `an arena index below ${arenas.length}`, f['arena']);
    c.arr(f['sites'], `${path}.faults.sites`).forEach((s, i) => {
      const o = c.obj(s, `${path}.faults.sites[${i}]`);
      c.str(o['op'], `${path}.faults.sites[${i}].op`);
      c.str(o['tensor'], `${path}.faults.sites[${i}].tensor`);
      c.int(o['axis'], `${path}.faults.sites[${i}].axis`);
      c.int(o['bound'], `${path}.faults.sites[${i}].bound`);
    });
  }
}

/**
 * Validates a parsed manifest.json and returns it typed. `what` names the file in messages. Checks the
 * format and its version first, so a manifest from another version says so rather than failing on a field.
 */
export function validateManifest(json: unknown, what = 'manifest.json'): Manifest {
  const c = new Checker(what);
  const m = c.obj(json, 'the manifest');
  if (m['format'] !== PACKAGE_FORMAT) throw new FormatError(`${what}: format is ${JSON.stringify(m['format'])}, not '${PACKAGE_FORMAT}'; this is not a vmapc package manifest`);
  const version = m['formatVersion'];
  if (version !== PACKAGE_FORMAT_VERSION) {
    throw new FormatError(
      `${what}: package format version ${JSON.stringify(version)}, but this runtime reads version ${PACKAGE_FORMAT_VERSION}; ` +
        'rebuild the package with the vmapc that ships this runtime, or load it with a runtime of its version',
    );
  }
  const compiler = c.obj(m['compiler'], 'compiler');
  c.str(compiler['version'], 'compiler.version');
  const model = c.obj(m['model'], 'model');
  c.str(model['module'], 'model.module');
  c.str(model['source'], 'model.source');
  const members = c.int(model['members'], 'model.members', 1);
  const init = c.obj(model['init'], 'model.init');
  const kind = c.oneOf(init['kind'], 'model.init.kind', ['seed', 'checkpoints'] as const);
  if (kind === 'seed') c.arr(init['seeds'], 'model.init.seeds').forEach((s, i) => c.int(s, `model.init.seeds[${i}]`));
  else c.arr(init['files'], 'model.init.files').forEach((s, i) => c.str(s, `model.init.files[${i}]`));

  c.arr(m['inputs'], 'inputs').forEach((v, i) => {
    const o = c.obj(v, `inputs[${i}]`);
    c.str(o['name'], `inputs[${i}].name`);
    const shape = c.shape(o['shape'], `inputs[${i}].shape`);
    c.dtype(o['dtype'], `inputs[${i}].dtype`);
    if (o['inDim'] !== null) {
      const d = c.int(o['inDim'], `inputs[${i}].inDim`);
      if (shape[d] !== members) c.fail(`inputs[${i}].shape[${d}]`, `${members} (the member axis, inDim ${d})`, shape[d]);
    }
  });
  const outputs = c.arr(m['outputs'], 'outputs');
  outputs.forEach((v, i) => {
    const o = c.obj(v, `outputs[${i}]`);
    c.str(o['name'], `outputs[${i}].name`);
    c.shape(o['shape'], `outputs[${i}].shape`);
    c.dtype(o['dtype'], `outputs[${i}].dtype`);
    c.int(o['outDim'], `outputs[${i}].outDim`);
  });
  const seen = new Set<number>();
  checkTree(c, m['outputTree'], 'outputTree', outputs.length, seen);
  if (seen.size !== outputs.length) c.fail('outputTree', `a tree using each of the ${outputs.length} outputs`, m['outputTree']);

  const targets = c.obj(m['targets'], 'targets');
  const names = Object.keys(targets);
  if (!names.length) c.fail('targets', 'an object with at least one target', targets);
  for (const t of names) {
    if (!(TARGET_NAMES as readonly string[]).includes(t)) c.fail(`targets.${t}`, `a section named one of ${TARGET_NAMES.join(', ')}`, t);
    const sec = c.obj(targets[t], `targets.${t}`);
    const req = c.obj(sec['requires'], `targets.${t}.requires`);
    for (const [k, v] of Object.entries(req)) c.int(v, `targets.${t}.requires.${k}`);
    checkPlan(c, sec['plan'], `targets.${t}.plan`, t as Target);
  }

  c.arr(m['parameters'], 'parameters').forEach((v, i) => {
    const at = `parameters[${i}]`;
    const o = c.obj(v, at);
    c.str(o['name'], `${at}.name`);
    c.oneOf(o['kind'], `${at}.kind`, ['parameter', 'buffer'] as const);
    const shape = c.shape(o['shape'], `${at}.shape`);
    if (shape[0] !== members) c.fail(`${at}.shape[0]`, `${members} (the member axis)`, shape[0]);
    c.dtype(o['dtype'], `${at}.dtype`);
    if (o['inDim'] !== 0) c.fail(`${at}.inDim`, '0', o['inDim']);
    const placement = c.obj(o['placement'], `${at}.placement`);
    for (const t of names) {
      const pl = c.obj(placement[t], `${at}.placement.${t}`);
      c.int(pl['input'], `${at}.placement.${t}.input`);
      c.int(pl['arena'], `${at}.placement.${t}.arena`);
      c.int(pl['offset'], `${at}.placement.${t}.offset`);
    }
  });
  const w = c.obj(m['weights'], 'weights');
  c.file(w['file'], 'weights.file');
  c.int(w['bytes'], 'weights.bytes');
  c.hex(w['sha256'], 'weights.sha256');
  const manifest = json as Manifest;
  for (const t of names as Target[]) checkConsistency(manifest, t);
  return manifest;
}

/** The parameter table and the plan must agree: each parameter is the plan input its placement names. */
function checkConsistency(m: Manifest, target: Target): void {
  const plan = m.targets[target]!.plan as StoredPlan;
  const expected = m.parameters.length + m.inputs.length;
  if (plan.inputs.length !== expected) {
    throw new FormatError(`manifest.json: targets.${target}.plan has ${plan.inputs.length} inputs but the manifest lists ${m.parameters.length} parameters and buffers and ${m.inputs.length} inputs`);
  }
  if (plan.outputs.length !== m.outputs.length) throw new FormatError(`manifest.json: targets.${target}.plan has ${plan.outputs.length} outputs but the manifest lists ${m.outputs.length}`);
  m.parameters.forEach((p: ManifestParameter) => {
    const pl = p.placement[target]!;
    const t = plan.inputs[pl.input];
    if (!t || t.name !== p.name || t.ref.arena !== pl.arena || t.ref.offset !== pl.offset || t.shape.join() !== p.shape.join()) {
      throw new FormatError(`manifest.json: parameter ${p.name} is placed at input ${pl.input} (arena ${pl.arena} + ${pl.offset}) of the ${target} plan, which holds ${t ? `${t.name} ${JSON.stringify(t.shape)} at arena ${t.ref.arena} + ${t.ref.offset}` : 'nothing'}`);
    }
  });
  for (const i of m.inputs) {
    const t = plan.inputs.find((x) => x.name === i.name);
    if (!t || t.shape.join() !== i.shape.join()) throw new FormatError(`manifest.json: input ${i.name} ${JSON.stringify(i.shape)} is not among the ${target} plan's inputs with that shape`);
  }
}

export type { OutputTree };
