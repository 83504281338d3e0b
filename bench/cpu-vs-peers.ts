// Benchmark: the cpu target against onnxruntime-node (one batched ONNX graph) and against looping the members.
// Usage: npx tsx bench/cpu-vs-peers.ts [--members 1,8,32] [--batch 64] [--rounds 9] [--threads N] [--json out.json]
//        [--contenders 'vmapc cpu,onnxruntime,vmapc cpu loop,onnxruntime loop']
//
// Each contender runs in its own child process (thread pools that spin while idle cannot slow the
// others); the parent alternates short timed blocks between them and reports medians over rounds.

import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { compile, functionalCall, manualSeed, stackModuleState, Tensor, vmap } from '../index.js';
import { MLP } from '../examples/models.js';
import { mlpEnsembleOnnx } from './onnx/mlp-ensemble.js';

type Dict = Record<string, Tensor>;

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '1,8,32' },
    batch: { type: 'string', default: '64' },
    rounds: { type: 'string', default: '9' },
    threads: { type: 'string' },
    json: { type: 'string' },
    worker: { type: 'string' },
    // 'onnxruntime loop' (one session per member) is optional: M sessions with spinning thread pools load the whole machine.
    contenders: { type: 'string', default: 'vmapc cpu,onnxruntime,vmapc cpu loop' },
  },
});

const batch = Number(values.batch);
const rounds = Number(values.rounds);
const threads = values.threads ? Number(values.threads) : availableParallelism();
const FLOPS_PER_SAMPLE = 2 * (784 * 128 + 128 * 128 + 128 * 10);
const ALL = ['vmapc cpu', 'onnxruntime', 'vmapc cpu loop', 'onnxruntime loop'] as const;
type Contender = (typeof ALL)[number];
const CONTENDERS = values.contenders!.split(',').filter((c): c is Contender => (ALL as readonly string[]).includes(c));
if (!CONTENDERS.includes('vmapc cpu') || !CONTENDERS.includes('onnxruntime')) throw new Error('--contenders must include "vmapc cpu" and "onnxruntime"');
/** Each timed block runs a contender for about this long. */
const BLOCK_MS = 80;

// ---- worker: one contender, driven over IPC -----------------------------------------------------

type Request = { cmd: 'run'; n: number } | { cmd: 'exit' };
type Reply = { ready: true; output: number[]; device: string } | { ms: number };

async function setup(name: Contender, M: number): Promise<{ run: () => Promise<unknown>; output: () => Promise<number[]>; device: string }> {
  manualSeed(100 + M); // every process builds the same members and input
  const models = Array.from({ length: M }, () => new MLP().eval());
  const { params, buffers } = stackModuleState(models);
  const x = Tensor.randn([batch, 784]);
  const f = (p: Dict, b: Dict, xi: Tensor): Tensor => functionalCall(models[0]!, [p, b], [xi]);
  const cpu = { threads };
  if (name === 'vmapc cpu') {
    const ens = await compile(vmap(f, [0, 0, null]), { target: 'cpu', example: [params, buffers, x], cpu });
    await ens.setParams(params, buffers);
    return { run: () => ens.run(undefined, undefined, x), output: async () => (await ens.run(undefined, undefined, x)).toArray(), device: ens.device };
  }
  if (name === 'vmapc cpu loop') {
    const singles = await Promise.all(models.map(async (m) => {
      const c = await compile(f, { target: 'cpu', example: [m.stateDict(), {}, x], cpu });
      await c.setParams(m.stateDict(), {});
      return c;
    }));
    const run = async (): Promise<void> => {
      for (const s of singles) await s.run(undefined, undefined, x);
    };
    const output = async (): Promise<number[]> => {
      const outs: number[] = [];
      for (const s of singles) outs.push(...(await s.run(undefined, undefined, x)).toArray());
      return outs;
    };
    return { run, output, device: singles[0]!.device };
  }
  const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential' };
  const xo = new ort.Tensor('float32', x.data as Float32Array, [batch, 784]);
  const device = `onnxruntime-node ${ort.env.versions.common} (CPU execution provider, ${threads} intra-op threads)`;
  if (name === 'onnxruntime') {
    const session = await ort.InferenceSession.create(mlpEnsembleOnnx(params, batch), options);
    const output = async (): Promise<number[]> => Array.from((await session.run({ x: xo }))['y']!.data as Float32Array);
    return { run: () => session.run({ x: xo }), output, device };
  }
  const sessions = await Promise.all(models.map((_, i) => {
    const one: Dict = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v.narrow(0, i, 1)]));
    return ort.InferenceSession.create(mlpEnsembleOnnx(one, batch), options);
  }));
  const run = async (): Promise<void> => {
    for (const s of sessions) await s.run({ x: xo });
  };
  const output = async (): Promise<number[]> => {
    const outs: number[] = [];
    for (const s of sessions) outs.push(...((await s.run({ x: xo }))['y']!.data as Float32Array));
    return outs;
  };
  return { run, output, device };
}

async function worker(name: Contender, M: number): Promise<void> {
  const c = await setup(name, M);
  for (let i = 0; i < 3; i++) await c.run();
  process.send!({ ready: true, output: await c.output(), device: c.device } satisfies Reply);
  process.on('message', (req: Request) => {
    if (req.cmd === 'exit') process.exit(0);
    void (async () => {
      const t0 = performance.now();
      for (let i = 0; i < req.n; i++) await c.run();
      process.send!({ ms: (performance.now() - t0) / req.n } satisfies Reply);
    })();
  });
}

// ---- parent: alternate blocks between the contenders' processes ----------------------------------

function start(name: Contender, M: number): Promise<{ child: ChildProcess; ready: Extract<Reply, { ready: true }> }> {
  const child = fork(fileURLToPath(import.meta.url), ['--worker', name, '--members', String(M), '--batch', String(batch), '--threads', String(threads), '--contenders', CONTENDERS.join(',')], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m: Reply) => ('ready' in m ? resolve({ child, ready: m }) : reject(new Error('unexpected reply'))));
    child.once('exit', (code) => reject(new Error(`${name} worker exited with ${code}`)));
  });
}

function ask(child: ChildProcess, n: number): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m: Reply) => resolve('ms' in m ? m.ms : NaN));
    child.send({ cmd: 'run', n } satisfies Request);
  });
}

interface Row {
  members: number;
  /** Median ms per forward over the rounds. */
  ms: Record<string, number>;
  /** Fastest round (the least disturbed by other load). */
  bestMs: Record<string, number>;
  gflops: Record<string, number>;
  ratioToOrt: Record<string, number>;
  rounds: Record<string, number[]>;
  maxAbsDiffVsOrt: number;
}

async function measure(M: number, devices: Record<string, string>): Promise<Row> {
  const procs = [];
  for (const name of CONTENDERS) procs.push({ name, ...(await start(name, M)) });
  const ref = procs.find((p) => p.name === 'onnxruntime')!.ready.output;
  const ours = procs.find((p) => p.name === 'vmapc cpu')!.ready.output;
  const maxAbsDiffVsOrt = ours.reduce((m, v, i) => Math.max(m, Math.abs(v - ref[i]!)), 0);
  for (const p of procs) devices[p.name] = p.ready.device;
  const iters: Record<string, number> = {};
  for (const p of procs) iters[p.name] = Math.max(1, Math.round(BLOCK_MS / Math.max(await ask(p.child, 1), 0.01)));
  const times: Record<string, number[]> = Object.fromEntries(CONTENDERS.map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    // Rotate the order each round so no contender always follows the same one.
    for (let j = 0; j < procs.length; j++) {
      const p = procs[(j + r) % procs.length]!;
      await sleep(30);
      times[p.name]!.push(await ask(p.child, iters[p.name]!));
    }
  }
  for (const p of procs) p.child.send({ cmd: 'exit' } satisfies Request);
  const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  const ms = Object.fromEntries(CONTENDERS.map((k) => [k, median(times[k]!)]));
  const flop = M * batch * FLOPS_PER_SAMPLE;
  return {
    members: M,
    ms,
    bestMs: Object.fromEntries(CONTENDERS.map((k) => [k, Math.min(...times[k]!)])),
    gflops: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, flop / (v * 1e6)])),
    ratioToOrt: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, v / ms['onnxruntime']!])),
    rounds: times,
    maxAbsDiffVsOrt,
  };
}

async function main(): Promise<void> {
  const sizes = values.members!.split(',').map(Number);
  const devices: Record<string, string> = {};
  const rows: Row[] = [];
  const loadBefore = loadavg()[0]!;
  for (const M of sizes) rows.push(await measure(M, devices));
  const loadAfter = loadavg()[0]!;
  console.log(`cpu vs peers: tutorial MLP 784-128-128-10, batch ${batch}, ${threads} threads, median of ${rounds} alternating rounds, one process per contender`);
  console.log(`vmapc: ${devices['vmapc cpu']}`);
  console.log(`peer: ${devices['onnxruntime']}, one batched graph (MatMul over stacked, transposed weights)`);
  console.log(`machine load (1-minute average): ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`);
  console.log(`| M | ${CONTENDERS.map((n) => `${n} ms`).join(' | ')} | ${CONTENDERS.map((n) => `${n} GFLOP/s`).join(' | ')} | vmapc / onnxruntime | same, fastest rounds |`);
  console.log(`|---|${CONTENDERS.map(() => '---|').join('')}${CONTENDERS.map(() => '---|').join('')}---|---|`);
  for (const r of rows) {
    const best = r.bestMs['vmapc cpu']! / r.bestMs['onnxruntime']!;
    console.log(`| ${r.members} | ${CONTENDERS.map((n) => r.ms[n]!.toFixed(3)).join(' | ')} | ${CONTENDERS.map((n) => r.gflops[n]!.toFixed(1)).join(' | ')} | ${r.ratioToOrt['vmapc cpu']!.toFixed(2)}x | ${best.toFixed(2)}x |`);
  }
  for (const r of rows) if (r.maxAbsDiffVsOrt > 1e-3) console.log(`warning: M=${r.members}: outputs differ from onnxruntime by up to ${r.maxAbsDiffVsOrt}`);
  const report = { benchmark: 'cpu-vs-peers', devices, batch, threads, rounds, load: [loadBefore, loadAfter], rows };
  console.log(JSON.stringify(report));
  if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2));
}

const run = values.worker ? worker(values.worker as Contender, Number(values.members)) : main();
run.catch((e: unknown) => {
  console.error(e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : e);
  process.exitCode = 1;
});
