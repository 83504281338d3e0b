// Runs the PyTorch reference cases (all but train_step) through compiled targets and reports each one's error and time.
// Usage: npx tsx bench/reference-check.ts [--dir test/fixtures/torch-reference] [--targets cuda:exact,cuda:tf32,webgpu] [--reps 5] [--json out.json]
// A target is a compile target, optionally with a variant: cuda:exact, cuda:tf32, webgpu:vulkan, webgpu:opengl.
// Exits non-zero when an exact target misses a case's tolerances; TF32 is reported against them, not failed.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { compile, functionalCall, loadSafetensors, stackModuleState, vmap, type CompileOptions, type nn, type Tensor } from '../index.js';
import { MLP, PreNorm, SmallCNN } from '../examples/models.js';

type Dict = Record<string, Tensor>;

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: path.resolve('test', 'fixtures', 'torch-reference') },
    targets: { type: 'string', default: 'cuda:exact,cuda:tf32,webgpu' },
    reps: { type: 'string', default: '5' },
    json: { type: 'string' },
  },
});

const MODELS: Record<string, () => nn.Module> = {
  tutorial_mlp: () => new MLP(),
  tutorial_mlp_per_member: () => new MLP(),
  prenorm: () => new PreNorm(),
  small_cnn: () => new SmallCNN(),
};

interface CaseMeta { ensemble: number; inputs: Record<string, { in_dim: number | null }>; rtol: number; atol: number }

interface Row {
  case: string;
  target: string;
  device: string;
  kernels: number;
  ok: boolean;
  maxAbsError: number;
  relError: number;
  runMs: number;
  error?: string;
}

function targetOptions(spec: string): Pick<CompileOptions<unknown[]>, 'target' | 'cuda' | 'webgpu'> {
  const [target, variant] = spec.split(':') as [string, string | undefined];
  if (target === 'cuda') return { target: 'cuda', cuda: { matmul: variant === 'tf32' ? 'tf32' : 'exact' } };
  if (target === 'webgpu') return { target: 'webgpu', ...(variant ? { webgpu: { backend: variant as 'vulkan' } } : {}) };
  return { target: target as CompileOptions<unknown[]>['target'] };
}

async function runCase(name: string, spec: string, reps: number): Promise<Row> {
  const dir = path.join(values.dir!, name);
  const meta = JSON.parse(readFileSync(path.join(dir, 'case.json'), 'utf8')) as CaseMeta;
  const models = Array.from({ length: meta.ensemble }, (_, i) => {
    const m = MODELS[name]!().eval();
    m.loadStateDict(loadSafetensors(path.join(dir, `member${i}.safetensors`)));
    return m;
  });
  const io = loadSafetensors(path.join(dir, 'io.safetensors'));
  const { params, buffers } = stackModuleState(models);
  const f = (p: Dict, b: Dict, x: Tensor): Tensor => functionalCall(models[0]!, [p, b], [x]);
  const x = io['x']!;
  const ens = await compile(vmap(f, [0, 0, meta.inputs['x']!.in_dim]), { ...targetOptions(spec), example: [params, buffers, x] });
  try {
    const out = (await ens.run(params, buffers, x)).toArray() as number[];
    const want = io['expected']!.toArray() as number[];
    let maxAbs = 0, num = 0, den = 0, ok = out.length === want.length;
    for (let i = 0; i < want.length; i++) {
      const d = Math.abs(out[i]! - want[i]!);
      maxAbs = Math.max(maxAbs, d);
      num += d * d;
      den += want[i]! * want[i]!;
      if (!(d <= meta.atol + meta.rtol * Math.abs(want[i]!))) ok = false;
    }
    const times: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      await ens.run(undefined, undefined, x);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return { case: name, target: spec, device: ens.device, kernels: ens.plan.steps.length, ok, maxAbsError: maxAbs, relError: Math.sqrt(num / den), runMs: times[Math.floor(times.length / 2)]! };
  } finally {
    ens.destroy();
  }
}

if (!existsSync(values.dir!)) throw new Error(`no torch-reference cases at ${values.dir}; pass --dir`);
const rows: Row[] = [];
for (const spec of values.targets!.split(',')) {
  for (const name of Object.keys(MODELS)) {
    try {
      rows.push(await runCase(name, spec, Number(values.reps)));
    } catch (e) {
      rows.push({ case: name, target: spec, device: '', kernels: 0, ok: false, maxAbsError: NaN, relError: NaN, runMs: NaN, error: (e as Error).message });
    }
  }
}
console.log('torch-reference cases');
for (const d of [...new Set(rows.map((r) => `${r.target}: ${r.device}`))]) console.log(`  ${d}`);
console.log('  case                      target        kernels  allclose  max |err|   rel err    run ms');
for (const r of rows) {
  if (r.error) {
    console.log(`  ${r.case.padEnd(25)} ${r.target.padEnd(13)} FAILED: ${r.error.split('\n')[0]}`);
    continue;
  }
  console.log(`  ${r.case.padEnd(25)} ${r.target.padEnd(13)} ${String(r.kernels).padStart(7)}  ${(r.ok ? 'yes' : 'NO').padStart(8)}  ${r.maxAbsError.toExponential(2)}  ${r.relError.toExponential(2)}  ${r.runMs.toFixed(3).padStart(8)}`);
}
if (values.json) writeFileSync(values.json, JSON.stringify({ benchmark: 'torch-reference', rows }, null, 2));
const failed = rows.filter((r) => !r.ok && !r.target.endsWith(':tf32'));
if (failed.length) {
  console.log(`FAILED: ${failed.map((r) => `${r.case} on ${r.target}`).join(', ')}`);
  process.exitCode = 1;
}
