// The demo: an ensemble of the tutorial MLP compiled for the best target this machine has ('auto'), checked against the CPU reference, and timed.

import { compile, functionalCall, manualSeed, stackModuleState, Tensor, vmap } from '../index.js';
import { formatTargetReport } from '../compiler/targets/registry.js';
import { MLP } from './models.js';

type Dict = Record<string, Tensor>;

async function timeIt(label: string, reps: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up: pipelines, first upload
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await fn();
  const ms = (performance.now() - t0) / reps;
  console.log(`  ${label.padEnd(50)} ${ms.toFixed(2)} ms`);
  return ms;
}

async function main(): Promise<void> {
  const M = Number(process.env.VMAPC_DEMO_MEMBERS ?? 8);
  const batch = 32;
  manualSeed(0);
  const models = Array.from({ length: M }, () => new MLP().eval());
  const { params, buffers } = stackModuleState(models);
  const x = Tensor.randn([batch, 784]);
  const f = (p: Dict, b: Dict, xi: Tensor): Tensor => functionalCall(models[0]!, [p, b], [xi]);
  const ensemble = vmap(f, [0, 0, null]);

  console.log(`vmapc demo: ${M} members of the tutorial MLP (784-128-128-10), one shared batch of ${batch}`);
  // 'auto' tries CUDA, a native GPU through WebGPU, the C backend, then WebGPU on Mesa's CPU driver.
  const ens = await compile(ensemble, { target: 'auto', example: [params, buffers, x] });
  console.log(`${formatTargetReport(ens.targetReport)}\ndevice: ${ens.device}\n`);
  console.log(String(ens.plan), '\n');

  await ens.setParams(params, buffers);
  const y = await ens.run(undefined, undefined, x);
  const expected = ensemble(params, buffers, x);
  const got = y.toArray(), want = expected.toArray();
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / (1e-5 + 1e-4 * Math.abs(want[i]!)));
  const ok = worst <= 1;
  console.log(`output ${JSON.stringify(y.shape)} vs the CPU reference: ${ok ? 'match' : 'MISMATCH'} (worst error ${(worst).toFixed(3)} of the rtol 1e-4 / atol 1e-5 budget)\n`);

  // The same runtime, one compiled single-model forward per member.
  const single = (p: Dict, b: Dict, xi: Tensor): Tensor => functionalCall(models[0]!, [p, b], [xi]);
  const one = await compile(single, { target: ens.target, example: [models[0]!.stateDict(), {}, x] });
  const memberParams = models.map((m) => m.stateDict());

  console.log(`time per forward of all ${M} members on ${ens.target}:`);
  const tEns = await timeIt(`ensemble (${ens.plan.steps.length} kernel launches)`, 20, () => ens.run(undefined, undefined, x));
  const tLoop = await timeIt(`loop over ${M} single models (${M * one.plan.steps.length} kernel launches)`, 10, async () => {
    for (const p of memberParams) await one.run(p, {}, x);
  });
  console.log(`  speed-up of one ensemble forward over the loop: ${(tLoop / tEns).toFixed(2)}x`);
  ens.destroy();
  one.destroy();
  if (!ok) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? `${e.name}: ${e.message}` : e);
  process.exitCode = 1;
});
