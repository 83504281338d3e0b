// The CUDA C renderer: the C-family printer with CUDA's table (words as unsigned int, threads, barriers, mma), no #include.

import { someStmt, type Kernel, type Scalar, type Special, type Stmt } from '../kernel-ir.js';
import { CFamilyPrinter, type CLanguage } from './c-family.js';
import { helpersFor } from './device-helpers.js';

const TYPE: { readonly [S in Scalar]: string } = { f32: 'float', i32: 'int', u32: 'unsigned int', bool: 'bool' };

const hasBarrier = (list: readonly Stmt[]): boolean => someStmt(list, (s) => s.k === 'barrier');

/** The CUDA language table; `wg` is the kernel's block size (global ids are computed from it). */
function cudaLanguage(wg: readonly [number, number, number]): CLanguage {
  return {
    types: TYPE,
    nonFinite: ['__uint_as_float(0x7fc00000u)', '__uint_as_float(0x7f800000u)', '__uint_as_float(0xff800000u)'],
    bool: ['false', 'true'],
    rsqrt: (x) => `rsqrtf(${x})`,
    special: (which: Special) => {
      const [kind, axis] = which.split('.') as ['gid' | 'lid' | 'wid', 'x' | 'y' | 'z'];
      if (kind === 'lid') return `((int)threadIdx.${axis})`;
      if (kind === 'wid') return `((int)blockIdx.${axis})`;
      return `((int)(blockIdx.${axis} * ${wg['xyz'.indexOf(axis)]!}u + threadIdx.${axis}))`;
    },
    // Arenas are unsigned int words: f32 and i32 tensors share them.
    loadBinding: (buf, index, t) => {
      const raw = `${buf}[${index}]`;
      return t === 'f32' ? `__uint_as_float(${raw})` : t === 'i32' ? `((int)${raw})` : t === 'bool' ? `(${raw} != 0u)` : raw;
    },
    storeBinding: (buf, index, v, t) => {
      const word = t === 'f32' ? `__float_as_uint(${v})` : t === 'i32' ? `(unsigned int)(${v})` : t === 'bool' ? `(${v} ? 1u : 0u)` : v;
      return `${buf}[${index}] = ${word};`;
    },
    barrier: ['__syncthreads();'],
    comment: (text) => `// ${text.replace(/\s+/g, ' ')}`,
    // A loop with a barrier is a tile loop: unrolling it only hoists the next tile's loads into registers.
    loopPragma: (s) => (hasBarrier(s.body) ? ['#pragma unroll 1'] : []),
  };
}

/** The CUDA printer: `mma` statements become TF32 fragment loads and mma.sync steps. */
class CudaPrinter extends CFamilyPrinter {
  protected override mma(s: Extract<Stmt, { k: 'mma' }>, ind: string): string[] {
    const m = s.step;
    const out: string[] = [];
    m.a.forEach((regs, mi) => regs.forEach((idx, r) => out.push(`${ind}const unsigned int fa${mi}_${r} = vmapc_tf32(${m.aBuf}[${this.expr(idx)}]);`)));
    m.b.forEach((regs, ni) => regs.forEach((idx, r) => out.push(`${ind}const unsigned int fb${ni}_${r} = vmapc_tf32(${m.bBuf}[${this.expr(idx)}]);`)));
    m.acc.forEach((row, mi) =>
      row.forEach((c, ni) => out.push(`${ind}vmapc_mma_tf32(${c.join(', ')}, fa${mi}_0, fa${mi}_1, fa${mi}_2, fa${mi}_3, fb${ni}_0, fb${ni}_1);`)),
    );
    return out;
  }
}

/**
 * Renders a kernel as a self-contained CUDA C translation unit: an `extern "C" __global__` entry named
 * after the kernel, taking one `unsigned int*` per arena binding (f32 and i32 share the words) and, when
 * it draws random numbers, the per-run seed last. Helpers sit under include guards, so the kernels of a
 * plan concatenate into one program.
 */
export function renderCuda(kernel: Kernel): string {
  const printer = new CudaPrinter(cudaLanguage(kernel.workgroupSize), new Set(kernel.bindings.map((b) => b.name)));
  const shared = kernel.shared.map((s) => `  __shared__ ${TYPE[s.t]} ${s.name}[${s.size}];`);
  const body = printer.stmts(kernel.body, '  ');
  const params = kernel.bindings.map((b) => `${b.access === 'read' ? 'const ' : ''}unsigned int* __restrict__ ${b.name}`);
  if (kernel.usesSeed) params.push('const unsigned int seed');
  const [x, y, z] = kernel.workgroupSize;
  return [
    `// vmapc kernel ${kernel.name}: ${kernel.label.replace(/\s+/g, ' ')}`,
    ...helpersFor(body.join('\n'), 'cuda'),
    `extern "C" __global__ void __launch_bounds__(${x * y * z}) ${kernel.name}(${params.join(', ')}) {`,
    ...shared,
    ...body,
    '}',
    '',
  ].join('\n');
}
