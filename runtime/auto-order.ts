// The order `target: 'auto'` tries targets in, for compile() and for packages alike: a real GPU, the C backend, Mesa's CPU WebGPU.

import type { Target } from './plan.js';

/** One try of `auto`: a target, and for WebGPU the kind of adapter (unless the caller chose one). */
export interface AutoSlot {
  readonly target: Target;
  readonly adapter?: 'native' | 'opengl';
}

/**
 * CUDA, WebGPU on a native adapter, the cpu target, then WebGPU on Mesa's CPU driver. compile() falls
 * back to the reference interpreter after these, with a warning; a package has no such fallback.
 */
export const AUTO_ORDER: readonly AutoSlot[] = [
  { target: 'cuda' },
  { target: 'webgpu', adapter: 'native' },
  { target: 'cpu' },
  { target: 'webgpu', adapter: 'opengl' },
];

/** A slot in words, e.g. `webgpu:native`. */
export const slotName = (s: AutoSlot): string => (s.adapter ? `${s.target}:${s.adapter}` : s.target);
