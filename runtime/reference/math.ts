// Scalar math the CPU reference needs beyond Math: erf and the activations, in double precision.

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** erf(x) from the series 2/sqrt(pi) e^{-x^2} sum 2^n x^{2n+1} / (2n+1)!!, whose terms are all positive. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax >= 6) return Math.sign(x);
  let term = ax;
  let sum = ax;
  const x2 = ax * ax;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  const r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  return x < 0 ? -r : r;
}

export const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
export const gelu = (x: number): number => 0.5 * x * (1 + erf(x / Math.SQRT2));
export const GELU_TANH_C = Math.sqrt(2 / Math.PI);
export const geluTanh = (x: number): number => 0.5 * x * (1 + Math.tanh(GELU_TANH_C * (x + 0.044715 * x * x * x)));
export const silu = (x: number): number => x * sigmoid(x);

/** round half to even, as torch.round and C's rint: 0.5 -> 0, 1.5 -> 2, -2.5 -> -2; the sign of zero is kept. */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x);
  // Math.round takes halves up; an odd result from a half means the even neighbour is one below.
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
