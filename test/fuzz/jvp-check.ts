// The fuzzer's jvp target: on a random ensemble graph, jvp against finite differences and the vjp (f64), the jvp API, and compiled or built jvps.

import { convertArray, isFloat, type TypedArray } from '../../ir/dtype.js';
import { BackendError } from '../../ir/errors.js';
import { topoSort, type Graph } from '../../ir/node.js';
import { printGraph } from '../../ir/print.js';
import { numelOf } from '../../ir/shape.js';
import { runGraph } from '../../runtime/reference/interpreter.js';
import { Generator } from '../../runtime/rng.js';
import { compile } from '../../compiler/compile.js';
import { flatten, unflatten } from '../../compiler/func/pytree.js';
import { gradPass } from '../../compiler/passes/grad-pass.js';
import { jvpPass } from '../../compiler/passes/jvp.js';
import { traceFunction } from '../../compiler/trace/trace-fn.js';
import { jvp, manualSeed, Tensor } from '../../index.js';
import { activeBackends, checkOne } from './backends.js';
import { buildEnsemble, describePlan, planProgram } from './build.js';
import { checkerFor, compareResults, type CheckOptions, type Verdict } from './check.js';
import type { Program } from './program.js';
import { promoteToF64 } from './shadow.js';

/**
 * Central differences use this step (and twice it). Points where f is not smooth at this scale (relu at 0,
 * ties of max, jumps of where and casts) are skipped: there the one-sided derivatives differ and the jvp
 * takes a convention (PyTorch's), which finite differences cannot check; the vjp comparison covers them.
 */
const H = 1e-6;
/** |jvp - central difference| <= FD_TOL (1 + |central difference|), in f64. */
const FD_TOL = 1e-5;
/** |<u, J t> - <J^T u, t>| <= DOT_TOL (1 + sum of |terms|), in f64. */
const DOT_TOL = 1e-9;

const ctxFor = (seed: number) => ({ seed });
const dot = (a: TypedArray, b: TypedArray): [number, number] => {
  let s = 0, abs = 0;
  for (let i = 0; i < a.length; i++) {
    const p = Number(a[i]) * Number(b[i]);
    s += p;
    abs += Math.abs(p);
  }
  return [s, abs];
};

/** jvp of the f64 graph against central differences, element by element, skipping kinks and non-finite values. */
function finiteDifferences(g64: Graph, vals: readonly TypedArray[], tans: readonly Float64Array[], primal: readonly TypedArray[], tangent: readonly TypedArray[], seed: number): string | undefined {
  const at = (e: number): TypedArray[] => vals.map((v, k) => Float64Array.from({ length: v.length }, (_, i) => Number(v[i]) + e * tans[k]![i]!));
  const plus = runGraph(g64, at(H), ctxFor(seed)), minus = runGraph(g64, at(-H), ctxFor(seed));
  const plus2 = runGraph(g64, at(2 * H), ctxFor(seed)), minus2 = runGraph(g64, at(-2 * H), ctxFor(seed));
  for (let k = 0; k < g64.outputs.length; k++) {
    const o = g64.outputs[k]!;
    if (!isFloat(o.dtype)) {
      if (Array.from(tangent[k]!, Number).some((v) => v !== 0)) return `output ${k} ${o.dtype}[${o.shape}] is an integer but its tangent is not zero`;
      continue;
    }
    for (let i = 0; i < primal[k]!.length; i++) {
      const y0 = Number(primal[k]![i]), yp = Number(plus[k]![i]), ym = Number(minus[k]![i]), t = Number(tangent[k]![i]);
      if (![y0, yp, ym, t].every(Number.isFinite)) continue;
      const central = (yp - ym) / (2 * H), wide = (Number(plus2[k]![i]) - Number(minus2[k]![i])) / (4 * H);
      // Second differences at h and 2h: 4:1 where f is smooth; a kink of slope jump J at the point gives 2:1, so
      // |d2 - 4 d1| / 2h estimates J. A kink within the step makes the two central estimates differ instead.
      const d1 = yp - 2 * y0 + ym, d2 = Number(plus2[k]![i]) - 2 * y0 + Number(minus2[k]![i]);
      const tol = FD_TOL * (1 + Math.abs(central));
      if (!(Math.abs(d2 - 4 * d1) / (2 * H) <= tol / 4) || !(Math.abs(wide - central) <= tol / 4)) continue;
      if (!(Math.abs(t - central) <= tol)) {
        return `output ${k} f64[${o.shape}] element ${i}: jvp ${t}, central differences ${central} (step ${H}; ${wide} with step ${2 * H})`;
      }
    }
  }
  return undefined;
}

/** <u, J t> from the jvp pass against <J^T u, t> from the grad pass, u random over the float outputs. */
function againstVjp(g64: Graph, vals: readonly TypedArray[], tans: readonly Float64Array[], tangent: readonly TypedArray[], gen: Generator, seed: number): string | undefined | 'skipped' {
  const of = g64.outputs.map((o, k) => (isFloat(o.dtype) ? k : -1)).filter((k) => k >= 0);
  if (of.length === 0) return 'skipped';
  const us = of.map((k) => Float64Array.from(gen.uniform(numelOf(g64.outputs[k]!.shape), -1, 1)));
  const grads = runGraph(gradPass(g64, { wrt: g64.inputs.map((_, i) => i), of, seed: 'input' }), [...vals, ...us], ctxFor(seed)).slice(g64.outputs.length);
  let lhs = 0, rhs = 0, scale = 0;
  of.forEach((k, j) => {
    const [s, a] = dot(us[j]!, tangent[k]!);
    lhs += s;
    scale += a;
  });
  grads.forEach((g, i) => {
    const [s, a] = dot(g, tans[i]!);
    rhs += s;
    scale += a;
  });
  if (![lhs, rhs, scale].every(Number.isFinite)) return 'skipped';
  if (!(Math.abs(lhs - rhs) <= DOT_TOL * (1 + scale))) return `<u, J t> = ${lhs} but <J^T u, t> = ${rhs} (sum of |terms| ${scale.toExponential(2)})`;
  return undefined;
}

const hasRandom = (g: Graph): boolean => topoSort(g).some((n) => n.op === 'rand');

/**
 * Checks one program's forward-mode derivative; never throws for a disagreement. The ensemble's function
 * is taken as a function of its floating-point tensors (integer inputs and buffers held constant).
 */
export async function checkJvp(program: Program, options: CheckOptions = {}): Promise<Verdict> {
  const plan = planProgram(program);
  const planText = describePlan(plan);
  const failures: string[] = [], compared: string[] = [], refused: string[] = [];
  const ens = buildEnsemble(plan);
  const seed = 1000 + (program.dataSeed % 100_000);
  const flat = flatten([ens.params, ens.buffers, ...ens.args]);
  const floatAt = flat.leaves.map((l, i) => (l instanceof Tensor && isFloat(l.dtype) ? i : -1)).filter((i) => i >= 0);
  const floats = floatAt.map((i) => flat.leaves[i] as Tensor);
  const verdict = (ir: string): Verdict => ({ program, plan: planText, ir, failures, compared, refused });
  if (floats.length === 0) return verdict('');
  const g = (...fs: Tensor[]): unknown => {
    const leaves = [...flat.leaves];
    floatAt.forEach((li, k) => (leaves[li] = fs[k]));
    const [p, b, ...xs] = unflatten(flat.def, leaves) as [Record<string, Tensor>, Record<string, Tensor>, ...unknown[]];
    return ens.fn(p, b, ...xs);
  };

  let graph: Graph;
  try {
    graph = traceFunction('fuzz jvp', floats.map((t, k) => ({ name: `f${k}`, shape: t.shape, dtype: t.dtype })), (ins) => g(...ins)).graph;
  } catch (e) {
    failures.push(`tracing for jvp threw: ${(e as Error).stack}`);
    return verdict('');
  }
  const ir = printGraph(graph);
  const gen = new Generator(program.dataSeed + 7);
  const tans = floats.map((t) => Float64Array.from(gen.uniform(numelOf(t.shape), -1, 1)));
  const g64 = promoteToF64(graph);
  const vals = floats.map((t) => convertArray(t.data, 'f64'));
  let shadow: TypedArray[];
  try {
    const res = runGraph(jvpPass(g64, { wrt: g64.inputs.map((_, i) => i) }), [...vals, ...tans], ctxFor(seed));
    shadow = res;
    const primal = res.slice(0, g64.outputs.length), tangent = res.slice(g64.outputs.length);
    compared.push('jvp vs finite differences');
    const fd = finiteDifferences(g64, vals, tans, primal, tangent, seed);
    if (fd) failures.push(`jvp vs finite differences: ${fd}`);
    const dv = againstVjp(g64, vals, tans, tangent, gen, seed);
    if (dv !== 'skipped') compared.push('jvp vs vjp');
    if (dv && dv !== 'skipped') failures.push(`jvp vs vjp: ${dv}`);
  } catch (e) {
    failures.push(`the jvp pass threw: ${(e as Error).stack}`);
    return verdict(ir);
  }
  // Random draws differ between a retrace and this graph (keys), so the API and devices are compared on deterministic graphs only.
  if (hasRandom(graph)) return verdict(ir);

  const tangents32 = floats.map((t, k) => Tensor.fromArray(tans[k]!, t.shape, 'f64').to(t.dtype));
  const api = (fs: Tensor[], ts: Tensor[]): unknown => jvp(g, fs, ts);
  let eager: unknown;
  try {
    manualSeed(seed);
    eager = api(floats, tangents32);
    const want = [...runGraph(jvpPass(graph, { wrt: graph.inputs.map((_, i) => i) }), [...floats.map((t) => t.data), ...tangents32.map((t) => t.data)], ctxFor(seed))];
    compared.push('jvp api vs pass');
    const bad = compareResults(eager, want.map((a, k) => Tensor.fromArray(a, (k < graph.outputs.length ? graph.outputs[k]! : graph.outputs[k - graph.outputs.length]!).shape)), shadow);
    if (bad) failures.push(`jvp api vs pass: ${bad}`);
  } catch (e) {
    failures.push(`jvp(f) on the CPU reference threw: ${(e as Error).stack}`);
    return verdict(ir);
  }
  const f64 = topoSort(graph).some((n) => n.dtype === 'f64');
  for (const b of options.backends ?? activeBackends()) {
    if (b.target === 'reference') continue;
    if (b.mode === 'compile-check') {
      const checker = await checkerFor(b);
      if (!checker) continue;
      try {
        const n = floats.length;
        const traced = traceFunction('fuzz jvp', [...floats, ...tangents32].map((t, k) => ({ name: `in${k}`, shape: t.shape, dtype: t.dtype })), (ins) => api(ins.slice(0, n), ins.slice(n)));
        const src = checker.source(traced.graph, `j${options.deferred?.length ?? 0}`);
        if (options.deferred) options.deferred.push({ backend: b, checker, src, program });
        else checkOne(checker, src);
        compared.push(`${b.target} jvp compiles`);
      } catch (e) {
        if (f64 && !b.f64 && e instanceof BackendError && /f64/.test(e.message)) refused.push(b.target);
        else failures.push(`${b.target} jvp does not compile: ${(e as Error).stack}`);
      }
      continue;
    }
    try {
      const c = await compile(api, { target: b.target as 'webgpu', example: [floats, tangents32], seed, verify: true });
      try {
        const got = await c.run(floats, tangents32);
        compared.push(`${b.target} jvp vs eager`);
        const bad = compareResults(got, eager, shadow);
        if (bad) failures.push(`${b.target} jvp vs eager: ${bad}`);
      } finally {
        c.destroy();
      }
    } catch (e) {
      if (f64 && !b.f64 && e instanceof BackendError && /f64/.test(e.message)) refused.push(b.target);
      else failures.push(`${b.target} jvp threw: ${(e as Error).stack}`);
    }
  }
  return verdict(ir);
}
