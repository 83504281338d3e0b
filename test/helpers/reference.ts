// Loads the PyTorch reference cases in test/fixtures/torch-reference and compares results against them.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { loadSafetensors, Tensor } from '../../index.js';

export const REFERENCE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/torch-reference');

export interface ReferenceCase {
  readonly name: string;
  readonly ensemble: number;
  readonly inputs: Record<string, { shape: number[]; dtype: string; in_dim: number | null }>;
  readonly rtol: number;
  readonly atol: number;
  readonly param_order?: string[];
  readonly buffer_order?: string[];
  readonly lr?: number[];
  readonly members: Record<string, Tensor>[];
  readonly io: Record<string, Tensor>;
}

/** The torch.func composition cases (test/fixtures/torch-func), same layout. */
export const TORCH_FUNC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/torch-func');

export function loadCase(name: string, root = REFERENCE_DIR): ReferenceCase {
  const dir = path.join(root, name);
  if (!existsSync(dir)) throw new Error(`reference case ${name} not found at ${dir}`);
  const meta = JSON.parse(readFileSync(path.join(dir, 'case.json'), 'utf8')) as Omit<ReferenceCase, 'name' | 'members' | 'io'>;
  const members = Array.from({ length: meta.ensemble }, (_, i) => loadSafetensors(path.join(dir, `member${i}.safetensors`)));
  return { ...meta, name, members, io: loadSafetensors(path.join(dir, 'io.safetensors')) };
}

/** Max of |a-b| - (atol + rtol*|b|) over elements: <= 0 means allclose. Reports the worst element. */
export function closeness(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number): { ok: boolean; worst: string } {
  if (actual.length !== expected.length) return { ok: false, worst: `length ${actual.length} vs ${expected.length}` };
  let worst = -Infinity, at = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = Number(actual[i]), e = Number(expected[i]);
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (e === a) continue;
    const excess = Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (!(excess <= worst) || Number.isNaN(excess)) {
      worst = Number.isNaN(excess) ? Infinity : excess;
      at = i;
    }
  }
  return { ok: !(worst > 0), worst: at < 0 ? 'equal' : `element ${at}: got ${actual[at]}, expected ${expected[at]} (excess ${worst.toExponential(2)})` };
}
