// torch.func.functional_call: run a module's forward with its parameters and buffers swapped for given tensors.

import { StateError } from '../../ir/errors.js';
import { Buffer, Module, Parameter } from '../nn/module.js';
import type { Tensor } from '../trace/tensor.js';

/** Tensors by state-dict name, as functionalCall and stackModuleState take and give them. */
export type TensorDict = Record<string, Tensor>;

/** Options of functionalCall, as torch.func.functional_call's. */
export interface FunctionalCallOptions {
  /** Report missing and unexpected keys (default false, as in torch). */
  readonly strict?: boolean;
  /** A value given for one name of tied tensors replaces all of them (default true). */
  readonly tieWeights?: boolean;
}

/** Every name of every parameter and buffer, tied ones under each of their names. */
function allNamedState(module: Module): { name: string; tensor: Tensor; kind: 'param' | 'buffer' }[] {
  return [
    ...module.namedParameters({ removeDuplicate: false }).map(([name, tensor]) => ({ name, tensor, kind: 'param' as const })),
    ...module.namedBuffers({ removeDuplicate: false }).map(([name, tensor]) => ({ name, tensor, kind: 'buffer' as const })),
  ];
}

function mergeDicts(dicts: readonly TensorDict[]): Map<string, Tensor> {
  const merged = new Map<string, Tensor>();
  const dup: string[] = [];
  for (const d of dicts) {
    for (const [k, v] of Object.entries(d)) {
      if (merged.has(k)) dup.push(k);
      merged.set(k, v);
    }
  }
  if (dup.length) throw new StateError(`functional_call got multiple values for keys [${dup.map((k) => `'${k}'`).join(', ')}], which are ambiguous: each key may appear in only one of the dicts`);
  return merged;
}

/**
 * Calls module.forward(...args) with parameters and buffers replaced by the given tensors, looked up by
 * state-dict name. The module is restored afterwards, even if forward throws. Buffers that forward
 * replaces (batch norm's running stats in training mode) are written back into the dict that gave them;
 * under vmap or grad that dict is the transform's copy, and the transform carries the write out to the
 * caller's dict (see write-back.ts). A buffer updated inside a transform that was not passed in is an
 * error, since the module cannot keep a traced value.
 */
export function functionalCall<R = Tensor>(
  module: Module,
  parameterAndBufferDicts: TensorDict | readonly TensorDict[],
  args: unknown,
  options: FunctionalCallOptions = {},
): R {
  const dicts = Array.isArray(parameterAndBufferDicts) ? (parameterAndBufferDicts as readonly TensorDict[]) : [parameterAndBufferDicts as TensorDict];
  const given = mergeDicts(dicts);
  const state = allNamedState(module);
  const names = new Set(state.map((s) => s.name));
  const tieWeights = options.tieWeights ?? true;

  // Resolve ties: names that share one tensor object take the value given for any of them.
  const replacement = new Map<string, Tensor>();
  const byTensor = new Map<Tensor, string[]>();
  for (const s of state) byTensor.set(s.tensor, [...(byTensor.get(s.tensor) ?? []), s.name]);
  for (const s of state) {
    const v = given.get(s.name);
    if (v) replacement.set(s.name, v);
  }
  if (tieWeights) {
    for (const group of byTensor.values()) {
      if (group.length < 2) continue;
      const provided = group.filter((n) => given.has(n));
      const distinct = new Set(provided.map((n) => given.get(n)));
      if (distinct.size > 1) {
        throw new StateError(`functional_call got values for both ${provided.map((n) => `'${n}'`).join(' and ')}, which are tied. Consider using tieWeights: false`);
      }
      if (provided.length) for (const n of group) replacement.set(n, given.get(provided[0]!)!);
    }
  }

  if (options.strict) {
    const missing = state.map((s) => s.name).filter((n) => !replacement.has(n));
    const unexpected = [...given.keys()].filter((k) => !names.has(k));
    if (missing.length || unexpected.length) {
      const lines = [
        unexpected.length ? `Unexpected key(s): ${unexpected.map((k) => `'${k}'`).join(', ')}.` : '',
        missing.length ? `Missing key(s): ${missing.map((k) => `'${k}'`).join(', ')}.` : '',
      ].filter(Boolean);
      throw new StateError(`Error(s) in reparametrizing for ${module.constructor.name}:\n\t${lines.join('\n\t')}`);
    }
  }

  // Swap, call, and restore.
  const swapped: { owner: Module; key: string; old: unknown; injected: Tensor; name: string }[] = [];
  try {
    for (const s of state) {
      const v = replacement.get(s.name);
      if (!v) continue;
      const { owner, key } = module.resolve(s.name);
      const old = owner.get(key);
      const injected = s.kind === 'param' ? new Parameter(v) : new Buffer(v, { persistent: (old as Buffer).persistent });
      owner.set(key, injected);
      swapped.push({ owner, key, old, injected, name: s.name });
    }
    // Buffers not given in the dicts stay the module's own; remember them to catch traced updates.
    const own = state.filter((s) => s.kind === 'buffer' && !replacement.has(s.name)).map((s) => ({ name: s.name, ...module.resolve(s.name), old: s.tensor }));
    const argList = Array.isArray(args) ? args : [args];
    const out = (module.forward as (...a: unknown[]) => unknown)(...argList) as R;
    for (const o of own) {
      const now = o.owner.get(o.key);
      if (now === o.old || !(now instanceof Buffer) || now.value) continue;
      // A traced update (inside vmap or grad) cannot live in the module: it would outlive its trace.
      o.owner.set(o.key, o.old);
      throw new StateError(
        `functional_call: ${module.constructor.name} updated its buffer '${o.name}' inside a transform (vmap, grad or a trace), but that buffer was not passed in. ` +
          'Pass the buffers dict (e.g. the stacked buffers from stackModuleState) so the update is written there, or use eval mode',
      );
    }
    for (const sw of swapped) {
      const now = sw.owner.get(sw.key);
      if (now !== sw.injected && now instanceof Buffer) {
        const dict = dicts.find((d) => sw.name in d);
        if (dict) dict[sw.name] = now;
      }
    }
    return out;
  } finally {
    for (const sw of swapped.reverse()) sw.owner.set(sw.key, sw.old);
  }
}
