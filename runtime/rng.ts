// Counter-based random numbers: value i of stream (seed, key) is a pure hash, so every backend can
// produce the same bits as the CPU reference without sharing state.

/** A 32-bit integer finaliser (good avalanche, cheap in WGSL, CUDA and C). */
export function hash32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** The random bits for element `i` of stream `key` under `seed`. Mirrored exactly by every renderer. */
export function randomBits(seed: number, key: number, i: number): number {
  return hash32((i ^ hash32((key ^ hash32(seed >>> 0)) >>> 0)) >>> 0);
}

/** Uniform in [0, 1) with 24 bits, exactly representable in f32. */
export function bitsToUniform(bits: number): number {
  return (bits >>> 8) * 2 ** -24;
}

/** Standard normal from two uniform draws (Box-Muller, first output). */
export function uniformPairToNormal(b1: number, b2: number): number {
  const u1 = ((b1 >>> 8) + 1) * 2 ** -24; // (0, 1]
  const u2 = (b2 >>> 8) * 2 ** -24;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

export function uniformAt(seed: number, key: number, i: number): number {
  return bitsToUniform(randomBits(seed, key, i));
}

export function normalAt(seed: number, key: number, i: number): number {
  return uniformPairToNormal(randomBits(seed, key, 2 * i), randomBits(seed, key, 2 * i + 1));
}

/** A generator's position: its seed and how many draws it has made. */
export interface GeneratorState {
  /** The seed. */
  readonly seed: number;
  /** Draws made since seeding. */
  readonly draws: number;
}

/** A seedable stream of random arrays: each draw uses a fresh key, so draws are independent. */
export class Generator {
  private draws = 0;
  /** A generator seeded with `seedValue`. */
  constructor(private seedValue: number) {}

  /** The current seed. */
  get seed(): number {
    return this.seedValue;
  }

  /** Reseeds the stream and starts it over (torch.Generator.manual_seed). */
  manualSeed(seed: number): this {
    this.seedValue = seed >>> 0;
    this.draws = 0;
    return this;
  }

  /** Where the stream stands, to replay the same draws later (torch.get_rng_state's analogue). */
  getState(): GeneratorState {
    return { seed: this.seedValue, draws: this.draws };
  }

  /** Returns the stream to a state from getState. */
  setState(state: GeneratorState): this {
    this.seedValue = state.seed >>> 0;
    this.draws = state.draws;
    return this;
  }

  /** A key for a caller that draws by index itself (the rand op). */
  nextKey(): number {
    return this.draws++;
  }

  /** n samples of U(low, high). */
  uniform(n: number, low = 0, high = 1): Float64Array {
    const key = this.nextKey();
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = low + (high - low) * uniformAt(this.seedValue, key, i);
    return out;
  }

  /** n samples of N(mean, std²). */
  normal(n: number, mean = 0, std = 1): Float64Array {
    const key = this.nextKey();
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = mean + std * normalAt(this.seedValue, key, i);
    return out;
  }

  /** A fresh 32-bit seed derived from this stream, e.g. for the per-run seed of a compiled graph. */
  nextSeed(): number {
    return randomBits(this.seedValue, this.nextKey(), 0x5eed);
  }
}

/** The process-wide default generator (torch.manual_seed's analogue). */
export const defaultGenerator = new Generator(0x2545f491);

/**
 * Seeds the default generator that Tensor.randn, Tensor.rand and the layers' init draw from
 * (torch.manual_seed).
 */
export function manualSeed(seed: number): void {
  defaultGenerator.manualSeed(seed);
}
