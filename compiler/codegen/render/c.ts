// The C renderer: the C-family printer with C's table, plus the kernel template (OpenMP or pthread tasks, GEMM micro-kernel calls).

import { someStmt, type Kernel, type MicroCall, type Scalar, type Stmt } from '../kernel-ir.js';
import { CFamilyPrinter, type CLanguage } from './c-family.js';
import { POOL } from './c-pool.js';
import { guarded, helpersFor } from './device-helpers.js';
import { microName, microSource, vectorPrelude } from './gemm-micro-c.js';

const TYPE: { readonly [S in Scalar]: string } = { f32: 'float', i32: 'int32_t', u32: 'uint32_t', bool: 'int' };

/** C: bindings are float arrays; i32 tensors in them are read and written through an int32_t view. */
const C: CLanguage = {
  types: TYPE,
  nonFinite: ['NAN', 'INFINITY', '(-INFINITY)'],
  bool: ['0', '1'],
  rsqrt: (x) => `(1.0f / sqrtf(${x}))`,
  special: () => '0',
  loadBinding: (buf, index, t) => (t === 'f32' ? `${buf}[${index}]` : `((${TYPE[t]}*)${buf})[${index}]`),
  storeBinding: (buf, index, value, t) => (t === 'f32' ? `${buf}[${index}] = ${value};` : `((${TYPE[t]}*)${buf})[${index}] = ${value};`),
  barrier: [],
  comment: (text) => `/* ${text.replace(/\*\//g, '* /')} */`,
  loopPragma: () => [],
};

/** The C printer: micro statements become routine calls, parallel loops OpenMP loops with per-task scratch. */
class CPrinter extends CFamilyPrinter {
  constructor(bindings: ReadonlySet<string>, private readonly shared: readonly { name: string; t: Scalar; size: number }[]) {
    super(C, bindings);
  }

  protected override micro(s: Extract<Stmt, { k: 'micro' }>, ind: string): string[] {
    const c = s.call;
    const p = (x: { buf: string; index: Parameters<CPrinter['expr']>[0] }): string => `${x.buf} + ${this.expr(x.index)}`;
    const e = (x: Parameters<CPrinter['expr']>[0]): string => this.expr(x);
    const args = c.shape.kind === 'nn'
      ? [p(c.acc), String(c.ldacc), p(c.a), e(c.lda), e(c.ak), p(c.b), e(c.ldb), e(c.kc), e(c.mr)]
      : [p(c.acc), String(c.ldacc), p(c.a), e(c.lda), p(c.b), e(c.ldb), e(c.kc), e(c.mr), e(c.nr)];
    return [`${ind}${microName(c.shape)}(${args.join(', ')});`];
  }

  protected override forHead(s: Extract<Stmt, { k: 'for' }>): string[] {
    return s.parallel ? ['#pragma omp parallel for schedule(dynamic, 1)', ...super.forHead(s)] : super.forHead(s);
  }

  protected override loopBody(s: Extract<Stmt, { k: 'for' }>, ind: string): string[] {
    // A parallel iteration is a task: its scratch (the kernel's shared arrays) is private to it.
    const scratch = s.parallel ? this.shared.map((a) => `${ind}  ${TYPE[a.t]} ${a.name}[${a.size}] __attribute__((aligned(64)));`) : [];
    return [...scratch, ...super.loopBody(s, ind)];
  }
}

/** The micro-kernel calls of a body, nested ones too. */
function microCalls(list: readonly Stmt[]): MicroCall[] {
  return list.flatMap((s): MicroCall[] => {
    switch (s.k) {
      case 'micro': return [s.call];
      case 'for': return microCalls(s.body);
      case 'if': return [...microCalls(s.then), ...microCalls(s.else ?? [])];
      default: return [];
    }
  });
}

const PRELUDE = ['#include <stdint.h>', '#include <string.h>', '#include <math.h>'].join('\n');

const hasParallel = (list: readonly Stmt[]): boolean => someStmt(list, (s) => s.k === 'for' && !!s.parallel);

/** The C signature of a kernel: one float pointer per binding, then the run's seed. */
export function cSignature(kernel: Kernel): string {
  return `void ${kernel.name}(${[...kernel.bindings.map((b) => `float* restrict ${b.name}`), 'uint32_t seed'].join(', ')})`;
}


/** The helpers, vector types and micro-kernels a rendered body uses, each under its include guard. */
function preamble(text: string, micro: readonly MicroCall[], pool: boolean): string[] {
  const lines = [guarded('PRELUDE', PRELUDE), ...helpersFor(text, 'c')];
  if (pool) lines.push(guarded('POOL', POOL));
  for (const v of new Set(micro.map((c) => c.shape.vlen))) lines.push(guarded(`VEC${v}`, vectorPrelude(v)));
  for (const name of new Set(micro.map((c) => microName(c.shape)))) lines.push(guarded(name, microSource(name)));
  return lines;
}

const isTaskLoop = (s: Stmt | undefined): s is Extract<Stmt, { k: 'for' }> =>
  !!s && s.k === 'for' && !!s.parallel && s.start.k === 'lit' && s.start.v === 0 && s.step.k === 'lit' && s.step.v === 1;

/**
 * Renders a kernel as a C translation unit: the prelude and helpers it uses (each under an include
 * guard, so the kernels of a plan concatenate into one library) and the kernel function. A body that
 * is one parallel task loop becomes a task function, run by OpenMP or (without it) by a pthread pool;
 * each task's scratch (the kernel's shared arrays) is its own.
 */
export function renderC(kernel: Kernel): string {
  const micro = microCalls(kernel.body);
  const bindings = new Set(kernel.bindings.map((b) => b.name));
  const scratch = (ind: string): string[] => kernel.shared.map((a) => `${ind}${TYPE[a.t]} ${a.name}[${a.size}] __attribute__((aligned(64)));`);
  const head = `/* vmapc kernel ${kernel.name}: ${kernel.label} */`;
  const only = kernel.body.length === 1 ? kernel.body[0] : undefined;
  if (isTaskLoop(only)) {
    const printer = new CPrinter(bindings, []);
    const text = printer.stmts(only.body, '  ').join('\n');
    const ctx = `${kernel.name}_ctx`, task = `${kernel.name}_task`;
    const fields = [...kernel.bindings.map((b) => `float* ${b.name};`), 'uint32_t seed;'];
    const end = printer.expr(only.end);
    return [
      head,
      ...preamble(text, micro, true),
      `struct ${ctx} { ${fields.join(' ')} };`,
      `static void ${task}(const void* ctx_, int32_t ${only.v}) {`,
      `  const struct ${ctx}* c_ = (const struct ${ctx}*)ctx_;`,
      ...kernel.bindings.map((b) => `  float* restrict ${b.name} = c_->${b.name};`),
      `  const uint32_t seed = c_->seed;`,
      '  (void)seed;',
      ...scratch('  '),
      text,
      '}',
      `${cSignature(kernel)} {`,
      `  const struct ${ctx} c_ = { ${[...kernel.bindings.map((b) => b.name), 'seed'].join(', ')} };`,
      '#ifdef _OPENMP',
      '  #pragma omp parallel for schedule(dynamic, 1)',
      `  for (int32_t t_ = 0; t_ < ${end}; t_++) ${task}(&c_, t_);`,
      '#else',
      `  vmapc_parallel(${end}, ${task}, &c_);`,
      '#endif',
      '}',
      '',
    ].join('\n');
  }
  const top = !hasParallel(kernel.body);
  const printer = new CPrinter(bindings, top ? [] : kernel.shared);
  const text = printer.stmts(kernel.body, '  ').join('\n');
  const lines = [head, ...preamble(text, micro, false), `${cSignature(kernel)} {`];
  if (!kernel.usesSeed) lines.push('  (void)seed;');
  if (top) lines.push(...scratch('  '));
  lines.push(text, '}', '');
  return lines.join('\n');
}
