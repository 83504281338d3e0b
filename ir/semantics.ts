// One meaning per op where backends could differ: the rule every backend and the reference follow, with examples.

/** One row: the rule in words, and inputs with the result every target must give (NaN compares as NaN). */
export interface SemanticsRow {
  readonly rule: string;
  /** [input(s), expected output] pairs; test/semantics runs them on every target. */
  readonly cases: readonly (readonly [readonly number[], number])[];
}

const NAN = Number.NaN;
const INF = Number.POSITIVE_INFINITY;

/**
 * The semantics table. Renderer helpers that implement a row name it (compiler/codegen/render/device-helpers.ts);
 * the reference interpreter (runtime/reference/) is the executable form of each row.
 */
export const OpSemantics = {
  castFloatToInt: {
    rule: 'f32 -> i32 truncates toward zero; NaN, +-Inf and values outside [-2^31, 2^31) give 0 (C leaves them undefined; torch gives INT_MIN on x86).',
    cases: [[[2.7], 2], [[-2.7], -2], [[NAN], 0], [[INF], 0], [[-INF], 0], [[3e9], 0], [[-3e9], 0], [[-2147483648], -2147483648]],
  },
  intDivMod: {
    rule: 'The IR has no integer division or modulo of tensors (div of i32 tensors is a ShapeError: cast to f32 first); the index math of kernels divides only non-negative values, truncating as C does.',
    cases: [],
  },
  randomPrecision: {
    rule: 'uniform: the top 24 bits of a 32-bit hash of (seed, key, index), times 2^-24, exactly on every target. normal: Box-Muller on two such draws, in f64 rounded once on the reference, cpu and cuda; in f32 on WebGPU (WGSL has no f64), within 2e-6 of the f64 value.',
    cases: [],
  },
  nanInMaxMin: {
    rule: 'NaN propagates through maximum, minimum, relu, max and min reductions, argmax and argmin (the NaN wins), as in torch.',
    cases: [[[NAN, 1], NAN], [[1, NAN], NAN], [[2, 1], 2]],
  },
  argExtrema: {
    rule: 'argmax and argmin return the index of the first NaN when the row has one, else of the first extreme element (ties go to the smaller index), as in torch. Cases give 10 * argmin + argmax of the row [a, b].',
    cases: [[[NAN, 1], 0], [[1, NAN], 11], [[2, 1], 10], [[1, 2], 1], [[3, 3], 0], [[NAN, NAN], 0]],
  },
  signOfNan: {
    rule: 'sign(NaN) is NaN; sign(+-0) is +-0, as in torch.',
    cases: [[[NAN], NAN], [[-3], -1], [[0.5], 1], [[0], 0]],
  },
  roundHalfEven: {
    rule: 'round rounds halfway cases to the even neighbour (torch.round; C and CUDA rintf, WGSL round); floor, ceil and round keep integers, +-Inf, NaN and the sign of zero, and are the identity on integer tensors.',
    cases: [[[0.5], 0], [[1.5], 2], [[2.5], 2], [[-0.5], -0], [[-1.5], -2], [[-2.5], -2], [[2.4999998], 2], [[-7.25], -7], [[NAN], NAN], [[INF], INF]],
  },
  log1pExpm1NearZero: {
    rule: 'log1p and expm1 keep their relative precision near 0, where log(1 + x) and exp(x) - 1 lose it (C and CUDA log1pf/expm1f; WGSL has neither: series near 0). log1p(-1) is -Inf and below -1 NaN. Cases give log1p(x)/x + expm1(x)/x.',
    cases: [[[1e-7], 2], [[-3e-6], 2], [[1e-4], Math.log1p(1e-4) / 1e-4 + Math.expm1(1e-4) / 1e-4], [[1], Math.log(2) + Math.E - 1], [[-0.5], Math.log(0.5) / -0.5 + Math.expm1(-0.5) / -0.5], [[NAN], NAN]],
  },
  scanOrder: {
    rule: 'cumsum adds along its axis in index order (from the end when reversed), one sequential accumulator per row in the element dtype on devices (f64 on the reference); a NaN or Inf reaches every later prefix.',
    cases: [],
  },
  varianceOfOne: {
    rule: 'x / 0 is +-Inf, and 0 / 0 (the unbiased variance of a single element) is NaN, as IEEE and torch have it, on every target.',
    cases: [[[5], NAN]],
  },
  indexOutOfRange: {
    rule: 'An index of take, gather, scatter_add or an embedding outside [0, size) raises an IndexError naming the op, the index and the bound, on every target: devices set a flag that the runtime checks after the run. Negative indices are out of range (as torch.gather has it).',
    cases: [],
  },
} as const satisfies Record<string, SemanticsRow>;
