// PyTorch-like optimizer objects for eager training: they hold the state and update a params dict in place.

import type { TensorDict } from '../func/functional-call.js';
import { adam, adamInit, adamw, type AdamOptions, type AdamState } from './adam.js';
import { sgd, sgdInit, type SGDOptions, type SGDState } from './sgd.js';

/** A functional optimizer step (sgd, adam, adamw, or your own): new params and state from params, grads, state and options. */
export type Update<O, S> = (
  params: TensorDict,
  grads: TensorDict,
  state: S,
  options: O,
) => {
  /** The updated parameters. */
  params: TensorDict;
  /** The updated state. */
  state: S;
};

/**
 * Wraps a functional optimizer (sgd, adam, adamw). `step(grads)` replaces the entries of the params
 * dict it was given with the updated tensors, so code that reads that dict (vmap(functionalCall))
 * sees the new values, as torch's in-place updates would. The functional form is what a traced or
 * compiled training step should call; this class is the convenience on top for eager loops.
 */
export class Optimizer<O, S> {
  /** An optimizer over `params` with its options, initial state, and the functional update it applies. */
  constructor(
    /** The stacked params, updated in place by step(). */
    readonly params: TensorDict,
    /** The hyperparameters; may be changed between steps (e.g. a learning-rate schedule). */
    public options: O,
    /** The optimizer state, stacked like the params; replaced by each step. */
    public state: S,
    private readonly update: Update<O, S>,
  ) {}

  /** Applies one update with these gradients (shaped and named like the params). */
  step(grads: TensorDict): void {
    const r = this.update(this.params, grads, this.state, this.options);
    Object.assign(this.params, r.params);
    this.state = r.state;
  }
}

/** torch.optim.SGD over a stacked params dict (sgd, holding its state). */
export class SGD extends Optimizer<SGDOptions, SGDState> {
  /** Starts with sgdInit's state. */
  constructor(params: TensorDict, options: SGDOptions) {
    super(params, options, sgdInit(params, options), sgd);
  }
}

/** torch.optim.Adam over a stacked params dict (adam, holding its state). */
export class Adam extends Optimizer<AdamOptions, AdamState> {
  /** Starts with adamInit's state. */
  constructor(params: TensorDict, options: AdamOptions = {}) {
    super(params, options, adamInit(params, options), adam);
  }
}

/** torch.optim.AdamW over a stacked params dict (adamw, holding its state). */
export class AdamW extends Optimizer<AdamOptions, AdamState> {
  /** Starts with adamInit's state. */
  constructor(params: TensorDict, options: AdamOptions = {}) {
    super(params, options, adamInit(params, options), adamw);
  }
}
