// Benchmark: the ops of issue 13 with IR ops of their own, compiled per target, against what composing old ops would cost.
// Usage: npx tsx bench/new-ops.ts [--targets cpu,webgpu] [--reps 7]

import { parseArgs } from 'node:util';
import { compile, grad, manualSeed, Tensor, vmap, type CompileTarget } from '../index.js';

const { values } = parseArgs({ options: { targets: { type: 'string', default: 'cpu,webgpu' }, reps: { type: 'string', default: '7' } } });
const targets = values.targets.split(',') as CompileTarget[];
const reps = Number(values.reps);
const M = 8;

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

interface Case {
  readonly name: string;
  readonly fn: (...args: Tensor[]) => unknown;
  readonly args: Tensor[];
}

manualSeed(1);
const seq = Tensor.randn([M, 32, 512]);
const long = Tensor.randn([M, 65536]);
const logits = Tensor.randn([M, 256, 1000]);
const labels = Tensor.randint(0, 1000, [M, 256, 1]);
const perm = Tensor.fromArray(Array.from({ length: M * 64 * 256 }, (_, i) => (i * 97) % 256), [M, 64, 256], 'i64');
const src = Tensor.randn([M, 64, 256]);
const table = Tensor.randn([M, 64, 256]);
const upper = Tensor.fromArray(Array.from({ length: 512 * 512 }, (_, i) => (Math.floor(i / 512) <= i % 512 ? 1 : 0)), [512, 512]);

const CASES: Case[] = [
  { name: `cumsum [${M},32,512] along 512 (scan kernel)`, fn: vmap((x: Tensor) => x.cumsum(-1)), args: [seq] },
  { name: `  the same as x @ triu(ones(512, 512)) (a composite)`, fn: vmap((x: Tensor, u: Tensor) => x.matmul(u), [0, null]), args: [seq, upper] },
  { name: `cumsum [${M},65536] (one long row per member: one thread each)`, fn: vmap((x: Tensor) => x.cumsum(0)), args: [long] },
  { name: `gather [${M},256,1000] at one label per row, and its grad (a scatter_add, K=1)`, fn: vmap(grad((x: Tensor, y: Tensor) => x.gather(-1, y).sum()), [0, 0]), args: [logits, labels] },
  { name: `scatter_add [${M},64,256] of a full permutation (K=256: the pull form's worst case)`, fn: vmap((x: Tensor, i: Tensor, s: Tensor) => x.scatterAdd(-1, i, s)), args: [table, perm, src] },
  { name: `prod, amin, argmin [${M},256,1000] along 1000 (row kernels)`, fn: vmap((x: Tensor) => [x.mul(0.01).add(1).prod(-1), x.amin(-1), x.argmin(-1)]), args: [logits] },
];

console.log(`| case | eager reference ms | ${targets.map((t) => `${t}: kernels, compile ms, run ms`).join(' | ')} |`);
console.log(`| --- | --- | ${targets.map(() => '---').join(' | ')} |`);
for (const c of CASES) {
  const t0 = performance.now();
  c.fn(...c.args);
  const eager = performance.now() - t0;
  const cells: string[] = [];
  for (const target of targets) {
    const t1 = performance.now();
    const compiled = await compile(c.fn, { target, example: c.args });
    const compileMs = performance.now() - t1;
    await compiled.run(...c.args);
    const runs: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t2 = performance.now();
      await compiled.run(...c.args);
      runs.push(performance.now() - t2);
    }
    cells.push(`${compiled.plan.steps.length}, ${compileMs.toFixed(0)}, ${median(runs).toFixed(2)}`);
    compiled.destroy();
  }
  console.log(`| ${c.name} | ${eager.toFixed(0)} | ${cells.join(' | ')} |`);
}
process.exit(0);
