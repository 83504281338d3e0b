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
    rule: 'NaN propagates through maximum, minimum, relu, max reductions and argmax (the NaN wins), as in torch.',
    cases: [[[NAN, 1], NAN], [[1, NAN], NAN], [[2, 1], 2]],
  },
  signOfNan: {
    rule: 'sign(NaN) is NaN; sign(+-0) is +-0, as in torch.',
    cases: [[[NAN], NAN], [[-3], -1], [[0.5], 1], [[0], 0]],
  },
  varianceOfOne: {
    rule: 'x / 0 is +-Inf, and 0 / 0 (the unbiased variance of a single element) is NaN, as IEEE and torch have it, on every target.',
    cases: [[[5], NAN]],
  },
  indexOutOfRange: {
    rule: 'An index of take, gather or an embedding outside [0, size) raises an IndexError naming the op, the index and the bound, on every target: devices set a flag that the runtime checks after the run.',
    cases: [],
  },
} as const satisfies Record<string, SemanticsRow>;
