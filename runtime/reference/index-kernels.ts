// CPU reference kernels of the ops that index along one axis: cumsum (a scan), gather and scatter_add.

import { IndexError } from '../../ir/errors.js';
import type { NodeOf } from '../../ir/node.js';
import { contiguousStrides, fmtShape, numelOf } from '../../ir/shape.js';
import { forEachOffset } from './strided.js';

/** Prefix sums along the axis (suffix sums when reversed), one accumulator per row, in index order. */
export function cumsumKernel(n: NodeOf<'cumsum'>, x: Float64Array): Float64Array {
  const { axis, reverse } = n.params;
  const len = n.shape[axis]!;
  const outer = numelOf(n.shape.slice(0, axis)), inner = numelOf(n.shape.slice(axis + 1));
  const out = new Float64Array(x.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = 0;
      for (let s = 0; s < len; s++) {
        const k = reverse ? len - 1 - s : s;
        const at = (o * len + k) * inner + i;
        acc += x[at]!;
        out[at] = acc;
      }
    }
  }
  return out;
}

/**
 * Walks the index tensor of gather / scatter_add in row-major order: fn(flat index position, offset of
 * the operand element it names). An index outside [0, size) is an IndexError (ir/semantics.ts).
 */
function forEachIndexed(op: string, xShape: readonly number[], idxShape: readonly number[], axis: number, idx: Float64Array, fn: (flat: number, at: number) => void): void {
  const xStr = contiguousStrides(xShape);
  const len = xShape[axis]!;
  forEachOffset(idxShape, xStr.map((s, d) => (d === axis ? 0 : s)), 0, (off, flat) => {
    const i = idx[flat]!;
    if (!(i >= 0 && i < len)) throw new IndexError(`${op}: index ${i} is out of range for axis ${axis} of size ${len} (tensor ${fmtShape(xShape)})`);
    fn(flat, off + i * xStr[axis]!);
  });
}

/** torch.gather: out[p] = x[p with p[axis] = idx[p]]. */
export function gatherKernel(n: NodeOf<'gather'>, x: Float64Array, idx: Float64Array): Float64Array {
  const out = new Float64Array(numelOf(n.shape));
  forEachIndexed('gather', n.inputs[0]!.shape, n.shape, n.params.axis, idx, (flat, at) => {
    out[flat] = x[at]!;
  });
  return out;
}

/** torch.scatter_add: a copy of x with src[q] added at q with q[axis] = idx[q], in row-major order of q. */
export function scatterAddKernel(n: NodeOf<'scatter_add'>, x: Float64Array, idx: Float64Array, src: Float64Array): Float64Array {
  const out = x.slice();
  forEachIndexed('scatter_add', n.shape, n.inputs[1]!.shape, n.params.axis, idx, (flat, at) => {
    out[at]! += src[flat]!;
  });
  return out;
}
