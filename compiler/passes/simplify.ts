// Simplification: movement chains folded, identities dropped, constants of movement ops folded. Rules as data.

import { shapesEqual } from '../../ir/shape.js';
import type { Graph, Node } from '../../ir/node.js';
import { rewriteGraph, type Rule } from './rewrite.js';

const MOVES_OF_FULL = new Set(['reshape', 'permute', 'expand', 'slice']);

export const SIMPLIFY_RULES: readonly Rule[] = [
  {
    name: 'identity-movement',
    apply: (n) => {
      const same = n.op === 'reshape' || n.op === 'expand' || (n.op === 'permute' && n.params.perm.every((p, i) => p === i)) || (n.op === 'slice' && shapesEqual(n.shape, n.inputs[0]!.shape)) || (n.op === 'concat' && n.inputs.length === 1);
      return same && shapesEqual(n.shape, n.inputs[0]!.shape) && n.dtype === n.inputs[0]!.dtype ? n.inputs[0] : undefined;
    },
  },
  {
    name: 'identity-cast',
    apply: (n) => (n.op === 'cast' && n.inputs[0]!.dtype === n.dtype ? n.inputs[0] : undefined),
  },
  {
    name: 'reshape-of-reshape',
    apply: (n, mk) => (n.op === 'reshape' && n.inputs[0]!.op === 'reshape' ? mk('reshape', [n.inputs[0]!.inputs[0]!], { shape: [...n.shape] }, undefined, n) : undefined),
  },
  {
    name: 'permute-of-permute',
    apply: (n, mk) => {
      if (n.op !== 'permute') return undefined;
      const inner = n.inputs[0]!;
      if (inner.op !== 'permute') return undefined;
      return mk('permute', [inner.inputs[0]!], { perm: n.params.perm.map((p) => inner.params.perm[p]!) }, undefined, n);
    },
  },
  {
    name: 'expand-of-expand',
    apply: (n, mk) => (n.op === 'expand' && n.inputs[0]!.op === 'expand' ? mk('expand', [n.inputs[0]!.inputs[0]!], { shape: [...n.shape] }, undefined, n) : undefined),
  },
  {
    name: 'movement-of-full',
    apply: (n: Node, mk) => {
      const x = n.inputs[0];
      if (!x || x.op !== 'full' || !MOVES_OF_FULL.has(n.op)) return undefined;
      return mk('full', [], { value: x.params.value }, { shape: n.shape, dtype: n.dtype }, n);
    },
  },
  {
    name: 'cast-of-full',
    apply: (n, mk) => {
      const x = n.inputs[0];
      if (n.op !== 'cast' || !x || x.op !== 'full') return undefined;
      const v = n.dtype === 'f32' || n.dtype === 'f64' ? x.params.value : Math.trunc(x.params.value);
      return mk('full', [], { value: v }, { shape: n.shape, dtype: n.dtype }, n);
    },
  },
];

/** Folds movement chains and identities, and merges common subexpressions. */
export function simplify(graph: Graph): Graph {
  return rewriteGraph(graph, SIMPLIFY_RULES);
}
