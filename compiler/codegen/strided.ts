// Strided views: when a chain of views over a materialized tensor is plain address math (base + sum idx*stride).

import type { Node } from '../../ir/node.js';
import { contiguousStrides } from '../../ir/shape.js';
import type { Slot } from './emit.js';

export interface StridedView {
  /** The binding that holds the underlying tensor. */
  readonly buf: string;
  /** Element offset of index [0, ..., 0] in the binding. */
  readonly offset: number;
  /** Element strides per axis of the view (0 on broadcast axes). */
  readonly strides: readonly number[];
}

/**
 * Strides of a reshape without copying (the classic attempt: group old and new axes into runs whose
 * products agree, and check each old run is contiguous). undefined when the reshape needs a copy.
 */
function reshapeStrides(oldShape: readonly number[], oldStrides: readonly number[], newShape: readonly number[]): number[] | undefined {
  const od: number[] = [], os: number[] = [];
  oldShape.forEach((d, i) => {
    if (d !== 1) {
      od.push(d);
      os.push(oldStrides[i]!);
    }
  });
  const nd = newShape.filter((d) => d !== 1);
  const ns = new Array<number>(nd.length).fill(0);
  let oi = 0, oj = 1, ni = 0, nj = 1;
  while (ni < nd.length && oi < od.length) {
    let np = nd[ni]!, op = od[oi]!;
    while (np !== op) {
      if (np < op) {
        if (nj >= nd.length) return undefined;
        np *= nd[nj++]!;
      } else {
        if (oj >= od.length) return undefined;
        op *= od[oj++]!;
      }
    }
    for (let k = oi; k < oj - 1; k++) if (os[k] !== od[k + 1]! * os[k + 1]!) return undefined;
    ns[nj - 1] = os[oj - 1]!;
    for (let k = nj - 1; k > ni; k--) ns[k - 1] = ns[k]! * nd[k]!;
    ni = nj++;
    oi = oj++;
  }
  if (ni !== nd.length || oi !== od.length) return undefined;
  let k = 0;
  return newShape.map((d) => (d === 1 ? 0 : ns[k++]!));
}

/** The strided form of `node` if it is a materialized tensor or reshape/permute/expand/slice views of one. */
export function stridedView(node: Node, slots: ReadonlyMap<number, Slot>): StridedView | undefined {
  const slot = slots.get(node.id);
  if (slot) return { buf: slot.buf, offset: slot.offset, strides: contiguousStrides(node.shape) };
  if (node.op !== 'reshape' && node.op !== 'permute' && node.op !== 'expand' && node.op !== 'slice') return undefined;
  const src = node.inputs[0]!;
  const inner = stridedView(src, slots);
  if (!inner) return undefined;
  switch (node.op) {
    case 'permute':
      return { ...inner, strides: node.params.perm.map((p) => inner.strides[p]!) };
    case 'expand':
      return { ...inner, strides: src.shape.map((d, i) => (d === 1 && node.shape[i] !== 1 ? 0 : inner.strides[i]!)) };
    case 'slice':
      return { ...inner, offset: inner.offset + node.params.starts.reduce((acc, s, i) => acc + s * inner.strides[i]!, 0) };
    case 'reshape': {
      const strides = reshapeStrides(src.shape, inner.strides, node.shape);
      return strides ? { ...inner, strides } : undefined;
    }
    default:
      return undefined;
  }
}
