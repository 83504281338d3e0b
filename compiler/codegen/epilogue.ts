// Epilogues: the root of a matmul/conv kernel computed from the accumulator at one output element.

import type { Node } from '../../ir/node.js';
import type { FusedGroup } from '../passes/fuse.js';
import type { Emitter } from './emit.js';
import { ravel, unravel, type Expr } from './kernel-ir.js';

/** The reshape/permute chain directly above the anchor (bottom-up), as the fusion pass allowed it. */
export function anchorChain(group: FusedGroup): Node[] {
  const consumers = new Map<number, Node[]>();
  const visit = (n: Node, seen: Set<number>): void => {
    if (seen.has(n.id)) return;
    seen.add(n.id);
    for (const i of n.inputs) {
      if (!group.members.has(i.id)) continue;
      consumers.set(i.id, [...(consumers.get(i.id) ?? []), n]);
      visit(i, seen);
    }
  };
  visit(group.root, new Set());
  const chain: Node[] = [];
  let top = group.anchor!;
  for (;;) {
    const cs = consumers.get(top.id) ?? [];
    if (cs.length === 1 && (cs[0]!.op === 'reshape' || cs[0]!.op === 'permute')) {
      top = cs[0]!;
      chain.push(top);
    } else break;
  }
  return chain;
}

/**
 * Emits the epilogue for the anchor element at `anchorIdx` whose accumulator is `acc`, then calls
 * store(flatOutputIndex, value). Without permutes the output index is the anchor's flat index.
 */
export function emitEpilogue(em: Emitter, group: FusedGroup, chain: readonly Node[], acc: Expr, anchorIdx: readonly Expr[], store: (flat: Expr, v: Expr) => void): void {
  const anchor = group.anchor!;
  em.fix(anchor, acc);
  if (chain.length === 0) {
    // Root and anchor share a shape: read the epilogue's other operands by index, not by a flat index
    // that views (a broadcast bias) would have to take apart again with div/mod.
    store(ravel(anchorIdx, anchor.shape), em.at(group.root, anchorIdx));
    return;
  }
  if (!chain.some((n) => n.op === 'permute')) {
    const flat = ravel(anchorIdx, anchor.shape);
    store(flat, em.flat(group.root, flat));
    return;
  }
  let idx = [...anchorIdx];
  let shape = anchor.shape;
  for (const n of chain) {
    if (n.op === 'permute') idx = n.params.perm.map((p) => idx[p]!);
    else idx = unravel(ravel(idx, shape), n.shape);
    shape = n.shape;
  }
  store(ravel(idx, group.root.shape), em.at(group.root, idx));
}
