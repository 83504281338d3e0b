// Shrunk fuzz failures on disk: a replayable seed and path, the program, its plan and printed IR, replayed on every run.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Program } from './program.js';
import type { FuzzTarget } from './targets.js';

export const REGRESSION_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'regressions');

export interface Regression {
  /** File name without extension. */
  readonly name: string;
  /** fast-check seed and path that generate the original failing program (replay with fc.check(..., { seed, path })). */
  readonly seed: number;
  readonly path: string;
  /** The fuzz target that found it (absent: 'ensemble'). */
  readonly target?: FuzzTarget;
  /** What disagreed, e.g. 'webgpu vs vmap'. */
  readonly signature: string;
  readonly message: string;
  /** The shrunk program: replayed as is, whatever the generator becomes. */
  readonly program: Program;
  readonly plan: string;
}

/** A failure's kind: the text before the first ':' of its first message ('webgpu vs vmap', 'cpu threw', ...). */
export function signatureOf(failures: readonly string[]): string {
  return (failures[0] ?? '').split(':')[0]!.trim();
}

/** Writes `<name>.json` (seed, path, program) and `<name>.ir` (the plan and the printed traced graph); returns the JSON's path. */
export function writeRegression(r: Omit<Regression, 'name'>, ir: string): string {
  mkdirSync(REGRESSION_DIR, { recursive: true });
  const hash = createHash('sha256').update(JSON.stringify(r.program)).digest('hex').slice(0, 8);
  const name = `${r.target && r.target !== 'ensemble' ? `${r.target}-` : ''}${r.signature.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-${hash}`;
  const file = path.join(REGRESSION_DIR, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, ...r }, null, 2) + '\n');
  writeFileSync(path.join(REGRESSION_DIR, `${name}.ir`), `# ${r.signature}: ${r.message.split('\n')[0]}\n# replay: fc.check(property, { seed: ${r.seed}, path: '${r.path}' })\n\n${r.plan}\n\n${ir}\n`);
  return file;
}

export function loadRegressions(): Regression[] {
  if (!existsSync(REGRESSION_DIR)) return [];
  return readdirSync(REGRESSION_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(REGRESSION_DIR, f), 'utf8')) as Regression);
}
