// Structure checks run with the tests: no import cycles (madge) and no copied blocks in the back half (jscpd).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import madge from 'madge';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Tensor and its op library import each other (methods call ops, ops build Tensors): the one allowed cycle.
 * The library is `apply.ts` and the `ops*.ts` files beside `tensor.ts`.
 */
const inTensorLibrary = (f: string): boolean => /^compiler\/trace\/(tensor|apply|ops(-[a-z-]+)?)\.ts$/.test(f);

describe('structure', () => {
  it('no import cycle among ir/, compiler/, runtime/ and cli/ (value imports; Tensor <-> its ops aside)', async () => {
    const res = await madge(['ir', 'compiler', 'runtime', 'cli', 'index.ts'].map((p) => path.join(ROOT, p)), {
      baseDir: ROOT,
      fileExtensions: ['ts'],
      tsConfig: path.join(ROOT, 'tsconfig.json'),
      detectiveOptions: { ts: { skipTypeImports: true }, es6: { skipTypeImports: true } },
    });
    const cycles = res.circular().filter((c) => !c.every(inTensorLibrary));
    expect(cycles.map((c) => c.join(' -> '))).toEqual([]);
  });

  it('no duplicated block in compiler/codegen/, compiler/targets/ and runtime/ (jscpd)', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'vmapc-jscpd-'));
    try {
      const bin = path.join(ROOT, 'node_modules', '.bin', 'jscpd');
      execFileSync(bin, ['--silent', '--reporters', 'json', '--output', out, '--format', 'typescript', '--ignore', '**/__snapshots__/**', 'compiler/codegen', 'compiler/targets', 'runtime'], { cwd: ROOT, stdio: 'pipe' });
      const report = JSON.parse(readFileSync(path.join(out, 'jscpd-report.json'), 'utf8')) as { duplicates: { firstFile: { name: string; start: number }; secondFile: { name: string; start: number } }[] };
      expect(report.duplicates.map((d) => `${d.firstFile.name}:${d.firstFile.start} ~ ${d.secondFile.name}:${d.secondFile.start}`)).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
