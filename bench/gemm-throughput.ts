// Batched GEMM throughput of the CUDA backend (exact FP32 and TF32 tensor cores), and each path's error against the CPU reference.
// Usage: npx tsx bench/gemm-throughput.ts [--target cuda|webgpu|cpu] [--sizes 32x1024x1024x1024,...] [--matmul exact,tf32] [--iters 10] [--json out.json]
// A size is BxMxKxN: B independent [M,K] @ [K,N] products (the ensemble's member axis). On CUDA the time is the
// kernels' alone (launches, then one synchronize); on other targets it is a whole run, transfers included.

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compile, Tensor, traceFunction, type CompileTarget } from '../index.js';
import { cudaSpec, type CudaMatmul } from '../compiler/targets/cuda.js';
import { buildPlan } from '../compiler/pipeline.js';
import type { Graph } from '../ir/node.js';

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: 'cuda' },
    sizes: { type: 'string', default: '64x256x784x128,32x1024x1024x1024,8x4096x4096x4096' },
    check: { type: 'string', default: '4x200x300x136' },
    matmul: { type: 'string', default: 'exact,tf32' },
    iters: { type: 'string', default: '10' },
    json: { type: 'string' },
  },
});

type Size = [number, number, number, number];
const parseSize = (s: string): Size => {
  const p = s.split('x').map(Number);
  if (p.length !== 4 || p.some((d) => !Number.isInteger(d) || d <= 0)) throw new Error(`size '${s}' is not BxMxKxN`);
  return p as Size;
};
const target = values.target as CompileTarget;
const modes = values.matmul!.split(',') as CudaMatmul[];
const iters = Number(values.iters);

function gemmGraph([B, M, K, N]: Size): Graph {
  return traceFunction('gemm', [{ name: 'a', shape: [B, M, K], dtype: 'f32' }, { name: 'b', shape: [B, K, N], dtype: 'f32' }], ([a, b]) => a!.matmul(b!)).graph;
}

/** Deterministic values in [-1, 1) without building Tensors (the large sizes hold hundreds of millions of elements). */
function fill(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = (x >>> 8) / 2 ** 23 - 1;
  }
  return out;
}

function relError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < want.length; i++) {
    num += (got[i]! - want[i]!) ** 2;
    den += want[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

interface Row { size: string; matmul: string; ms: number; tflops: number; kernel: string }
interface Check { size: string; matmul: string; relError: number; maxAbsError: number }

async function cudaRows(): Promise<{ device: string; rows: Row[]; checks: Check[] }> {
  const { acquireCuda, describeCuda } = await import('../runtime/cuda/context.js');
  const { CudaExecutor } = await import('../runtime/cuda/executor.js');
  const ctx = acquireCuda();
  const rows: Row[] = [], checks: Check[] = [];
  // Accuracy first, on a size the CPU reference computes quickly (odd sizes exercise the edges of tiles).
  const cs = parseSize(values.check!);
  const [a, b] = [fill(cs[0] * cs[1] * cs[2], 1), fill(cs[0] * cs[2] * cs[3], 2)];
  const ref = await compile((x: Tensor, y: Tensor) => x.matmul(y), { target: 'reference', example: [Tensor.fromArray(a, [cs[0], cs[1], cs[2]]), Tensor.fromArray(b, [cs[0], cs[2], cs[3]])] });
  const want = (await ref.run(Tensor.fromArray(a, [cs[0], cs[1], cs[2]]), Tensor.fromArray(b, [cs[0], cs[2], cs[3]]))).toArray() as number[];
  for (const matmul of modes) {
    const plan = buildPlan(gemmGraph(cs), cudaSpec({ matmul, computeCapability: ctx.computeCapability })).plan;
    const ex = CudaExecutor.create(ctx, plan);
    ex.write(0, a);
    ex.write(1, b);
    const got = (await ex.run(0))[0] as Float32Array;
    let maxAbs = 0;
    for (let i = 0; i < want.length; i++) maxAbs = Math.max(maxAbs, Math.abs(got[i]! - want[i]!));
    checks.push({ size: values.check!, matmul, relError: relError(got, want), maxAbsError: maxAbs });
    ex.destroy();
  }
  for (const s of values.sizes!.split(',')) {
    const size = parseSize(s);
    const [B, M, K, N] = size;
    const a1 = fill(B * M * K, 3), b1 = fill(B * K * N, 4);
    for (const matmul of modes) {
      const plan = buildPlan(gemmGraph(size), cudaSpec({ matmul, computeCapability: ctx.computeCapability })).plan;
      const ex = CudaExecutor.create(ctx, plan);
      ex.write(0, a1);
      ex.write(1, b1);
      const ms = ex.benchmark(0, iters);
      rows.push({ size: s, matmul, ms, tflops: (2 * B * M * K * N) / (ms * 1e-3) / 1e12, kernel: plan.kernels.map((k) => k.label).join(' | ') });
      ex.destroy();
    }
  }
  return { device: describeCuda(ctx), rows, checks };
}

/** Other targets (and dry runs without a GPU): whole compiled runs, smaller sizes advised. */
async function compiledRows(): Promise<{ device: string; rows: Row[]; checks: Check[] }> {
  const rows: Row[] = [];
  let device = '';
  for (const s of values.sizes!.split(',')) {
    const [B, M, K, N] = parseSize(s);
    const a = Tensor.fromArray(fill(B * M * K, 3), [B, M, K]), b = Tensor.fromArray(fill(B * K * N, 4), [B, K, N]);
    const c = await compile((x: Tensor, y: Tensor) => x.matmul(y), { target, example: [a, b] });
    device = c.device;
    await c.run(a, b);
    const t0 = performance.now();
    for (let i = 0; i < iters; i++) await c.run(undefined, undefined);
    const ms = (performance.now() - t0) / iters;
    rows.push({ size: s, matmul: 'exact', ms, tflops: (2 * B * M * K * N) / (ms * 1e-3) / 1e12, kernel: c.kernels.map((k) => k.label).join(' | ') });
    c.destroy();
  }
  return { device, rows, checks: [] };
}

const result = target === 'cuda' ? await cudaRows() : await compiledRows();
console.log(`batched GEMM on ${target}: ${result.device}`);
for (const c of result.checks) console.log(`  check ${c.size} ${c.matmul.padEnd(5)}  relative error vs CPU reference ${c.relError.toExponential(2)}  max abs ${c.maxAbsError.toExponential(2)}`);
console.log('  size (BxMxKxN)           matmul      ms   TFLOP/s');
for (const r of result.rows) console.log(`  ${r.size.padEnd(24)} ${r.matmul.padEnd(6)} ${r.ms.toFixed(3).padStart(8)}  ${r.tflops.toFixed(2).padStart(8)}`);
const report = { benchmark: 'gemm-throughput', target, ...result, iters };
if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2));
