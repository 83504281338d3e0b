// compileTrainStep: a pure training step compiled once; its state (params, optimizer state) stays on the device.

import { StateError } from '../ir/errors.js';
import { fmtType } from '../ir/print.js';
import { shapesEqual } from '../ir/shape.js';
import { compileCore, type CompileOptions, type CompiledFunction, type KernelInfo } from './compile.js';
import { countLeaves, fmtTreeDef, unflatten, type TreeDef } from './func/pytree.js';
import { Tensor } from './trace/tensor.js';
import type { ExecutionPlan } from '../runtime/plan.js';

/** A compiled training step whose state (params, optimizer state, buffers) stays on the device between steps. */
export interface CompiledTrainStep<S, D extends unknown[], X> {
  /** The target that runs it (the one 'auto' picked). */
  readonly target: CompiledFunction<[S, ...D], [S, X]>['target'];
  /** The device that runs the kernels. */
  readonly device: string;
  /** Why this target (see CompiledFunction.targetReport). */
  readonly targetReport: CompiledFunction<[S, ...D], [S, X]>['targetReport'];
  /** The execution plan of one step (forward, backward and update). */
  readonly plan: ExecutionPlan;
  /** The generated kernels. */
  readonly kernels: readonly KernelInfo[];
  /** Uploads the state (params, optimizer state, buffers). Steps then update it on the device. */
  setState(state: S): Promise<void>;
  /** Runs one step on a batch; only the step's extra outputs (the loss, metrics) are read back. */
  step(...data: D): Promise<X>;
  /** Reads the current state back from the device. */
  state(): Promise<S>;
  /** Frees the device memory and kernels. */
  destroy(): void;
}

/**
 * Compiles `step(state, ...data) -> [newState, extra]`, where newState has the structure, shapes and
 * dtypes of state. Forward, backward and the optimizer update become one plan; each `step()` runs it
 * and copies newState over state on the device, so params and optimizer state never leave it.
 */
export async function compileTrainStep<S, D extends unknown[], X>(
  stepFn: (state: S, ...data: D) => [S, X],
  options: CompileOptions<[S, ...D]>,
): Promise<CompiledTrainStep<S, D, X>> {
  const core = await compileCore(stepFn, options);
  const stateDef = core.argDefs[0]!;
  const outDef = core.outTree;
  if (outDef.kind !== 'array' || outDef.children.length !== 2) {
    throw new StateError(`compileTrainStep: the step must return [newState, extra], got a result of structure ${fmtTreeDef(outDef)}`);
  }
  const newStateDef: TreeDef = outDef.children[0]!;
  if (fmtTreeDef(newStateDef) !== fmtTreeDef(stateDef)) {
    throw new StateError(`compileTrainStep: newState has structure ${fmtTreeDef(newStateDef)} but state has ${fmtTreeDef(stateDef)}; return the state with the same keys`);
  }
  const stateSlots = core.slots.map((s, k) => ({ s, k })).filter(({ s }) => s.arg === 0);
  const nState = countLeaves(stateDef);
  if (stateSlots.length !== nState) throw new StateError('compileTrainStep: every leaf of the state must be a Tensor');
  const outputs = core.graph.outputs;
  const feedback = stateSlots.map(({ s, k }, j) => {
    const out = outputs[j]!;
    if (!shapesEqual(out.shape, s.shape) || out.dtype !== s.dtype) {
      throw new StateError(`compileTrainStep: new state ${s.path} is ${fmtType(out.dtype, out.shape)} but the state was ${fmtType(s.dtype, s.shape)}`);
    }
    return [j, k] as const;
  });
  const extra = outputs.map((_, i) => i).filter((i) => i >= nState);
  const extraDef = outDef.children[1]!;
  return {
    target: core.target,
    device: core.session.executor.description,
    targetReport: core.targetReport,
    plan: core.plan,
    kernels: core.kernels,
    async setState(state: S) {
      core.writeArgs([state]);
    },
    async step(...data: D) {
      core.writeArgs([undefined, ...data]);
      const outs = await core.session.run(core.nextSeed(), { feedback, read: extra });
      const tensors = extra.map((i) => Tensor._concrete(outs[i]!, outputs[i]!.shape, outputs[i]!.dtype));
      return unflatten(extraDef, tensors) as X;
    },
    async state() {
      const leaves = await Promise.all(stateSlots.map(async ({ s, k }) => Tensor._concrete(await core.session.readInput(k), s.shape, s.dtype)));
      return unflatten(stateDef, leaves) as S;
    },
    destroy() {
      core.session.destroy();
    },
  };
}
