// Turns a fuzz Program into a plan (instructions over shapes), then an ensemble: members, inputs, in_dims and the vmapped function.

import type { DType } from '../../ir/dtype.js';
import { ShapeError } from '../../ir/errors.js';
import { numelOf } from '../../ir/shape.js';
import { flatten } from '../../compiler/func/pytree.js';
import { functionalCall, manualSeed, nn, stackModuleState, Tensor, vmap, type InDims } from '../../index.js';
import { INPUT_KINDS, type InputKind, type Program } from './program.js';
import { type Draft, type Init, type PlanCtx, type Slots, type Template, type Val } from './step-kit.js';
import { COMPOSED_TEMPLATES } from './steps-composed.js';
import { INDEX_TEMPLATES } from './steps-index.js';
import { LAYER_TEMPLATES } from './steps-layers.js';
import { MATH_TEMPLATES } from './steps-math.js';
import { SHAPE_TEMPLATES } from './steps-shape.js';

/**
 * Every step template; a program's step picks one by index (modulo), skipping those that do not apply.
 * New templates go at the end, so the indices stored regressions use keep their meaning.
 */
export const TEMPLATES: readonly Template[] = [...MATH_TEMPLATES, ...SHAPE_TEMPLATES, ...LAYER_TEMPLATES, ...COMPOSED_TEMPLATES, ...INDEX_TEMPLATES];

export interface PlannedInput {
  readonly kind: InputKind;
  readonly dtype: DType;
  /** Per-member shape. */
  readonly shape: readonly number[];
  /** in_dim as written (may be negative); null: shared by all members. */
  readonly inDim: number | null;
  /** The member axis in the passed tensor (normalised), or null. */
  readonly axis: number | null;
  readonly bound: number;
}

export interface Instr extends Draft {
  readonly template: string;
}

export interface Plan {
  readonly program: Program;
  readonly inputs: readonly PlannedInput[];
  readonly instrs: readonly Instr[];
  readonly vals: readonly Val[];
  /** Indices of the returned values. */
  readonly outputs: readonly number[];
  /** out_dims as written (may be negative). */
  readonly outDims: readonly number[];
  readonly randomSteps: number;
}

const DTYPE_OF: { readonly [K in InputKind]: DType } = { real: 'f32', int_valued: 'f32', index_i64: 'i64', index_i32: 'i32', real_f64: 'f64', nonfinite: 'f32' };

function valOfInput(i: PlannedInput): Val {
  const index = i.kind === 'index_i64' || i.kind === 'index_i32';
  return { shape: i.shape, dtype: i.dtype, exact: true, intValued: index || i.kind === 'int_valued', ...(index ? { bound: i.bound } : {}) };
}

function initTensor(shape: readonly number[], init: Init): Tensor {
  switch (init) {
    case 'randn': return Tensor.randn(shape);
    case 'small_int': return Tensor.randint(-2, 3, shape, { dtype: 'f32' });
    case 'mask': return Tensor.randint(0, 2, shape, { dtype: 'f32' });
    case 'positive': return Tensor.rand(shape, { low: 0.5, high: 1.5 });
    default: return init satisfies never;
  }
}

/** The network every member is an instance of: one submodule or parameter set per step, run in order. */
export class FuzzNet extends nn.Module {
  constructor(private readonly plan: Pick<Plan, 'instrs' | 'outputs'>) {
    super();
    plan.instrs.forEach((ins, k) => {
      if (ins.layer) this.set(`s${k}`, ins.layer());
      ins.state?.forEach((st, j) => this.set(`s${k}_${j}`, st.kind === 'param' ? new nn.Parameter(initTensor(st.shape, st.init)) : new nn.Buffer(initTensor(st.shape, st.init))));
    });
  }

  stepSlots(k: number): Slots {
    const ins = this.plan.instrs[k]!;
    return { layer: ins.layer ? (this.get(`s${k}`) as nn.Module) : undefined, state: (ins.state ?? []).map((_, j) => this.get(`s${k}_${j}`) as Tensor) };
  }

  forward(...args: unknown[]): Tensor | Tensor[] {
    const vals = flatten(args).leaves as Tensor[];
    this.plan.instrs.forEach((ins, k) => vals.push(ins.run(this.stepSlots(k), ins.operands.map((i) => vals[i]!))));
    const outs = this.plan.outputs.map((i) => vals[i]!);
    return outs.length === 1 ? outs[0]! : outs;
  }
}

/** Plans a program: inputs, then each step on the shapes so far (run eagerly on zeros to learn the next shape). */
export function planProgram(p: Program): Plan {
  manualSeed(p.dataSeed);
  const inputs: PlannedInput[] = p.inputs.map((d) => {
    const kind = INPUT_KINDS[d.kind % INPUT_KINDS.length]!;
    const r = d.dims.length;
    const axis = d.mapping === 1 ? null : d.axis % (r + 1);
    const inDim = axis === null ? null : d.mapping === 2 ? axis - (r + 1) : axis;
    return { kind, dtype: DTYPE_OF[kind], shape: [...d.dims], inDim, axis, bound: d.bound };
  });
  const vals: Val[] = inputs.map(valOfInput);
  const probe: Tensor[] = inputs.map((i) => Tensor.zeros(i.shape, i.dtype));
  const instrs: Instr[] = [];
  let randomSteps = 0;
  for (const step of p.steps) {
    const ctx: PlanCtx = { vals, mode: p.mode, randomness: p.randomness, randomSteps };
    for (let k = 0; k < TEMPLATES.length; k++) {
      const t = TEMPLATES[(step.op + k) % TEMPLATES.length]!;
      const draft = t.make(ctx, step);
      if (!draft) continue;
      let out: Tensor;
      try {
        const layer = draft.layer?.();
        layer?.train(p.mode === 'train');
        out = draft.run({ layer, state: (draft.state ?? []).map((s) => initTensor(s.shape, s.init)) }, draft.operands.map((i) => probe[i]!));
      } catch (e) {
        if (e instanceof ShapeError) continue; // the template's choices do not fit these shapes
        throw e;
      }
      if (numelOf(out.shape) > 1024) continue;
      instrs.push({ ...draft, template: t.name });
      vals.push({ shape: out.shape, dtype: out.dtype, exact: !!draft.exact, intValued: !!draft.intValued, ...(draft.bound ? { bound: draft.bound } : {}) });
      probe.push(out);
      if (draft.random) randomSteps++;
      break;
    }
  }
  const chosen = p.outputs.map((o) => vals.length - 1 - (o.value % vals.length));
  const outDims = p.outputs.map((o, k) => {
    const r = vals[chosen[k]!]!.shape.length;
    const d = o.dim % (r + 1);
    return o.dim >= r + 1 ? d - (r + 1) : d;
  });
  // Every step's result is observed: values nothing reads are returned too (member axis first).
  const used = new Set([...chosen, ...instrs.flatMap((i) => i.operands)]);
  const dangling = vals.map((_, i) => i).filter((i) => i >= inputs.length && !used.has(i));
  const outputs = [...chosen, ...dangling];
  outDims.push(...dangling.map(() => 0));
  const probeNet = new FuzzNet({ instrs, outputs });
  const hasState = probeNet.namedParameters().length + probeNet.namedBuffers().length > 0;
  // vmap needs something to map over: with no parameters, the first input carries the member axis.
  if (!hasState && inputs.every((i) => i.axis === null)) inputs[0] = { ...inputs[0]!, axis: 0, inDim: 0 };
  return { program: p, inputs, instrs, vals, outputs, outDims, randomSteps };
}

type Dict = Record<string, Tensor>;

export interface Ensemble {
  readonly plan: Plan;
  readonly members: readonly FuzzNet[];
  /** The arguments after params and buffers, nested as the program says. */
  readonly args: readonly unknown[];
  /** in_dims for those arguments (a prefix where the program asks for one). */
  readonly argDims: readonly InDims[];
  readonly params: Dict;
  readonly buffers: Dict;
  /** vmap(functionalCall) over the members; returns the outputs and, in training mode, the written buffers. */
  readonly fn: (p: Dict, b: Dict, ...xs: unknown[]) => { out: Tensor | Tensor[]; buffers?: Dict };
  /** The per-member forward on member i's slice of the arguments. */
  readonly memberArgs: (i: number) => unknown[];
}

/** Nests leaves (and their in_dims) as the program says: flat, a record, or a nested array. */
export function nestArgs<T>(leaves: readonly T[], dims: readonly (number | null)[], nest: number, prefix: boolean): { args: (T | Record<string, T> | unknown[])[]; dims: InDims[] } {
  const [first, ...rest] = leaves;
  const [d0, ...drest] = dims;
  const same = drest.every((d) => d === drest[0]);
  if (nest === 0 || leaves.length === 0) return { args: [...leaves], dims: [...dims] };
  if (nest === 1) {
    if (!rest.length) return { args: [{ a: first! }], dims: [prefix ? d0! : { a: d0! }] };
    const rec = Object.fromEntries(rest.map((l, k) => [String.fromCharCode(97 + k), l]));
    const recDims = prefix && same ? drest[0]! : Object.fromEntries(drest.map((d, k) => [String.fromCharCode(97 + k), d]));
    return { args: [first!, rec], dims: [d0!, recDims] };
  }
  if (!rest.length) return { args: [[first!]], dims: [prefix ? d0! : [d0!]] };
  const nested: unknown[] = rest.length === 1 ? [rest[0]] : [rest[0], [rest[1]]];
  const nestedDims: InDims = prefix && same ? drest[0]! : rest.length === 1 ? [drest[0]!] : [drest[0]!, prefix ? drest[1]! : [drest[1]!]];
  return { args: [first!, nested], dims: [d0!, nestedDims] };
}

function inputData(i: PlannedInput, M: number): Tensor {
  const shape = i.axis === null ? [...i.shape] : [...i.shape.slice(0, i.axis), M, ...i.shape.slice(i.axis)];
  switch (i.kind) {
    case 'real': return Tensor.randn(shape);
    case 'real_f64': return Tensor.randn(shape, { dtype: 'f64' });
    case 'int_valued': return Tensor.randint(-2, 3, shape, { dtype: 'f32' });
    case 'index_i64': return Tensor.randint(0, i.bound, shape, { dtype: 'i64' });
    case 'index_i32': return Tensor.randint(0, i.bound, shape, { dtype: 'i32' });
    case 'nonfinite': {
      const t = Tensor.randn(shape);
      const special = [NaN, Infinity, -Infinity];
      Tensor.rand(shape).toArray().forEach((u, k) => u < 0.15 && ((t.data as Float32Array)[k] = special[k % 3]!));
      return t;
    }
    default: return i.kind satisfies never;
  }
}

/** Gives state that starts constant (norm weights, running stats) distinct values per member. */
function perturb(net: nn.Module): void {
  const fresh: Dict = {};
  for (const [name, t] of Object.entries(net.stateDict())) {
    const v = t.toArray();
    if (t.dtype !== 'f32' || v.length === 0 || !v.every((x) => x === v[0])) continue;
    fresh[name] = name.endsWith('running_var') ? Tensor.rand(t.shape, { low: 0.5, high: 1.5 }) : t.add(Tensor.randn(t.shape).mul(0.5));
  }
  net.loadStateDict(fresh, { strict: false });
}

export function buildEnsemble(plan: Plan): Ensemble {
  const p = plan.program;
  manualSeed(p.dataSeed + 1);
  const members = Array.from({ length: p.members }, () => {
    const net = new FuzzNet(plan);
    perturb(net);
    return net.train(p.mode === 'train');
  });
  const leaves = plan.inputs.map((i) => inputData(i, p.members));
  const nested = nestArgs(leaves, plan.inputs.map((i) => i.inDim), p.nest, p.prefixDims);
  const { params, buffers } = stackModuleState(members);
  const base = members[0]!;
  const outDims = plan.outDims.length === 1 ? plan.outDims[0]! : [...plan.outDims];
  const call = (pp: Dict, bb: Dict, ...xs: unknown[]): Tensor | Tensor[] => functionalCall<Tensor | Tensor[]>(base, [pp, bb], xs);
  const vmapped = vmap(call, [0, 0, ...nested.dims], outDims, { randomness: p.randomness });
  const writes = p.mode === 'train' && Object.keys(buffers).length > 0;
  const fn = (pp: Dict, bb: Dict, ...xs: unknown[]): { out: Tensor | Tensor[]; buffers?: Dict } => {
    const copy = { ...bb };
    const out = vmapped(pp, copy, ...xs);
    return writes ? { out, buffers: copy } : { out };
  };
  const memberArgs = (m: number): unknown[] => {
    const sliced = leaves.map((t, k) => (plan.inputs[k]!.axis === null ? t : t.select(plan.inputs[k]!.axis!, m)));
    return nestArgs(sliced, plan.inputs.map((i) => i.inDim), p.nest, p.prefixDims).args;
  };
  return { plan, members, args: nested.args, argDims: nested.dims, params, buffers, fn, memberArgs };
}

/** A readable listing of a plan: inputs with in_dims, each step, outputs with out_dims. */
export function describePlan(plan: Plan): string {
  const p = plan.program;
  const lines = [`members ${p.members}, mode ${p.mode}, randomness ${p.randomness}, nest ${p.nest}${p.prefixDims ? ' (prefix in_dims)' : ''}`];
  plan.inputs.forEach((i, k) => lines.push(`  v${k} = input ${i.kind} ${i.dtype}[${i.shape}] in_dim ${i.inDim}`));
  plan.instrs.forEach((ins, k) => lines.push(`  v${plan.inputs.length + k} = ${ins.label}(${ins.operands.map((o) => `v${o}`).join(', ')})  [${ins.template}] -> ${plan.vals[plan.inputs.length + k]!.dtype}[${plan.vals[plan.inputs.length + k]!.shape}]`));
  lines.push(`  return ${plan.outputs.map((o, k) => `v${o} (out_dim ${plan.outDims[k]})`).join(', ')}`);
  return lines.join('\n');
}
