// Runs rendered CUDA kernels on the CPU: a C++ shim (CUDA threads as fibers, __syncthreads as a round of the
// scheduler, mma.sync emulated from the PTX ISA's m16n8k8 fragment tables), so tests check CUDA numerics without a GPU.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TypedArray } from '../../ir/dtype.js';
import type { ExecutionPlan } from '../../runtime/plan.js';
import { prefixedSource } from './nvcc.js';

const SHIM = String.raw`
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <vector>
#include <math.h>
#include <ucontext.h>
#define __global__
#define __device__
#define __forceinline__ inline
#define __restrict__ __restrict
#define __launch_bounds__(n)
// Blocks of a launch run one after another, so one static array per kernel is each block's shared memory.
#define __shared__ static
struct vm_dim3 { unsigned x, y, z; };
static vm_dim3 threadIdx, blockIdx;
static int vm_tid;
static inline float __uint_as_float(unsigned u) { float f; memcpy(&f, &u, 4); return f; }
static inline unsigned __float_as_uint(float f) { unsigned u; memcpy(&u, &f, 4); return u; }
static inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }

// The threads of a block are fibers on one OS thread; the scheduler runs each until it yields or ends,
// round after round, so a yield is a barrier of the whole block.
struct vm_fiber { ucontext_t ctx; std::vector<char> stack; bool done; int mma_calls; };
static ucontext_t vm_scheduler;
static std::vector<vm_fiber> vm_fibers;
static std::function<void()> vm_kernel;
static inline void vm_yield() { swapcontext(&vm_fibers[vm_tid].ctx, &vm_scheduler); }
static inline void __syncthreads() { vm_yield(); }
static void vm_fiber_main() { vm_kernel(); vm_fibers[vm_tid].done = true; }

// Tensor cores: cvt.rna.tf32.f32 keeps 10 mantissa bits, rounding to nearest with ties away from zero.
#define VMAPC_HAVE_vmapc_tf32
#define VMAPC_HAVE_vmapc_mma_tf32
static inline unsigned vmapc_tf32(float x) {
  unsigned u = __float_as_uint(x);
  if ((u & 0x7f800000u) != 0x7f800000u) u = (u + 0x1000u) & 0xffffe000u;
  return u;
}
struct vm_warp_regs { unsigned a[32][4]; unsigned b[32][2]; float c[32][4]; };
// Two sets, alternating by call: a lane posting call i+1 never overwrites what a slower lane still reads of call i.
static std::vector<vm_warp_regs> vm_warp_scratch[2];
// mma.sync.m16n8k8.row.col.f32.tf32.tf32.f32: every lane posts its fragments, then computes its four outputs.
// Every thread of an mma kernel makes the same calls in the same order, so a block-wide yield gathers the warp.
// Fragments (g = lane / 4, t = lane % 4): a0 (g, t), a1 (g+8, t), a2 (g, t+4), a3 (g+8, t+4);
// b0 (k=t, n=g), b1 (k=t+4, n=g); c0 (g, 2t), c1 (g, 2t+1), c2 (g+8, 2t), c3 (g+8, 2t+1).
static inline void vmapc_mma_tf32(float& d0, float& d1, float& d2, float& d3, unsigned a0, unsigned a1, unsigned a2, unsigned a3, unsigned b0, unsigned b1) {
  const int w = vm_tid / 32, lane = vm_tid % 32;
  vm_warp_regs& s = vm_warp_scratch[vm_fibers[vm_tid].mma_calls++ % 2][w];
  s.a[lane][0] = a0; s.a[lane][1] = a1; s.a[lane][2] = a2; s.a[lane][3] = a3;
  s.b[lane][0] = b0; s.b[lane][1] = b1;
  s.c[lane][0] = d0; s.c[lane][1] = d1; s.c[lane][2] = d2; s.c[lane][3] = d3;
  vm_yield();
  auto A = [&](int r, int k) { return __uint_as_float(s.a[(r % 8) * 4 + k % 4][(r >= 8 ? 1 : 0) + (k >= 4 ? 2 : 0)]); };
  auto B = [&](int k, int n) { return __uint_as_float(s.b[n * 4 + k % 4][k >= 4 ? 1 : 0]); };
  auto C = [&](int r, int c) { return s.c[(r % 8) * 4 + c / 2][(r >= 8 ? 2 : 0) + c % 2]; };
  const int g = lane / 4, t = lane % 4;
  float out[4];
  for (int q = 0; q < 4; q++) {
    const int r = g + (q >= 2 ? 8 : 0), c = 2 * t + (q & 1);
    double acc = C(r, c);
    for (int k = 0; k < 8; k++) acc += (double)A(r, k) * (double)B(k, c);
    out[q] = (float)acc;
  }
  d0 = out[0]; d1 = out[1]; d2 = out[2]; d3 = out[3];
}

static void vm_launch(std::function<void()> kernel, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz) {
  const int n = bx * by * bz;
  vm_kernel = kernel;
  vm_fibers.resize(n);
  for (auto& s : vm_warp_scratch) s.assign((n + 31) / 32, vm_warp_regs{});
  for (unsigned z = 0; z < gz; z++) for (unsigned y = 0; y < gy; y++) for (unsigned x = 0; x < gx; x++) {
    blockIdx = {x, y, z};
    for (int t = 0; t < n; t++) {
      vm_fiber& f = vm_fibers[t];
      f.stack.resize(256 * 1024);
      f.done = false;
      f.mma_calls = 0;
      getcontext(&f.ctx);
      f.ctx.uc_stack.ss_sp = f.stack.data();
      f.ctx.uc_stack.ss_size = f.stack.size();
      f.ctx.uc_link = &vm_scheduler;
      makecontext(&f.ctx, vm_fiber_main, 0);
    }
    for (bool running = true; running;) {
      running = false;
      for (int t = 0; t < n; t++) {
        if (vm_fibers[t].done) continue;
        vm_tid = t;
        threadIdx = {t % bx, (t / bx) % by, t / (bx * by)};
        swapcontext(&vm_scheduler, &vm_fibers[t].ctx);
        running = running || !vm_fibers[t].done;
      }
    }
  }
}
`;

function mainFor(plans: readonly ExecutionPlan[]): string {
  const cases = plans.map((plan, p) => {
    const lines = [`    case ${p}: {`];
    lines.push(`      const size_t words[] = {${plan.arenas.map((a) => Math.max(1, a.words)).join(', ')}};`);
    lines.push(`      A.resize(${plan.arenas.length});`);
    lines.push(`      for (int a = 0; a < ${plan.arenas.length}; a++) { A[a].resize(words[a]); if (fread(A[a].data(), 4, words[a], in) != words[a]) return 3; }`);
    for (const s of plan.steps) {
      const k = plan.kernels[s.kernel]!;
      const args = k.bindings.map((b) => `A[${b.arena}].data()`);
      if (k.usesSeed) args.push('seed');
      lines.push(`      vm_launch([&] { p${p}_${k.entry}(${args.join(', ')}); }, ${k.dispatch.join(', ')}, ${k.workgroupSize.join(', ')});`);
    }
    lines.push('      break;', '    }');
    return lines.join('\n');
  });
  return `
int main(int argc, char** argv) {
  if (argc != 5) return 2;
  const int plan = atoi(argv[1]);
  const unsigned seed = (unsigned)strtoul(argv[4], nullptr, 10);
  FILE* in = fopen(argv[2], "rb");
  if (!in) return 4;
  std::vector<std::vector<unsigned>> A;
  switch (plan) {
${cases.join('\n')}
    default: return 5;
  }
  fclose(in);
  FILE* out = fopen(argv[3], "wb");
  for (auto& a : A) fwrite(a.data(), 4, a.size(), out);
  fclose(out);
  return 0;
}
`;
}

export function findHostCompiler(): string | { missing: string } {
  for (const cxx of [process.env['CXX'], 'g++', 'clang++', 'c++']) {
    if (!cxx) continue;
    try {
      execFileSync('sh', ['-c', `command -v ${cxx}`], { stdio: 'ignore' });
      return cxx;
    } catch {
      // try the next
    }
  }
  return { missing: 'no C++ compiler (g++, clang++ or $CXX) to run CUDA kernels on the host' };
}

/** One host executable for many plans; run(plan, arenas, seed) returns the arenas after all its kernels. */
export class HostEmulator {
  private constructor(private readonly exe: string, private readonly dir: string, private readonly plans: readonly ExecutionPlan[]) {}

  static build(cxx: string, plans: readonly ExecutionPlan[]): HostEmulator {
    const source = [SHIM, ...plans.map((p, i) => prefixedSource(p, `p${i}`)), mainFor(plans)].join('\n');
    const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
    const dir = path.join(os.tmpdir(), 'vmapc-cuda-host');
    mkdirSync(dir, { recursive: true });
    const exe = path.join(dir, `plans-${hash}`);
    if (!existsSync(exe)) {
      const cpp = `${exe}.cpp`;
      writeFileSync(cpp, source);
      try {
        execFileSync(cxx, ['-std=c++17', '-O1', '-w', '-o', exe, cpp], { stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        throw new Error(`the host build of the CUDA kernels failed:\n${String((e as { stderr?: Buffer }).stderr ?? e).slice(0, 4000)}`);
      }
    }
    return new HostEmulator(exe, dir, plans);
  }

  /** Runs plan `p` over the given arena contents (words, one array per arena). */
  run(p: number, arenas: readonly Uint32Array[], seed: number): Uint32Array[] {
    const plan = this.plans[p]!;
    const tag = `${process.pid}-${p}-${Date.now()}`;
    const inPath = path.join(this.dir, `in-${tag}.bin`), outPath = path.join(this.dir, `out-${tag}.bin`);
    writeFileSync(inPath, Buffer.concat(plan.arenas.map((a, i) => {
      const words = new Uint32Array(Math.max(1, a.words));
      words.set(arenas[i]!.subarray(0, words.length));
      return Buffer.from(words.buffer);
    })));
    execFileSync(this.exe, [String(p), inPath, outPath, String(seed >>> 0)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const bytes = readFileSync(outPath);
    const out: Uint32Array[] = [];
    let off = 0;
    for (const a of plan.arenas) {
      const n = Math.max(1, a.words);
      out.push(new Uint32Array(bytes.buffer.slice(bytes.byteOffset + off * 4, bytes.byteOffset + (off + n) * 4)));
      off += n;
    }
    return out;
  }
}

/** The arena image of a plan with its constants and the given inputs (device dtypes) placed. */
export function arenaImage(plan: ExecutionPlan, inputs: readonly TypedArray[]): Uint32Array[] {
  const arenas = plan.arenas.map((a) => new Uint32Array(Math.max(1, a.words)));
  const place = (ref: { arena: number; offset: number }, data: TypedArray): void => {
    arenas[ref.arena]!.set(new Uint32Array(data.buffer, data.byteOffset, data.length), ref.offset);
  };
  for (const c of plan.constants) place(c.ref, c.data);
  plan.inputs.forEach((t, i) => place(t.ref, inputs[i]!));
  return arenas;
}

/** Reads the plan's outputs out of the arenas (f32 or i32 by the output's device dtype). */
export function readOutputs(plan: ExecutionPlan, arenas: readonly Uint32Array[]): (Float32Array | Int32Array)[] {
  return plan.outputs.map((o) => {
    const n = o.shape.reduce((a, b) => a * b, 1);
    const words = arenas[o.ref.arena]!.slice(o.ref.offset, o.ref.offset + n);
    return o.dtype === 'i32' ? new Int32Array(words.buffer) : new Float32Array(words.buffer);
  });
}
