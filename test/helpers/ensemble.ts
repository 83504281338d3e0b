// Ensemble helpers: members with distinct state, and vmap(functionalCall) compared with each member's own forward.

import { functionalCall, nn, stackModuleState, Tensor, vmap, type VmapOptions } from '../../index.js';
import * as ops from '../../compiler/trace/ops.js';
import { expectClose } from './assert.js';

type Dict = Record<string, Tensor>;

/** Gives every float parameter and buffer fresh values (running_var stays positive), so members differ everywhere. */
export function randomizeState(m: nn.Module): nn.Module {
  const sd = m.stateDict();
  const fresh: Dict = {};
  for (const [k, t] of Object.entries(sd)) {
    if (t.dtype !== 'f32') fresh[k] = t;
    else if (k.endsWith('running_var')) fresh[k] = Tensor.rand(t.shape, { low: 0.5, high: 1.5 });
    else fresh[k] = Tensor.randn(t.shape);
  }
  m.loadStateDict(fresh);
  return m;
}

/** The ensemble run the torch.func way: stack the members' state and vmap functionalCall over it. */
export function runEnsemble(models: readonly nn.Module[], args: readonly Tensor[], inDims: readonly (number | null)[], options: VmapOptions = {}): Tensor {
  const { params, buffers } = stackModuleState(models);
  const f = (p: Dict, b: Dict, ...xs: Tensor[]): Tensor => functionalCall(models[0]!, [p, b], xs);
  return vmap(f, [0, 0, ...inDims], 0, options)(params, buffers, ...args);
}

/** Each member's own forward on its slice of the inputs, stacked on a new leading axis. */
export function loopMembers(models: readonly nn.Module[], args: readonly Tensor[], inDims: readonly (number | null)[]): Tensor {
  const outs = models.map((m, i) => (m.forward as (...a: Tensor[]) => Tensor)(...args.map((a, k) => (inDims[k] === null ? a : a.select(inDims[k]!, i)))));
  return ops.stack(outs, 0);
}

/** Asserts vmap(functionalCall) == loop over members, for the given inputs and in_dims. */
export function expectEnsembleMatchesLoop(models: readonly nn.Module[], args: readonly Tensor[], inDims: readonly (number | null)[], tol = 1e-5): Tensor {
  const got = runEnsemble(models, args, inDims);
  expectClose(got, loopMembers(models, args, inDims), tol, tol);
  return got;
}
