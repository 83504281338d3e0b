// In-place writes into argument dicts (batch norm's running stats), carried out of traced functions.
//
// A transform (vmap, grad) hands its function fresh records rebuilt around symbolic tensors, so a
// write such as functionalCall's `buffers[name] = updated` lands in the rebuilt record, not the
// caller's. The transform therefore records which leaves were replaced, returns the new values as
// extra outputs of its traced graph, and writes the results into the caller's own containers. Nested
// transforms compose: the outer one sees the inner one's write in its own rebuilt record.

import { Tensor } from '../trace/tensor.js';
import { isPlainRecord, type TreeDef } from './pytree.js';

/** Where one leaf lives: `container[key]`. */
export interface LeafSlot {
  readonly container: Record<string, unknown> | unknown[];
  readonly key: string | number;
}

/** The slot of every leaf of `tree` laid out as `def`, in leaf order (undefined for a bare root leaf). */
export function leafSlots(def: TreeDef, tree: unknown): (LeafSlot | undefined)[] {
  const out: (LeafSlot | undefined)[] = [];
  const walk = (d: TreeDef, v: unknown, slot: LeafSlot | undefined): void => {
    switch (d.kind) {
      case 'leaf':
        out.push(slot);
        return;
      case 'array': {
        const arr = v as unknown[];
        d.children.forEach((c, i) => walk(c, arr[i], { container: arr, key: i }));
        return;
      }
      case 'record': {
        const rec = v as Record<string, unknown>;
        d.keys.forEach((k, i) => walk(d.children[i]!, rec[k], { container: rec, key: k }));
        return;
      }
      default:
        return d satisfies never;
    }
  };
  walk(def, tree, undefined);
  return out;
}

function read(slot: LeafSlot): unknown {
  return Array.isArray(slot.container) ? slot.container[slot.key as number] : (slot.container as Record<string, unknown>)[slot.key as string];
}

export interface LeafWrite {
  /** The leaf index (in flatten order of the arguments). */
  readonly index: number;
  readonly value: Tensor;
}

/**
 * The tensor leaves whose slot now holds a different Tensor than `before[i]`. Only writes into
 * records (plain objects) count: an array the function received spread as its arguments cannot be
 * written by it, and reassigning a parameter variable is not a write.
 */
export function changedLeaves(slots: readonly (LeafSlot | undefined)[], before: readonly unknown[]): LeafWrite[] {
  const writes: LeafWrite[] = [];
  slots.forEach((slot, index) => {
    if (!slot || !isPlainRecord(slot.container) || !(before[index] instanceof Tensor)) return;
    const now = read(slot);
    if (now !== before[index] && now instanceof Tensor) writes.push({ index, value: now });
  });
  return writes;
}

/** Writes each value into the caller's slot for that leaf. */
export function writeLeaves(slots: readonly (LeafSlot | undefined)[], indices: readonly number[], values: readonly Tensor[]): void {
  indices.forEach((index, k) => {
    const slot = slots[index];
    if (!slot) return;
    if (Array.isArray(slot.container)) slot.container[slot.key as number] = values[k];
    else (slot.container as Record<string, unknown>)[slot.key as string] = values[k];
  });
}
