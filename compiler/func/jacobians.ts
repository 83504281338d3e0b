// torch.func.jacrev, jacfwd and hessian: a vmap of vjp or of jvp over a standard basis, split per output and input.

import { GradError } from '../../ir/errors.js';
import { numelOf, type Shape } from '../../ir/shape.js';
import type { Randomness } from '../passes/batching.js';
import * as ops from '../trace/ops.js';
import { Tensor } from '../trace/tensor.js';
import { jvpWithArgnums } from './forward-ad.js';
import { vjpWithArgnums, type GradsOf } from './grad.js';
import { flatten, unflatten, type TreeDef } from './pytree.js';
import { checkDifferentiable, fnName, normArgnums, type Argnums } from './traced-call.js';
import { vmap } from './vmap.js';

/** O with every Tensor leaf replaced by R: a Jacobian has the output's structure, each leaf holding the inputs' structure. */
export type ReplaceLeaves<O, R> = O extends Tensor
  ? R
  : O extends readonly unknown[]
    ? { -readonly [K in keyof O]: ReplaceLeaves<O[K], R> }
    : O extends Record<string, unknown>
      ? { [K in keyof O]: ReplaceLeaves<O[K], R> }
      : never;

/** The Jacobian of f: (...args: A) => O with respect to argnums N. Leaf [o, i] has shape [...o.shape, ...i.shape]. */
export type Jacobian<A extends readonly unknown[], O, N> = ReplaceLeaves<O, GradsOf<A, N>>;

/** Options of jacrev, as torch.func.jacrev's. */
export interface JacrevOptions {
  /** f returns [output, aux]; the result is [jacobian, aux] (torch's has_aux). */
  readonly hasAux?: boolean;
  /** Compute this many rows of the Jacobian at once (the vmap's chunkSize; 1 is a loop). Default: all at once. */
  readonly chunkSize?: number;
}

/** Options of jacfwd, as torch.func.jacfwd's. */
export interface JacfwdOptions {
  /** f returns [output, aux]; the result is [jacobian, aux] (torch's has_aux). */
  readonly hasAux?: boolean;
  /** What random ops do across the basis vectors (the vmap's randomness): 'error' (default), 'same', 'different'. */
  readonly randomness?: Randomness;
}

const fmtArgnums = (a: Argnums): string => (typeof a === 'number' ? String(a) : `[${a.join(', ')}]`);

/**
 * The standard basis of R^total split across tensors, as torch's _construct_standard_basis_for: tensor k
 * gets [total, ...shape_k], with ones on the diagonal block that starts at the sum of the earlier numels.
 */
function standardBasis(shapes: readonly Shape[], dtypes: readonly Tensor['dtype'][]): Tensor[] {
  const numels = shapes.map(numelOf);
  const total = numels.reduce((a, b) => a + b, 0);
  let start = 0;
  return shapes.map((shape, k) => {
    const eye = ops.oneHot(Tensor.arange(total, 'i32'), total, dtypes[k]);
    const block = ops.reshape(ops.narrow(eye, 1, start, numels[k]!), [total, ...shape]);
    start += numels[k]!;
    return block;
  });
}

/** Splits `rows` ([total, ...]) along axis 0 into consecutive blocks of the given sizes. */
function blocks(rows: Tensor, sizes: readonly number[]): Tensor[] {
  let start = 0;
  return sizes.map((n) => {
    const b = ops.narrow(rows, 0, start, n);
    start += n;
    return b;
  });
}

/** One Jacobian tree per output leaf: the inputs' structure (an array over argnums, or one argument's tree). */
function assemble(outDef: TreeDef, inDef: TreeDef, perOut: readonly Tensor[][], single: boolean): unknown {
  return unflatten(outDef, perOut.map((leaves) => {
    const perArg = unflatten(inDef, leaves) as unknown[];
    return single ? perArg[0] : perArg;
  }));
}

/**
 * torch.func.jacrev: the Jacobian of f with respect to the arguments in `argnums`, by reverse mode:
 * one vjp of f, then the pullback vmapped over the standard basis of the output space (no loop over
 * rows). The result has f's output structure; each output leaf holds the structure of the
 * differentiated argument (or an array of them for an array of argnums) with tensors of shape
 * [...output.shape, ...input.shape]. It composes with vmap (per-member Jacobians) and with jacfwd.
 */
export function jacrev<A extends unknown[], O, const N extends Argnums = 0>(f: (...args: A) => O, argnums?: N, options?: JacrevOptions & { hasAux?: false }): (...args: A) => Jacobian<A, O, N>;
export function jacrev<A extends unknown[], O, X, const N extends Argnums = 0>(f: (...args: A) => readonly [O, X], argnums: N | undefined, options: JacrevOptions & { hasAux: true }): (...args: A) => [Jacobian<A, O, N>, X];
export function jacrev(f: (...args: never[]) => unknown, argnums: Argnums = 0, options: JacrevOptions = {}): (...args: unknown[]) => unknown {
  const hasAux = options.hasAux ?? false;
  const chunkSize = options.chunkSize;
  const name = `jacrev(${fnName(f)}, argnums=${fmtArgnums(argnums)})`;
  if (chunkSize !== undefined && !(Number.isInteger(chunkSize) && chunkSize > 0)) throw new GradError(`${name}: chunkSize should be a positive integer, got ${chunkSize}`);
  const wrapper = (...args: unknown[]): unknown => {
    const head = `${name}(<inputs>)`;
    const nums = normArgnums(head, argnums, args.length);
    const r = vjpWithArgnums(head, f, args, nums, hasAux);
    const outDef = flatten(r.output).def;
    const outs = r.outLeaves;
    const basis = unflatten(outDef, standardBasis(outs.map((o) => o.shape), outs.map((o) => o.dtype)));
    const pullback = (ct: unknown): unknown[] => r.pullback(ct);
    Object.defineProperty(pullback, 'name', { value: `vjp(${fnName(f)})` });
    const rows = flatten(vmap(pullback, 0, 0, chunkSize === undefined ? {} : { chunkSize })(basis));
    // rows: one [total, ...input.shape] per input leaf; block k of it belongs to output leaf k.
    const split = (rows.leaves as Tensor[]).map((t) => blocks(t, outs.map((o) => numelOf(o.shape))));
    const perOut = outs.map((o, k) => split.map((b, j) => ops.reshape(b[k]!, [...o.shape, ...(rows.leaves[j] as Tensor).shape.slice(1)])));
    const jac = assemble(outDef, rows.def, perOut, typeof argnums === 'number');
    return hasAux ? [jac, r.aux] : jac;
  };
  Object.defineProperty(wrapper, 'name', { value: name });
  return wrapper;
}

/**
 * torch.func.jacfwd: the Jacobian of f with respect to the arguments in `argnums`, by forward mode:
 * jvp of f vmapped over the standard basis of the input space (the primal part is computed once,
 * only the tangents carry the basis axis). Same result structure as jacrev. `randomness` is the
 * vmap's: random ops in f (dropout) need 'same' (one draw for every column) or 'different'.
 */
export function jacfwd<A extends unknown[], O, const N extends Argnums = 0>(f: (...args: A) => O, argnums?: N, options?: JacfwdOptions & { hasAux?: false }): (...args: A) => Jacobian<A, O, N>;
export function jacfwd<A extends unknown[], O, X, const N extends Argnums = 0>(f: (...args: A) => readonly [O, X], argnums: N | undefined, options: JacfwdOptions & { hasAux: true }): (...args: A) => [Jacobian<A, O, N>, X];
export function jacfwd(f: (...args: never[]) => unknown, argnums: Argnums = 0, options: JacfwdOptions = {}): (...args: unknown[]) => unknown {
  const hasAux = options.hasAux ?? false;
  const name = `jacfwd(${fnName(f)}, argnums=${fmtArgnums(argnums)})`;
  const wrapper = (...args: unknown[]): unknown => {
    const head = `${name}(<inputs>)`;
    const nums = normArgnums(head, argnums, args.length);
    const diff = flatten(nums.map((a) => args[a]));
    checkDifferentiable(head, diff.leaves, diff.paths, diff.leaves.map((_, i) => i));
    const ins = diff.leaves as Tensor[];
    const basis = unflatten(diff.def, standardBasis(ins.map((t) => t.shape), ins.map((t) => t.dtype)));
    const push = (tangents: unknown): unknown => {
      const r = jvpWithArgnums(head, f, args, tangents, nums, hasAux);
      return hasAux ? [r.tangent, r.aux] : r.tangent;
    };
    Object.defineProperty(push, 'name', { value: `jvp(${fnName(f)})` });
    const results = vmap(push, 0, 0, { randomness: options.randomness ?? 'error' })(basis);
    const [columns, auxRows] = hasAux ? (results as [unknown, unknown]) : [results, undefined];
    // columns: one [total, ...output.shape] per output leaf; block j of it belongs to input leaf j.
    const cols = flatten(columns);
    const perOut = (cols.leaves as Tensor[]).map((c) => {
      const outShape = c.shape.slice(1);
      return blocks(c, ins.map((t) => numelOf(t.shape))).map((b, j) => {
        const moved = ops.permute(b, [...outShape.map((_, i) => i + 1), 0]);
        return ops.reshape(moved, [...outShape, ...ins[j]!.shape]);
      });
    });
    const jac = assemble(cols.def, diff.def, perOut, typeof argnums === 'number');
    if (!hasAux) return jac;
    // aux was computed once per basis vector; every row is the same value (torch keeps row 0).
    const aux = flatten(auxRows);
    return [jac, unflatten(aux.def, aux.leaves.map((t) => (t instanceof Tensor ? ops.select(t, 0, 0) : t)))];
  };
  Object.defineProperty(wrapper, 'name', { value: name });
  return wrapper;
}

/**
 * torch.func.hessian: jacfwd(jacrev(f, argnums), argnums), forward over reverse. For a scalar f of a
 * params dict the result is a dict of dicts: hessian[a][b] has shape [...a.shape, ...b.shape].
 */
export function hessian<A extends unknown[], O, const N extends Argnums = 0>(f: (...args: A) => O, argnums?: N): (...args: A) => Jacobian<A, Jacobian<A, O, N>, N> {
  const n = (argnums ?? 0) as N;
  const h = jacfwd(jacrev(f, n), n) as (...args: A) => Jacobian<A, Jacobian<A, O, N>, N>;
  Object.defineProperty(h, 'name', { value: `hessian(${fnName(f)}, argnums=${fmtArgnums(n)})` });
  return h;
}
