// Benchmark: the torch.func composition cases (test/fixtures/torch-func) compiled per target: kernels, compile time, run time.
// Usage: npx tsx bench/transforms.ts [--targets cpu,webgpu] [--reps 7]

import { parseArgs } from 'node:util';
import { compile, type CompileTarget } from '../index.js';
import { TORCH_FUNC_CASES } from '../test/helpers/torch-func-cases.js';

const { values } = parseArgs({ options: { targets: { type: 'string', default: 'cpu,webgpu' }, reps: { type: 'string', default: '7' } } });
const targets = values.targets.split(',') as CompileTarget[];
const reps = Number(values.reps);

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

console.log(`| case | eager reference ms | ${targets.map((t) => `${t}: kernels, compile ms, run ms`).join(' | ')} |`);
console.log(`| --- | --- | ${targets.map(() => '---').join(' | ')} |`);
for (const make of TORCH_FUNC_CASES) {
  const c = make();
  const eager: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    c.fn(...c.args);
    eager.push(performance.now() - t0);
  }
  const cells: string[] = [];
  for (const target of targets) {
    const t0 = performance.now();
    const compiled = await compile(c.fn, { target, example: c.args });
    const compileMs = performance.now() - t0;
    await compiled.run(...c.args);
    const runs: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t1 = performance.now();
      await compiled.run(...c.args);
      runs.push(performance.now() - t1);
    }
    cells.push(`${compiled.plan.steps.length}, ${compileMs.toFixed(0)}, ${median(runs).toFixed(2)}`);
    compiled.destroy();
  }
  console.log(`| ${c.name} | ${median(eager).toFixed(1)} | ${cells.join(' | ')} |`);
}
process.exit(0);
