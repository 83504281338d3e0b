// Compiles many plans' CUDA in one nvcc -ptx run and assembles it with ptxas (sm_90); reports per-kernel resources.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExecutionPlan } from '../../runtime/plan.js';

/** nvcc and ptxas, or the reason they cannot be used here. */
export function findCudaTools(): { nvcc: string; ptxas: string } | { missing: string } {
  const dirs = [process.env['CUDA_PATH'], process.env['CUDA_HOME'], '/usr/local/cuda'].filter((d): d is string => !!d).map((d) => path.join(d, 'bin'));
  const find = (tool: string): string | undefined => {
    try {
      return execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      return dirs.map((d) => path.join(d, tool)).find((p) => existsSync(p));
    }
  };
  const nvcc = find('nvcc'), ptxas = find('ptxas');
  if (!nvcc || !ptxas) return { missing: `${!nvcc ? 'nvcc' : 'ptxas'} is not on PATH nor in CUDA_PATH/bin or /usr/local/cuda/bin` };
  return { nvcc, ptxas };
}

/** A plan's sources with entry points renamed `<prefix>_<entry>`, so many plans share one translation unit. */
export function prefixedSource(plan: ExecutionPlan, prefix: string): string {
  return plan.kernels
    .map((k) => {
      const renamed = k.source.replace(`void __launch_bounds__(`, '\u0000').replace(new RegExp(`\\) ${k.entry}\\(`), `) ${prefix}_${k.entry}(`).replace('\u0000', 'void __launch_bounds__(');
      if (renamed === k.source) throw new Error(`entry ${k.entry} not found in its source`);
      return renamed;
    })
    .join('\n');
}

export interface KernelResources {
  readonly registers: number;
  readonly spillBytes: number;
  readonly sharedBytes: number;
}

export interface DeviceBuild {
  /** PTX `.entry` names. */
  readonly entries: Set<string>;
  readonly ptx: string;
  /** ptxas -v per entry. */
  readonly resources: Map<string, KernelResources>;
}

/** nvcc -ptx -arch=sm_90, then ptxas -arch=sm_90 -v; throws with the tool's output when either fails. */
export function buildForSm90(tools: { nvcc: string; ptxas: string }, source: string): DeviceBuild {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vmapc-nvcc-'));
  try {
    const cu = path.join(dir, 'plans.cu'), ptx = path.join(dir, 'plans.ptx'), cubin = path.join(dir, 'plans.cubin');
    writeFileSync(cu, source);
    const run = (tool: string, args: string[]): string => {
      try {
        return execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) ?? '';
      } catch (e) {
        const err = e as { stdout?: string; stderr?: string };
        throw new Error(`${path.basename(tool)} failed:\n${err.stderr ?? ''}${err.stdout ?? ''}`);
      }
    };
    run(tools.nvcc, ['-ptx', '-arch=sm_90', '-o', ptx, cu]);
    // ptxas reports -v on stderr; merge it so a successful run's report can be read.
    const report = run('sh', ['-c', `"$0" -arch=sm_90 -v -o "$1" "$2" 2>&1`, tools.ptxas, cubin, ptx]);
    const text = readFileSync(ptx, 'utf8');
    const entries = new Set([...text.matchAll(/\.entry\s+(\w+)/g)].map((m) => m[1]!));
    return { entries, ptx: text, resources: parseReport(report) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Registers, spills and shared memory per entry from ptxas -v. */
function parseReport(out: string): Map<string, KernelResources> {
  const res = new Map<string, KernelResources>();
  let current = '';
  let spill = 0;
  for (const line of out.split('\n')) {
    const fn = line.match(/Compiling entry function '(\w+)'/);
    if (fn) current = fn[1]!;
    const st = line.match(/(\d+) bytes spill stores/);
    if (st) spill = Number(st[1]);
    const regs = line.match(/Used (\d+) registers/);
    if (regs && current) {
      const smem = line.match(/(\d+) bytes smem/);
      res.set(current, { registers: Number(regs[1]), sharedBytes: smem ? Number(smem[1]) : 0, spillBytes: spill });
    }
  }
  return res;
}
