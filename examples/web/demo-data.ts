// What the demo's build step hands the page (generated data.js): training curves, accuracies and a strip of held-out digits.

/** One held-out test digit of the strip. */
export interface StripDigit {
  /** The true class. */
  readonly label: number;
  /** 28x28 pixels, row-major, as base64 of one byte per pixel (0 = background, 255 = ink). */
  readonly pixels: string;
  /** Picked because the members disagree most on it (highest mutual information on the test set). */
  readonly hard: boolean;
}

/** Everything the page shows besides the live predictions. */
export interface DemoData {
  /** The ensemble size M. */
  readonly members: number;
  readonly hidden: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly trainDigits: number;
  readonly testDigits: number;
  /** Each member's Adam learning rate and init seed. */
  readonly lrs: readonly number[];
  readonly seeds: readonly number[];
  /** Held-out accuracy of each member, and of the mean of their probabilities. */
  readonly accuracy: { readonly members: readonly number[]; readonly ensemble: number };
  /** Each member's training loss, smoothed, one point every `lossEvery` steps. */
  readonly loss: readonly (readonly number[])[];
  readonly lossEvery: number;
  readonly digits: readonly StripDigit[];
  /** Where the ensemble was trained (the compiled training step's device). */
  readonly trainedOn: string;
  readonly vmapcVersion: string;
}

/** The pixels of a strip digit as floats in [0, 1], the model's input. */
export function decodePixels(base64: string): Float32Array {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return Float32Array.from(bytes, (b) => b / 255);
}

/** Floats in [0, 1] as base64 bytes (the build step's half of decodePixels). */
export function encodePixels(pixels: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < pixels.length; i++) s += String.fromCharCode(Math.round(Math.min(1, Math.max(0, pixels[i]!)) * 255));
  return btoa(s);
}
