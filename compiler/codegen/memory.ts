// Memory planning: graph inputs and constants packed into input arenas, kernel results into scratch arenas.

import { BackendError } from '../../ir/errors.js';
import type { Node } from '../../ir/node.js';
import { fmtType } from '../../ir/print.js';
import { numelOf } from '../../ir/shape.js';
import type { PlanArena, TensorRef } from '../../runtime/plan.js';
import { isBuffer, type FusedGraph } from '../passes/fuse.js';

export interface MemoryLimits {
  /** The largest arena one binding may cover, in 4-byte words (maxStorageBufferBindingSize / 4). */
  readonly maxArenaWords: number;
  /** Offsets are rounded up to this many words (16 words = 64 bytes: cache lines and vector loads). */
  readonly alignWords: number;
  /** Give every graph input its own arena (the CPU target reads user arrays in place). */
  readonly arenaPerInput?: boolean;
}

export interface MemoryPlan {
  readonly arenas: PlanArena[];
  /** Where each buffer (graph input, constant) and each kernel root lives. */
  readonly refs: Map<number, TensorRef>;
  /** Roots that are graph inputs get a separate output place (copy kernels write there). */
  readonly outputRefs: Map<number, TensorRef>;
}

/** Bytes in MiB, or KiB below 1 MiB (0.0 MiB tells nothing). */
function fmtBytes(n: number): string {
  return n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`;
}

class ArenaPacker {
  readonly arenas: { name: string; words: number; role: 'inputs' | 'scratch' }[] = [];
  private current = new Map<string, number>();
  constructor(private readonly limits: MemoryLimits) {}

  place(role: 'inputs' | 'scratch', words: number, what: string, own = false): TensorRef {
    if (words > this.limits.maxArenaWords) {
      throw new BackendError(
        `${what} needs ${fmtBytes(words * 4)}, more than the device's maxStorageBufferBindingSize of ${fmtBytes(this.limits.maxArenaWords * 4)}. ` +
          'Split the ensemble with vmap(..., { chunkSize }) so each chunk of members fits',
      );
    }
    const align = this.limits.alignWords;
    let idx = own ? undefined : this.current.get(role);
    if (idx !== undefined) {
      const a = this.arenas[idx]!;
      const offset = Math.ceil(a.words / align) * align;
      if (offset + words <= this.limits.maxArenaWords) {
        a.words = offset + words;
        return { arena: idx, offset };
      }
    }
    idx = this.arenas.length;
    const count = this.arenas.filter((a) => a.role === role).length;
    this.arenas.push({ name: `${role}${count}`, words: Math.max(words, 1), role });
    if (!own) this.current.set(role, idx);
    return { arena: idx, offset: 0 };
  }
}

export function planMemory(fused: FusedGraph, limits: MemoryLimits): MemoryPlan {
  const packer = new ArenaPacker(limits);
  const refs = new Map<number, TensorRef>();
  const outputRefs = new Map<number, TensorRef>();
  const words = (n: Node): number => numelOf(n.shape);
  for (const inp of fused.graph.inputs) refs.set(inp.id, packer.place('inputs', words(inp), `input '${inp.params.name}' ${fmtType(inp.dtype, inp.shape)}`, limits.arenaPerInput));
  for (const g of fused.groups) {
    for (const r of g.reads) {
      if (isBuffer(r) && !refs.has(r.id)) refs.set(r.id, packer.place('inputs', words(r), `a constant ${fmtType(r.dtype, r.shape)}`));
    }
  }
  for (const g of fused.groups) {
    if (refs.has(g.root.id) && isBuffer(g.root)) {
      if (!outputRefs.has(g.root.id)) outputRefs.set(g.root.id, packer.place('scratch', words(g.root), `output ${fmtType(g.root.dtype, g.root.shape)}`));
      continue;
    }
    refs.set(g.root.id, packer.place('scratch', words(g.root), `the result of a ${g.kind} kernel ${fmtType(g.root.dtype, g.root.shape)}`));
  }
  return { arenas: packer.arenas, refs, outputRefs };
}
