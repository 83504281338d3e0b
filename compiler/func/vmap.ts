// torch.func.vmap: trace the per-member function, run the vmap pass, then apply the batched graph.

import { VmapError } from '../../ir/errors.js';
import type { Graph } from '../../ir/node.js';
import { fmtShape } from '../../ir/shape.js';
import { vmapPass } from '../passes/vmap-pass.js';
import type { Randomness } from '../passes/batching.js';
import { defaultGenerator } from '../../runtime/rng.js';
import * as ops from '../trace/ops.js';
import { Tensor } from '../trace/tensor.js';
import { applyGraph, traceFunction } from '../trace/trace-fn.js';
import { broadcastPrefix, countLeaves, flatten, fmtTreeDef, isPlainRecord, unflatten, type TreeDef } from './pytree.js';
import { changedLeaves, leafSlots, writeLeaves, type LeafWrite } from './write-back.js';

/** in_dims: null (shared), an axis, or a nested array/record matching the arguments. */
export type InDims = number | null | readonly InDims[] | { readonly [key: string]: InDims };
/**
 * out_dims: where the member axis goes in each output (null: the output is not mapped), or a nested
 * array/record matching the outputs.
 */
export type OutDims = number | null | readonly OutDims[] | { readonly [key: string]: OutDims };

/** Options of vmap (torch.vmap's randomness and chunk_size). */
export interface VmapOptions {
  /** What random ops (dropout) do across members: error (default), different, or same. */
  readonly randomness?: Randomness;
  /** Run at most this many members at once and concatenate (bounds memory). */
  readonly chunkSize?: number;
}

const isDimLeaf = (v: unknown): v is number | null => v === null || typeof v === 'number';

function fnName(fn: object): string {
  return (fn as { name?: string }).name || '<anonymous>';
}

/** @internal in_dims or out_dims printed as torch prints them. */
export function fmtDims(d: unknown): string {
  if (d === null) return 'null';
  if (Array.isArray(d)) return `[${d.map(fmtDims).join(', ')}]`;
  if (isPlainRecord(d)) return `{${Object.entries(d).map(([k, v]) => `${k}: ${fmtDims(v)}`).join(', ')}}`;
  return String(d);
}

function checkDims(d: unknown, what: 'in_dims' | 'out_dims', head: string): void {
  if (isDimLeaf(d)) {
    if (d !== null && !Number.isInteger(d)) throw new VmapError(`${head}: Got ${what}=${d} but each entry must be an integer dimension or null`);
    return;
  }
  if (Array.isArray(d)) return d.forEach((x) => checkDims(x, what, head));
  if (isPlainRecord(d)) return Object.values(d).forEach((x) => checkDims(x, what, head));
  throw new VmapError(`${head}: expected ${what} to be an integer, null, or a (nested) array/record matching the structure of the ${what === 'in_dims' ? 'inputs' : 'outputs'}, got ${typeof d}`);
}

/** One batched run: the result's leaves, then the values written into argument records. */
interface Batch {
  readonly def: TreeDef;
  readonly outs: readonly Tensor[];
  /** The member axis of each of `outs` (null: not mapped). */
  readonly axes: readonly (number | null)[];
  readonly nResult: number;
  /** The argument leaves (flatten order) that the written values replace. */
  readonly writes: readonly number[];
}

interface Mapped {
  readonly def: TreeDef;
  readonly leaves: readonly unknown[];
  readonly paths: readonly string[];
  /** Normalised member axis per leaf (null: shared). */
  readonly dims: readonly (number | null)[];
  readonly size: number;
}

/** Validates args against in_dims in torch's order and finds the ensemble size. */
function bindInDims(head: string, inDims: InDims, args: readonly unknown[]): Mapped {
  if (args.length === 0) throw new VmapError(`${head}: got no inputs. Maybe you forgot to add inputs, or you are trying to vmap over a function with no inputs`);
  const flat = flatten([...args]);
  const perLeaf = broadcastPrefix(inDims, flat.def, isDimLeaf);
  if (!perLeaf) {
    throw new VmapError(`${head}: in_dims is not compatible with the structure of the inputs. in_dims has structure ${fmtTreeDef(flatten(inDims).def)} but inputs have structure ${fmtTreeDef(flat.def)}`);
  }
  const sizes: { path: string; size: number }[] = [];
  const dims = perLeaf.map((d, i) => {
    if (d === null) return null;
    const leaf = flat.leaves[i];
    const path = flat.paths[i]!;
    if (!(leaf instanceof Tensor)) {
      throw new VmapError(`${head}: Got in_dim=${d} for the input at ${path}, but that input is of type ${leaf === null ? 'null' : typeof leaf}. We cannot vmap over non-Tensor arguments, please use null as the respective in_dim`);
    }
    if (!(d >= -leaf.ndim && d < leaf.ndim)) {
      throw new VmapError(`${head}: Got in_dim=${d} for the input at ${path}, but that input is a Tensor of dimensionality ${leaf.ndim} ${fmtShape(leaf.shape)} so expected in_dim to satisfy -${leaf.ndim} <= in_dim < ${leaf.ndim}`);
    }
    const axis = d < 0 ? d + leaf.ndim : d;
    sizes.push({ path, size: leaf.shape[axis]! });
    return axis;
  });
  if (sizes.length === 0) throw new VmapError(`${head}: expected at least one Tensor to vmap over, but every in_dim is null or no input is a Tensor`);
  if (sizes.some((s) => s.size !== sizes[0]!.size)) {
    throw new VmapError(`vmap: Expected all tensors to have the same size in the mapped dimension, got sizes [${sizes.map((s) => s.size).join(', ')}] for the mapped dimension (${sizes.map((s) => `${s.path}: ${s.size}`).join(', ')})`);
  }
  return { def: flat.def, leaves: flat.leaves, paths: flat.paths, dims, size: sizes[0]!.size };
}

/**
 * Vectorises fn over a member axis, as torch.func.vmap. inDims says which axis of each argument
 * indexes members (null: shared by all members); the result has the member axis at outDims.
 *
 * Writes into argument records are carried out, as torch's in-place updates of batched tensors are:
 * when fn replaces a tensor in a record it was given (functionalCall writing batch norm's new running
 * stats into the buffers dict), the caller's record gets the stacked new values, member axis where
 * the old ones had it. Writing a per-member value into a shared (in_dim null) input is an error.
 */
export function vmap<A extends unknown[], R>(
  fn: (...args: A) => R,
  inDims: InDims = 0,
  outDims: OutDims = 0,
  options: VmapOptions = {},
): (...args: A) => R {
  const randomness = options.randomness ?? 'error';
  const head = `vmap(${fnName(fn)}, in_dims=${fmtDims(inDims)}, ...)(<inputs>)`;
  if (!['error', 'different', 'same'].includes(randomness)) {
    throw new VmapError(`vmap: randomness must be 'error', 'different' or 'same', got '${String(randomness)}'`);
  }
  checkDims(inDims, 'in_dims', head);
  checkDims(outDims, 'out_dims', `vmap(${fnName(fn)}, ..., out_dims=${fmtDims(outDims)})`);
  const chunkSize = options.chunkSize;
  if (chunkSize !== undefined && !(Number.isInteger(chunkSize) && chunkSize > 0)) {
    throw new VmapError(`vmap: chunkSize must be a positive integer, got ${chunkSize}`);
  }

  const outAxesFor = (def: TreeDef, n: number): (number | null)[] => {
    const per = broadcastPrefix(outDims, def, isDimLeaf);
    if (!per || per.length !== n) {
      throw new VmapError(`vmap(${fnName(fn)}, ..., out_dims=${fmtDims(outDims)}): out_dims is not compatible with the structure of the outputs ${fmtTreeDef(def)}`);
    }
    return per;
  };

  /**
   * Traces fn per member, batches the graph for M members, and applies it to the leaves. Tensors the
   * function wrote into its argument records (functionalCall's updated buffers) come back as extra
   * outputs after the result's, with the member axis where the argument had it (see write-back.ts).
   */
  const runBatched = (M: number, def: TreeDef, leaves: readonly unknown[], dims: readonly (number | null)[], paths: readonly string[]): Batch => {
    const tensorAt = leaves.map((l, i) => (l instanceof Tensor ? i : -1)).filter((i) => i >= 0);
    const specs = tensorAt.map((i) => {
      const t = leaves[i] as Tensor;
      const d = dims[i]!;
      return { name: `in${i}`, shape: d === null ? t.shape : t.shape.filter((_, a) => a !== d), dtype: t.dtype };
    });
    let writes: LeafWrite[] = [];
    const traced = traceFunction(`vmap(${fnName(fn)})`, specs, (symbolic) => {
      const rebuilt = [...leaves];
      tensorAt.forEach((li, k) => (rebuilt[li] = symbolic[k]));
      const tree = unflatten(def, rebuilt) as A;
      const slots = leafSlots(def, tree);
      const result = fn(...tree);
      writes = changedLeaves(slots, rebuilt);
      return [result, writes.map((w) => w.value)];
    });
    const resultDef = (traced.outTree as Extract<TreeDef, { kind: 'array' }>).children[0]!;
    const nResult = countLeaves(resultDef);
    const writeDims = writes.map((w) => dims[w.index]!);
    const axes = [...outAxesFor(resultDef, nResult), ...writeDims];
    const pass = (outDims: readonly (number | null)[]): Graph => vmapPass(traced.graph, {
      inDims: [...tensorAt.map((i) => dims[i]!), ...traced.captures.map(() => null)],
      outDims,
      axisSize: M,
      randomness,
    });
    let batched: Graph;
    try {
      batched = pass(axes);
    } catch (e) {
      const shared = writes.filter((w) => dims[w.index] === null);
      if (!(e instanceof VmapError) || shared.length === 0) throw e;
      // If the pass succeeds once those writes may carry a member axis, they were the problem.
      try {
        pass(axes.map((a, k) => (k >= nResult && a === null ? 0 : a)));
      } catch {
        throw e;
      }
      throw new VmapError(
        `${head}: the function wrote values that differ between members into ${shared.map((w) => paths[w.index]).join(', ')}, ` +
          'but those inputs are shared by all members (in_dim null). Stack them with a member axis (in_dim 0) so each member gets its own',
      );
    }
    const outs = applyGraph(batched, [...tensorAt.map((i) => leaves[i] as Tensor), ...traced.captures]);
    return { def: resultDef, outs, axes, nResult, writes: writes.map((w) => w.index) };
  };

  const vmapped = (...args: A): R => {
    const m = bindInDims(head, inDims, args);
    let r: Batch;
    if (chunkSize === undefined || chunkSize >= m.size) {
      r = runBatched(m.size, m.def, m.leaves, m.dims, m.paths);
    } else {
      // chunkSize: run the members in slices, then concatenate each output along its member axis.
      const chunks: Batch[] = [];
      // randomness 'same': every chunk replays the same draws, so all members share them (as torch does).
      const rngState = randomness === 'same' ? defaultGenerator.getState() : undefined;
      for (let start = 0; start < m.size; start += chunkSize) {
        if (rngState) defaultGenerator.setState(rngState);
        const n = Math.min(chunkSize, m.size - start);
        const leaves = m.leaves.map((l, i) => (m.dims[i] === null ? l : ops.narrow(l as Tensor, m.dims[i]!, start, n)));
        chunks.push(runBatched(n, m.def, leaves, m.dims, m.paths));
      }
      const first = chunks[0]!;
      if (chunks.some((c) => c.writes.join() !== first.writes.join())) {
        throw new VmapError(`${head}: the function wrote into different arguments in different chunks; with chunkSize every chunk must write the same ones`);
      }
      const outs = first.outs.map((o, k) => (first.axes[k] === null ? o : ops.cat(chunks.map((c) => c.outs[k]!), first.axes[k]!)));
      r = { ...first, outs };
    }
    writeLeaves(leafSlots(m.def, args), r.writes, r.outs.slice(r.nResult));
    return unflatten(r.def, r.outs.slice(0, r.nResult)) as R;
  };
  Object.defineProperty(vmapped, 'name', { value: `vmap(${fnName(fn)})` });
  return vmapped;
}
