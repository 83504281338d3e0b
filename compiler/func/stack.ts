// torch.func.stack_module_state: stack the members' parameters and buffers on a new leading axis.

import { allocArray } from '../../ir/dtype.js';
import { StateError } from '../../ir/errors.js';
import { fmtShape, shapesEqual } from '../../ir/shape.js';
import type { Module } from '../nn/module.js';
import { Tensor } from '../trace/tensor.js';

/**
 * The members' parameters and buffers stacked along a new leading member axis, as
 * torch.func.stack_module_state returns them.
 */
export interface StackedState {
  /** Parameters under state-dict names, each [M, ...shape]. */
  readonly params: Record<string, Tensor>;
  /** Buffers under state-dict names, each [M, ...shape]. */
  readonly buffers: Record<string, Tensor>;
}

/** Stacks same-named tensors of all members into new tensors (never views of the originals). */
function stackNamed(kind: 'parameter' | 'buffer', models: readonly Module[], lists: [string, Tensor][][]): Record<string, Tensor> {
  const names0 = lists[0]!.map(([n]) => n);
  lists.forEach((list, i) => {
    const names = list.map(([n]) => n);
    const missing = names0.filter((n) => !names.includes(n));
    const extra = names.filter((n) => !names0.includes(n));
    if (missing.length || extra.length) {
      const parts = [missing.length ? `missing ${missing.join(', ')}` : '', extra.length ? `unexpected ${extra.join(', ')}` : ''].filter(Boolean);
      throw new StateError(`stack_module_state: member ${i} (${models[i]!.constructor.name}) has different ${kind} names than member 0: ${parts.join('; ')}`);
    }
  });
  const out: Record<string, Tensor> = {};
  for (const [name, t0] of lists[0]!) {
    const members = lists.map((list) => list.find(([n]) => n === name)![1]);
    members.forEach((t, i) => {
      if (!shapesEqual(t.shape, t0.shape)) throw new StateError(`stack_module_state: ${kind} '${name}' of member ${i} has shape ${fmtShape(t.shape)} but member 0 has ${fmtShape(t0.shape)}`);
      if (t.dtype !== t0.dtype) throw new StateError(`stack_module_state: ${kind} '${name}' of member ${i} is ${t.dtype} but member 0 is ${t0.dtype}`);
    });
    const n = t0.numel();
    const data = allocArray(t0.dtype, n * members.length);
    members.forEach((t, i) => (data as Float32Array).set(t.data as Float32Array, i * n));
    out[name] = Tensor._concrete(data, [members.length, ...t0.shape], t0.dtype);
  }
  return out;
}

/**
 * Stacks the parameters and buffers of M modules of one class into `{params, buffers}` with a new
 * leading member axis, ready for vmap(functionalCall). Checks PyTorch's conditions in PyTorch's order
 * (empty list, mixed training modes, different classes), then names, shapes and dtypes.
 */
export function stackModuleState(models: readonly Module[]): StackedState {
  if (models.length === 0) throw new StateError('stack_module_state: Expected at least one model, got 0.');
  const training = models[0]!.training;
  if (!models.every((m) => m.training === training)) {
    const modes = models.map((m, i) => `${i}: ${m.training ? 'train' : 'eval'}`).join(', ');
    throw new StateError(`stack_module_state: Expected all models to have the same training/eval mode (${modes}).`);
  }
  const cls = models[0]!.constructor;
  const other = models.findIndex((m) => m.constructor !== cls);
  if (other >= 0) {
    throw new StateError(`stack_module_state: Expected all models to be of the same class (member 0 is ${cls.name}, member ${other} is ${models[other]!.constructor.name}).`);
  }
  const params = stackNamed('parameter', models, models.map((m) => m.namedParameters()));
  const buffers = stackNamed('buffer', models, models.map((m) => m.namedBuffers()));
  return { params, buffers };
}
