// The vocabulary of batching rules: a value with an optional batch dim, and moves of that dim.

import type { LeafType, Node } from '../../ir/node.js';
import type { Op } from '../../ir/op.js';
import type { OpParams } from '../../ir/params.js';
import { insertAxis, moveAxisPerm } from '../../ir/shape.js';

/** What random ops do under vmap (torch.vmap's randomness): raise ('error'), draw per member ('different'), or draw once for all ('same'). */
export type Randomness = 'error' | 'different' | 'same';

/** A value of the batched graph: `bdim` is the axis that indexes members, or null when not mapped. */
export interface Batched {
  readonly node: Node;
  readonly bdim: number | null;
}

export interface BatchContext {
  /** The ensemble size M. */
  readonly axisSize: number;
  readonly randomness: Randomness;
  /** Makes a node of the batched graph (located at the node being batched). */
  emit<O extends Op>(op: O, inputs: readonly Node[], params: OpParams[O], leaf?: LeafType): Node;
  /** A fresh key for a rand node of the batched graph. */
  randKey(): number;
}

export const notMapped = (node: Node): Batched => ({ node, bdim: null });
export const mappedAt = (node: Node, bdim: number): Batched => ({ node, bdim });

/** Moves a mapped value's batch dim to `pos` (a permute, which codegen reads as a strided view). */
export function moveBdim(ctx: BatchContext, b: Batched, pos: number): Node {
  if (b.bdim === null) throw new Error('moveBdim: value is not mapped');
  if (b.bdim === pos) return b.node;
  return ctx.emit('permute', [b.node], { perm: moveAxisPerm(b.node.shape.length, b.bdim, pos) });
}

/** Adds a size-M axis at `pos` to an unmapped value without copying (reshape + expand = broadcast). */
export function broadcastBdim(ctx: BatchContext, node: Node, pos: number): Node {
  const lifted = ctx.emit('reshape', [node], { shape: insertAxis(node.shape, pos, 1) });
  return ctx.emit('expand', [lifted], { shape: insertAxis(node.shape, pos, ctx.axisSize) });
}

/** The value with its batch dim at `pos`, broadcasting it there if it is not mapped. */
export function bdimAt(ctx: BatchContext, b: Batched, pos: number): Node {
  return b.bdim === null ? broadcastBdim(ctx, b.node, pos) : moveBdim(ctx, b, pos);
}

/** Shifts an unbatched axis index past an inserted batch dim. */
export function shiftAxis(axis: number, bdim: number): number {
  return axis >= bdim ? axis + 1 : axis;
}
