// The one entry point that runs an op on Tensors: eagerly on the CPU reference, or recorded into a trace.

import { TraceError, formatLoc, type SourceLoc } from '../../ir/errors.js';
import { makeNode, asNode, type LeafType, type Node } from '../../ir/node.js';
import { fmtType } from '../../ir/print.js';
import type { Op } from '../../ir/op.js';
import type { OpParams } from '../../ir/params.js';
import { evalNode } from '../../runtime/reference/interpreter.js';
import { defaultGenerator } from '../../runtime/rng.js';
import { Tensor } from './tensor.js';
import { currentLoc, innermostTrace, type Trace } from './trace.js';

/** Per trace, the node each foreign tensor (concrete, or from an enclosing trace) became. */
const lifted = new WeakMap<Tensor, Map<Trace, Node>>();

function escapedError(t: Tensor): TraceError {
  return new TraceError(
    `a traced tensor ${fmtType(t.dtype, t.shape)} was used after the function that traced it returned ` +
      `(from ${t.trace!.label}); return it from that function instead of storing it outside` + formatLoc(t.node!.loc),
  );
}

/** The node that stands for `t` inside `trace`: its own node, a captured constant, or a capture input. */
export function nodeIn(t: Tensor, trace: Trace): Node {
  if (t.trace === trace) return t.node!;
  let perTrace = lifted.get(t);
  const known = perTrace?.get(trace);
  if (known) return known;
  let node: Node;
  if (t.trace === undefined) {
    node = asNode(makeNode('constant', [], { data: t.data }, { shape: t.shape, dtype: t.dtype }));
  } else {
    if (!t.trace.active) throw escapedError(t);
    const input = makeNode('input', [], { name: `capture.${trace.captures.length}` }, { shape: t.shape, dtype: t.dtype });
    trace.captures.push({ outer: t, input });
    node = asNode(input);
  }
  if (!perTrace) lifted.set(t, (perTrace = new Map()));
  perTrace.set(trace, node);
  return node;
}

/** The trace an op on these inputs belongs to: the innermost among the inputs' traces (JAX's rule). */
function targetTrace(op: Op, inputs: readonly Tensor[]): Trace | undefined {
  if (op === 'rand' || op === 'full') return innermostTrace();
  let best: Trace | undefined;
  for (const t of inputs) {
    if (!t.trace) continue;
    if (!t.trace.active) throw escapedError(t);
    if (!best || t.trace.level > best.level) best = t.trace;
  }
  return best;
}

/** Applies `op`. Leaf ops (full, rand, constant) pass their type in `leaf`; `at` overrides the source location. */
export function apply<O extends Op>(op: O, inputs: readonly Tensor[], params: OpParams[O], leaf?: LeafType, at?: SourceLoc): Tensor {
  const trace = targetTrace(op, inputs);
  const loc = at ?? currentLoc();
  if (trace) {
    let p = params;
    if (op === 'rand') p = { ...(params as OpParams['rand']), key: trace.nextRandKey() } as OpParams[O];
    const node = asNode(makeNode(op, inputs.map((t) => nodeIn(t, trace)), p, leaf, loc));
    return Tensor._symbolic(node, trace);
  }
  // Eager: a throwaway node gives the op its inferred type, then the CPU reference computes it.
  const placeholders = inputs.map((t, i) => asNode(makeNode('input', [], { name: `arg${i}` }, { shape: t.shape, dtype: t.dtype })));
  let p = params;
  let seed = 0;
  if (op === 'rand') {
    p = { ...(params as OpParams['rand']), key: defaultGenerator.nextKey() } as OpParams[O];
    seed = defaultGenerator.seed;
  }
  const node = asNode(makeNode(op, placeholders, p, leaf, loc));
  let value;
  try {
    value = evalNode(node, inputs.map((t) => t.data), { seed });
  } catch (e) {
    if (e instanceof Error && !(e instanceof TraceError)) e.message += formatLoc(loc);
    throw e;
  }
  return Tensor._concrete(value, node.shape, node.dtype);
}
