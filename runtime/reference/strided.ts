// Index helpers for the CPU reference: strided gathers and odometer iteration over a shape.

import { contiguousStrides, type Shape } from '../../ir/shape.js';

/** Calls fn(offset) for every index of `shape` in row-major order, where offset = base + sum(idx * strides). */
export function forEachOffset(shape: Shape, strides: readonly number[], base: number, fn: (offset: number, flat: number) => void): void {
  const rank = shape.length;
  let total = 1;
  for (const d of shape) total *= d;
  if (total === 0) return;
  const idx = new Array<number>(rank).fill(0);
  let off = base;
  for (let flat = 0; flat < total; flat++) {
    fn(off, flat);
    for (let a = rank - 1; a >= 0; a--) {
      idx[a]!++;
      off += strides[a]!;
      if (idx[a]! < shape[a]!) break;
      off -= strides[a]! * shape[a]!;
      idx[a] = 0;
    }
  }
}

/** Copies src viewed with (shape, strides, offset) into a new contiguous array. */
export function stridedGather(src: Float64Array, shape: Shape, strides: readonly number[], offset = 0): Float64Array {
  let n = 1;
  for (const d of shape) n *= d;
  const out = new Float64Array(n);
  forEachOffset(shape, strides, offset, (off, flat) => {
    out[flat] = src[off]!;
  });
  return out;
}

export { contiguousStrides };
