// Finite f32 literals for every renderer: the shortest decimal that reads back as the same f32.

/**
 * `style` 'wgsl' writes `1.5f` / `3f`; 'c' (C and CUDA) needs a point or exponent before the suffix:
 * `3.0f`. Negative values and -0 are parenthesised, so a unary minus in front of a literal never
 * prints as `--` (a decrement in C, a syntax error in WGSL) and -0 keeps its sign.
 */
export function finiteF32(v: number, style: 'wgsl' | 'c'): string {
  const digits = String(Number(Math.fround(Math.abs(v)).toPrecision(9)));
  const body = style === 'wgsl' || /[.eE]/.test(digits) ? `${digits}f` : `${digits}.0f`;
  return v < 0 || Object.is(v, -0) ? `(-${body})` : body;
}
