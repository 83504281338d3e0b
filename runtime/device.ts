// The contract every runtime implements: write inputs (split ones too), run, run with on-device state feedback, read inputs back.

import type { TypedArray } from '../ir/dtype.js';
import type { PlanTarget } from './plan.js';

/** Extras of a run: state kept on the device between runs, and which outputs to read back. */
export interface RunOptions {
  /** After the run, copy output o into input i on the device (a training step's new params become the next step's params). */
  readonly feedback?: readonly (readonly [output: number, input: number])[];
  /** Outputs to read back; the default is all. Unread outputs come back undefined. */
  readonly read?: readonly number[];
}

/**
 * A started plan. Every runtime implements all of it: inputs a plan stores in pieces (split-inputs) are
 * written and read piece by piece, feedback copies outputs over inputs where the state lives (the device,
 * or host memory for the cpu target), and index checks raise an IndexError after the run.
 */
export interface Executor {
  readonly target: PlanTarget;
  /** The device in words, e.g. `llvmpipe (Mesa 22.3.6) via Dawn OpenGL ES, compatibility`. */
  readonly description: string;
  /** Writes graph input `index` (device dtype: f32 or i32) into its place; later runs reuse it. */
  write(index: number, data: TypedArray): void;
  /** Runs every step of the plan and resolves with the outputs, in plan order. */
  run(seed: number): Promise<TypedArray[]>;
  /** Runs, then copies outputs over inputs on the device (feedback) and reads back only `read`. */
  runWith(seed: number, options: RunOptions): Promise<(TypedArray | undefined)[]>;
  /** Reads the current value of graph input `index` back from the device. */
  readInput(index: number): Promise<TypedArray>;
  /** Frees all device memory; the executor cannot run afterwards. */
  destroy(): void;
}

/** The outputs a run reads back: all of them, or those `read` names (the others undefined). */
export function selectOutputs<T>(outs: readonly T[], read: readonly number[] | undefined): (T | undefined)[] {
  const wanted = read ? new Set(read) : undefined;
  return outs.map((o, i) => (!wanted || wanted.has(i) ? o : undefined));
}
