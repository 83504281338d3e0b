// The small interface every backend runtime implements: write inputs, run the plan, read outputs.

import type { TypedArray } from '../ir/dtype.js';
import type { Target } from './plan.js';

/** Extras of a run: state kept on the device between runs, and which outputs to read back. */
export interface RunOptions {
  /** After the run, copy output o into input i on the device (a training step's new params become the next step's params). */
  readonly feedback?: readonly (readonly [output: number, input: number])[];
  /** Outputs to read back; the default is all. Unread outputs come back undefined. */
  readonly read?: readonly number[];
}

export interface Executor {
  readonly target: Target | 'reference';
  /** The device in words, e.g. `llvmpipe (Mesa 22.3.6) via Dawn OpenGL ES, compatibility`. */
  readonly description: string;
  /** Writes graph input `index` (device dtype: f32 or i32) into its place; later runs reuse it. */
  write(index: number, data: TypedArray): void;
  /** Runs every step of the plan and resolves with the outputs, in plan order. */
  run(seed: number): Promise<TypedArray[]>;
  /** Runs with feedback on the device; executors without it get a read-everything fallback in Session. */
  runWith?(seed: number, options: RunOptions): Promise<(TypedArray | undefined)[]>;
  /** Reads the current value of graph input `index` back from the device. */
  readInput?(index: number): Promise<TypedArray>;
  /** Frees all device memory; the executor cannot run afterwards. */
  destroy(): void;
}
