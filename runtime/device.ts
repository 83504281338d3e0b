// The small interface every backend runtime implements: write inputs, run the plan, read outputs.

import type { TypedArray } from '../ir/dtype.js';
import type { Target } from './plan.js';

export interface Executor {
  readonly target: Target | 'reference';
  /** The device in words, e.g. `llvmpipe (Mesa 22.3.6) via Dawn OpenGL ES, compatibility`. */
  readonly description: string;
  /** Writes graph input `index` (device dtype: f32 or i32) into its place; later runs reuse it. */
  write(index: number, data: TypedArray): void;
  /** Runs every step of the plan and resolves with the outputs, in plan order. */
  run(seed: number): Promise<TypedArray[]>;
  /** Frees all device memory; the executor cannot run afterwards. */
  destroy(): void;
}
