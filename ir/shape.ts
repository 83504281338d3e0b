// Axis arithmetic in one place: broadcasting, strides, axis normalisation, permutations.

import { ShapeError } from './errors.js';

/** A tensor's sizes, outermost first. */
export type Shape = readonly number[];

export function fmtShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function numelOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C-contiguous) strides, in elements. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** Normalises a possibly negative axis for a tensor of `rank`; `what` names the caller in errors. */
export function normAxis(axis: number, rank: number, what: string): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    throw new ShapeError(
      `${what}: dim ${axis} is out of range for a tensor of rank ${rank} (expected ${-rank} <= dim < ${rank})`,
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/** NumPy broadcasting of several shapes; throws naming all shapes when they do not fit. */
export function broadcastShapes(shapes: readonly Shape[], what: string): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i]!;
      if (d === out[o] || d === 1) continue;
      if (out[o] === 1) out[o] = d;
      else {
        throw new ShapeError(
          `${what}: shapes ${shapes.map(fmtShape).join(' and ')} cannot be broadcast together (dim ${o - rank}: ${out[o]} vs ${d})`,
        );
      }
    }
  }
  return out;
}

export function isPermutation(perm: readonly number[], rank: number): boolean {
  if (perm.length !== rank) return false;
  const seen = new Set(perm);
  return seen.size === rank && perm.every((p) => Number.isInteger(p) && p >= 0 && p < rank);
}

export function invertPerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

/** The permutation that moves axis `from` to position `to`, keeping the others in order. */
export function moveAxisPerm(rank: number, from: number, to: number): number[] {
  const rest = [...Array(rank).keys()].filter((a) => a !== from);
  rest.splice(to, 0, from);
  return rest;
}

export function insertAxis(shape: Shape, axis: number, size: number): number[] {
  const out = [...shape];
  out.splice(axis, 0, size);
  return out;
}

export function removeAxis(shape: Shape, axis: number): number[] {
  return shape.filter((_, i) => i !== axis);
}

/** Resolves a single -1 in a requested shape against `numel`, as torch.reshape does. */
export function resolveReshape(from: Shape, to: readonly number[], what: string): number[] {
  const total = numelOf(from);
  const holes = to.filter((d) => d === -1).length;
  if (holes > 1) throw new ShapeError(`${what}: only one dimension can be inferred, got ${fmtShape(to)}`);
  if (to.some((d) => !Number.isInteger(d) || d < -1)) {
    throw new ShapeError(`${what}: invalid shape ${fmtShape(to)}`);
  }
  const known = to.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const out = [...to];
  if (holes === 1) {
    if (known === 0 || total % known !== 0) {
      throw new ShapeError(`${what}: shape ${fmtShape(to)} is invalid for input of size ${total} ${fmtShape(from)}`);
    }
    out[out.indexOf(-1)] = total / known;
  }
  if (numelOf(out) !== total) {
    throw new ShapeError(`${what}: shape ${fmtShape(to)} is invalid for input of size ${total} ${fmtShape(from)}`);
  }
  return out;
}

/** Output length of a sliding window (conv, pool) along one axis. */
export function windowOutSize(size: number, kernel: number, stride: number, pad: number, dilation = 1): number {
  return Math.floor((size + 2 * pad - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** Row-major flat index -> multi-index. */
export function unravel(flat: number, shape: Shape): number[] {
  const idx = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    idx[i] = flat % d;
    flat = Math.floor(flat / d);
  }
  return idx;
}
