// Benchmark: one ensemble forward vs M single-model forwards on the same runtime, for M in {1, 8, 32}.
// Usage: npx tsx bench/ensemble-vs-loop.ts [--target webgpu|cpu|cuda] [--members 1,8,32] [--batch 64] [--reps 5] [--json out.json]

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compile, functionalCall, manualSeed, stackModuleState, Tensor, vmap, type CompileTarget } from '../index.js';
import { MLP } from '../examples/models.js';

type Dict = Record<string, Tensor>;

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: 'webgpu' },
    members: { type: 'string', default: '1,8,32' },
    batch: { type: 'string', default: '64' },
    reps: { type: 'string', default: '5' },
    json: { type: 'string' },
  },
});

const target = values.target as CompileTarget;
const batch = Number(values.batch);
const reps = Number(values.reps);
const FLOPS_PER_SAMPLE = 2 * (784 * 128 + 128 * 128 + 128 * 10);

async function median(fn: () => Promise<unknown>, n: number): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

interface Row {
  members: number;
  ensembleMs: number;
  loopMs: number;
  ensembleDispatches: number;
  loopDispatches: number;
  speedup: number;
  ensembleGflops: number;
}

async function measure(M: number): Promise<Row> {
  manualSeed(M);
  const models = Array.from({ length: M }, () => new MLP().eval());
  const { params, buffers } = stackModuleState(models);
  const x = Tensor.randn([batch, 784]);
  const f = (p: Dict, b: Dict, xi: Tensor): Tensor => functionalCall(models[0]!, [p, b], [xi]);
  const ens = await compile(vmap(f, [0, 0, null]), { target, example: [params, buffers, x] });
  const one = await compile(f, { target, example: [models[0]!.stateDict(), {}, x] });
  try {
    await ens.setParams(params, buffers);
    // The loop keeps every member's weights resident as well: one compiled single model per member.
    const singles = await Promise.all(models.map(async (m) => {
      const c = await compile(f, { target, example: [m.stateDict(), {}, x] });
      await c.setParams(m.stateDict(), {});
      return c;
    }));
    const ensembleMs = await median(() => ens.run(undefined, undefined, x), reps);
    const loopMs = await median(async () => {
      for (const s of singles) await s.run(undefined, undefined, x);
    }, reps);
    singles.forEach((s) => s.destroy());
    return {
      members: M,
      ensembleMs,
      loopMs,
      ensembleDispatches: ens.plan.steps.length,
      loopDispatches: M * one.plan.steps.length,
      speedup: loopMs / ensembleMs,
      ensembleGflops: (M * batch * FLOPS_PER_SAMPLE) / (ensembleMs * 1e6),
    };
  } finally {
    ens.destroy();
    one.destroy();
  }
}

async function main(): Promise<void> {
  const sizes = values.members!.split(',').map(Number);
  const rows: Row[] = [];
  let device = '';
  for (const M of sizes) {
    rows.push(await measure(M));
    if (!device) {
      const probe = await compile((t: Tensor) => t.add(1), { target, example: [Tensor.zeros([1])] });
      device = probe.device;
      probe.destroy();
    }
  }
  console.log(`ensemble vs loop: tutorial MLP 784-128-128-10, batch ${batch}, target ${target}`);
  console.log(`device: ${device}`);
  console.log('| M | ensemble ms/forward | loop ms/forward | dispatches (ensemble / loop) | speed-up | ensemble GFLOP/s |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.members} | ${r.ensembleMs.toFixed(2)} | ${r.loopMs.toFixed(2)} | ${r.ensembleDispatches} / ${r.loopDispatches} | ${r.speedup.toFixed(2)}x | ${r.ensembleGflops.toFixed(2)} |`);
  }
  const report = { benchmark: 'ensemble-vs-loop', target, device, batch, reps, rows };
  console.log(JSON.stringify(report));
  if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `${e.name}: ${e.message}` : e);
  process.exitCode = 1;
});
