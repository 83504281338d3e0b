// The members' weights for a package: fresh ones from per-member seeds, or one PyTorch checkpoint per member.

import { StateError, VmapcError } from '../../ir/errors.js';
import { initEnsemble } from '../func/init-ensemble.js';
import { stackModuleState, type StackedState } from '../func/stack.js';
import { loadSafetensors } from '../io.js';
import { withInitSeed } from '../nn/init.js';
import type { Module } from '../nn/module.js';

/** How to make the members: seeds seed, seed+1, ...; or a checkpoint file per member (in member order). */
export type MemberSource = { readonly kind: 'seed'; readonly seed: number } | { readonly kind: 'checkpoints'; readonly files: readonly string[] };

export type ModuleClass = new (...args: never[]) => Module;

export interface Members extends StackedState {
  /** A module of the class (in eval mode) for functionalCall; it holds member 0's values. */
  readonly model: Module;
  readonly init: { readonly kind: 'seed'; readonly seeds: readonly number[] } | { readonly kind: 'checkpoints'; readonly files: readonly string[] };
}

function construct(cls: ModuleClass, args: readonly unknown[], name: string, seed: number): Module {
  try {
    return withInitSeed(seed, () => new (cls as unknown as new (...a: unknown[]) => Module)(...args));
  } catch (e) {
    throw new StateError(`new ${name}(${args.map((a) => JSON.stringify(a)).join(', ')}) failed: ${(e as Error).message}`);
  }
}

/**
 * Builds `count` members of `cls` in eval mode and stacks their state. With checkpoints, member i is
 * constructed and then loaded from files[i] with PyTorch's strict rules; a checkpoint whose names or
 * shapes differ from the model is named (member index and file) in the error.
 */
export function makeMembers(cls: ModuleClass, name: string, count: number, source: MemberSource, args: readonly unknown[] = []): Members {
  if (source.kind === 'seed') {
    const ens = initEnsemble(cls as unknown as new (...a: unknown[]) => Module, count, { seed: source.seed, args: args as unknown[] });
    ens.model.eval();
    return { params: ens.params, buffers: ens.buffers, model: ens.model, init: { kind: 'seed', seeds: ens.seeds } };
  }
  if (source.files.length !== count) {
    throw new StateError(`${count} members need ${count} checkpoints, but ${source.files.length} files were given (${source.files.join(', ')})`);
  }
  const models = source.files.map((file, i) => {
    const m = construct(cls, args, name, i);
    let sd;
    try {
      sd = loadSafetensors(file);
    } catch (e) {
      throw new StateError(`member ${i}: cannot read checkpoint ${file}: ${(e as Error).message}`);
    }
    try {
      m.loadStateDict(sd);
    } catch (e) {
      if (!(e instanceof VmapcError)) throw e;
      throw new StateError(`member ${i} (${file}) does not fit ${name}: ${e.message}`);
    }
    return m.eval();
  });
  const { params, buffers } = stackModuleState(models);
  return { params, buffers, model: models[0]!, init: { kind: 'checkpoints', files: source.files } };
}
