// Runs one fuzz program every way (members looped, vmap on the CPU reference, each compile target) and compares them.

import type { DType, TypedArray } from '../../ir/dtype.js';
import { BackendError } from '../../ir/errors.js';
import { topoSort, type Graph } from '../../ir/node.js';
import { printGraph } from '../../ir/print.js';
import { compile } from '../../compiler/compile.js';
import { flatten } from '../../compiler/func/pytree.js';
import * as ops from '../../compiler/trace/ops.js';
import { manualSeed, stackModuleState, Tensor } from '../../index.js';
import { activeBackends, checkOne, type CompileChecker, type FuzzBackend } from './backends.js';
import { buildEnsemble, describePlan, planProgram, type Ensemble } from './build.js';
import type { Program } from './program.js';
import { runShadow } from './shadow.js';

/** Tolerance per dtype: |got - want| <= atol + rtol |want| + shadow |want - want64| (the last term: the f32 rounding the result carries). */
export const TOLERANCE: { readonly [D in DType]: { readonly rtol: number; readonly atol: number; readonly shadow: number } } = {
  f32: { rtol: 1e-3, atol: 1e-4, shadow: 32 },
  f64: { rtol: 1e-9, atol: 1e-10, shadow: 32 },
  i32: { rtol: 0, atol: 0, shadow: 0 },
  i64: { rtol: 0, atol: 0, shadow: 0 },
};

export interface Verdict {
  readonly program: Program;
  readonly plan: string;
  /** The traced vmapped graph, printed. */
  readonly ir: string;
  readonly failures: readonly string[];
  /** What was compared, e.g. 'loop vs vmap', 'webgpu vs vmap'. */
  readonly compared: readonly string[];
  /** Backends that refused the graph as they should (f64 on a device). */
  readonly refused: readonly string[];
}

const leavesOf = (tree: unknown): Tensor[] => flatten(tree).leaves as Tensor[];

/** Compares two result trees leaf by leaf; returns a description of the first disagreement. */
export function compareResults(got: unknown, want: unknown, shadow?: readonly TypedArray[]): string | undefined {
  const g = leavesOf(got), w = leavesOf(want);
  if (g.length !== w.length) return `${g.length} outputs, expected ${w.length}`;
  for (let k = 0; k < w.length; k++) {
    const a = g[k]!, e = w[k]!;
    if (a.shape.join() !== e.shape.join()) return `output ${k}: shape [${a.shape}], expected [${e.shape}]`;
    if (a.dtype !== e.dtype) return `output ${k}: dtype ${a.dtype}, expected ${e.dtype}`;
    const tol = TOLERANCE[e.dtype];
    const av = a.toArray(), ev = e.toArray(), sv = shadow?.[k];
    for (let i = 0; i < ev.length; i++) {
      const x = av[i]!, y = ev[i]!;
      if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
      const s = sv ? Number(sv[i]) : y;
      const allowed = tol.atol + tol.rtol * Math.abs(y) + (Number.isFinite(s) ? tol.shadow * Math.abs(y - s) : 0);
      if (!(Math.abs(x - y) <= allowed)) return `output ${k} ${e.dtype}[${e.shape}] element ${i}: got ${x}, expected ${y} (f64 shadow ${s}, allowed error ${allowed.toExponential(2)})`;
    }
  }
  return undefined;
}

const hasF64 = (g: Graph): boolean => topoSort(g).some((n) => n.dtype === 'f64');

/** The members run one by one on their slices, outputs stacked at out_dims; buffers (training mode) stacked after. */
function runLoop(ens: Ensemble, seed: number, writes: boolean): unknown {
  const { plan } = ens;
  const perMember = ens.members.map((m, i) => {
    manualSeed(seed);
    const r = (m.forward as (...a: unknown[]) => Tensor | Tensor[])(...ens.memberArgs(i));
    return Array.isArray(r) ? r : [r];
  });
  const outs = plan.outputs.map((_, k) => {
    const rank = perMember[0]![k]!.shape.length;
    const d = plan.outDims[k]!;
    return ops.stack(perMember.map((r) => r[k]!), d < 0 ? d + rank + 1 : d);
  });
  const out = outs.length === 1 ? outs[0]! : outs;
  return writes ? { out, buffers: stackModuleState(ens.members).buffers } : { out };
}

const checkers = new Map<FuzzBackend, Promise<CompileChecker | undefined>>();

/** A compile-check backend's checker, made once per process (undefined when its tools are missing). */
export function checkerFor(b: FuzzBackend): Promise<CompileChecker | undefined> {
  let c = checkers.get(b);
  if (!c) checkers.set(b, (c = b.checker ? b.checker() : Promise.resolve(undefined)));
  return c;
}

/** A compile check left for later, so a campaign compiles all its graphs in one compiler run. */
export interface DeferredCheck {
  readonly backend: FuzzBackend;
  readonly checker: CompileChecker;
  readonly src: { readonly source: string; readonly entries: readonly string[] };
  readonly program: Program;
}

export interface CheckOptions {
  readonly backends?: readonly FuzzBackend[];
  /** Collect compile checks here instead of running them now. */
  readonly deferred?: DeferredCheck[];
  /** @internal Rewrites kernels before the device compiles them (the fuzzer's own test breaks one on purpose). */
  readonly patchSource?: (kernel: string, source: string) => string;
}

/** Checks one program; never throws for a disagreement (it is returned as a failure). */
export async function checkProgram(program: Program, options: CheckOptions = {}): Promise<Verdict> {
  const plan = planProgram(program);
  const planText = describePlan(plan);
  const failures: string[] = [], compared: string[] = [], refused: string[] = [];
  const ens = buildEnsemble(plan);
  const seed = 1000 + (program.dataSeed % 100_000);
  const example: unknown[] = [ens.params, ens.buffers, ...ens.args];
  const random = plan.randomSteps > 0;
  const writes = program.mode === 'train' && Object.keys(ens.buffers).length > 0;
  const verdict = (ir: string): Verdict => ({ program, plan: planText, ir, failures, compared, refused });

  let vmapped: unknown;
  try {
    manualSeed(seed);
    vmapped = ens.fn(ens.params, ens.buffers, ...ens.args);
  } catch (e) {
    failures.push(`vmap on the CPU reference threw: ${(e as Error).stack}`);
    return verdict('');
  }
  // The compiled reference: the traced graph (for the IR and the f64 shadow) and the oracle when the graph draws random numbers.
  let graph: Graph, refOut: unknown;
  try {
    const ref = await compile(ens.fn, { target: 'reference', example: example as [Record<string, Tensor>, Record<string, Tensor>, ...unknown[]], seed });
    graph = ref.graph;
    refOut = await ref.run(...(example as [Record<string, Tensor>, Record<string, Tensor>, ...unknown[]]));
    ref.destroy();
  } catch (e) {
    failures.push(`compile for the reference target threw: ${(e as Error).stack}`);
    return verdict('');
  }
  const ir = printGraph(graph);
  const inputs = example.flatMap((a) => leavesOf(a).filter((t): t is Tensor => t instanceof Tensor)).map((t) => t.data);
  const shadow = runShadow(graph, inputs, seed);
  const oracle = random ? refOut : vmapped;
  const oracleName = random ? 'the reference target' : 'vmap';
  const f64 = hasF64(graph);

  for (const b of options.backends ?? activeBackends()) {
    if (b.target === 'reference') {
      if (!random) {
        compared.push('reference vs vmap');
        const bad = compareResults(refOut, vmapped, shadow);
        if (bad) failures.push(`reference target vs vmap: ${bad}`);
      }
      continue;
    }
    if (b.mode === 'compile-check') {
      const checker = await checkerFor(b);
      if (!checker) continue;
      try {
        const src = checker.source(graph, `g${options.deferred?.length ?? 0}`);
        if (options.deferred) options.deferred.push({ backend: b, checker, src, program });
        else checkOne(checker, src);
        compared.push(`${b.target} compiles`);
      } catch (e) {
        if (f64 && !b.f64 && e instanceof BackendError && /f64/.test(e.message)) refused.push(b.target);
        else failures.push(`${b.target} does not compile: ${(e as Error).stack}`);
      }
      continue;
    }
    try {
      const internal = options.patchSource ? { internal: { patchSource: options.patchSource } } : {};
      const c = await compile(ens.fn, { target: b.target as 'webgpu', example: example as [Record<string, Tensor>, Record<string, Tensor>, ...unknown[]], seed, verify: true, ...internal });
      try {
        const got = await c.run(...(example as [Record<string, Tensor>, Record<string, Tensor>, ...unknown[]]));
        compared.push(`${b.target} vs ${random ? 'reference' : 'vmap'}`);
        const bad = compareResults(got, oracle, shadow);
        if (bad) failures.push(`${b.target} vs ${oracleName}: ${bad}${random ? ` (both with run seed ${seed})` : ''}`);
      } finally {
        c.destroy();
      }
    } catch (e) {
      if (f64 && !b.f64 && e instanceof BackendError && /f64/.test(e.message)) refused.push(b.target);
      else failures.push(`${b.target} threw: ${(e as Error).stack}`);
    }
  }

  // Last, as it updates the members' own buffers in training mode.
  if (!random || program.randomness === 'same') {
    try {
      const looped = runLoop(ens, seed, writes);
      compared.push('loop vs vmap');
      const bad = compareResults(vmapped, looped, random ? undefined : shadow);
      if (bad) failures.push(`vmap vs the members looped: ${bad}`);
    } catch (e) {
      failures.push(`running the members one by one threw: ${(e as Error).stack}`);
    }
  }
  return verdict(ir);
}
