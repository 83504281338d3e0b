// PyTorch's default initialisers, drawing from a seedable generator that can be swapped per construction.

import { numelOf, type Shape } from '../../ir/shape.js';
import { defaultGenerator, Generator } from '../../runtime/rng.js';
import { Tensor } from '../trace/tensor.js';

let current: Generator = defaultGenerator;

/** The generator layers draw their initial weights from. */
export function initGenerator(): Generator {
  return current;
}

/** Runs fn (typically `new Model()`) with layers initialised from `seed` or a given generator. */
export function withInitSeed<T>(seed: number | Generator, fn: () => T): T {
  const prev = current;
  current = typeof seed === 'number' ? new Generator(seed) : seed;
  try {
    return fn();
  } finally {
    current = prev;
  }
}

/** A new f32 tensor of U(low, high) samples from the init generator. */
export function uniform(shape: Shape, low: number, high: number): Tensor {
  return Tensor.fromArray(current.uniform(numelOf(shape), low, high), shape, 'f32');
}

/** A new f32 tensor of N(mean, std²) samples from the init generator. */
export function normal(shape: Shape, mean = 0, std = 1): Tensor {
  return Tensor.fromArray(current.normal(numelOf(shape), mean, std), shape, 'f32');
}

/** fan_in of a weight laid out [out, in, ...kernel], as torch computes it. */
export function fanIn(shape: Shape): number {
  return shape.length < 2 ? shape[0] ?? 1 : shape[1]! * numelOf(shape.slice(2));
}

/** torch.nn.init.kaiming_uniform_(w, a=sqrt(5)): the default for Linear and Conv weights. */
export function kaimingUniformDefault(shape: Shape): Tensor {
  const bound = fanIn(shape) > 0 ? 1 / Math.sqrt(fanIn(shape)) : 0;
  return uniform(shape, -bound, bound);
}

/** The default bias init of Linear and Conv: uniform in +-1/sqrt(fan_in). */
export function biasUniform(shape: Shape, fanInOfWeight: number): Tensor {
  const bound = fanInOfWeight > 0 ? 1 / Math.sqrt(fanInOfWeight) : 0;
  return uniform(shape, -bound, bound);
}

/** torch.nn.init.xavier_uniform_: uniform in +-gain*sqrt(6 / (fan_in + fan_out)), fans of a [out, in, ...] weight. */
export function xavierUniform(shape: Shape, gain = 1): Tensor {
  const recept = numelOf(shape.slice(2));
  const fanOut = (shape[0] ?? 1) * recept, fanInV = (shape[1] ?? 1) * recept;
  const bound = gain * Math.sqrt(6 / (fanInV + fanOut));
  return uniform(shape, -bound, bound);
}
