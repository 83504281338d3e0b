// docs/errors.md and test/errors agree: every row of the bad-input table has a test named by its id, and every such test a row.

import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const doc = readFileSync(path.join(here, '../../docs/errors.md'), 'utf8');
const rows = [...doc.matchAll(/^\| ([EC]\d\d) \|/gm)].map((m) => m[1]!);
const tests = readdirSync(here).filter((f) => f.endsWith('.test.ts') && f !== 'table.test.ts').flatMap((f) => {
  const src = readFileSync(path.join(here, f), 'utf8');
  return [...src.matchAll(/\bit\(`?'?([EC]\d\d) /g)].map((m) => m[1]!);
});

describe('the bad-input table in docs/errors.md', () => {
  it('has rows, each id once', () => {
    expect(rows.length).toBeGreaterThan(40);
    expect(new Set(rows).size).toBe(rows.length);
  });
  it('every row is tested', () => {
    expect(rows.filter((id) => !tests.includes(id))).toEqual([]);
  });
  it('every test is a row', () => {
    expect([...new Set(tests)].filter((id) => !rows.includes(id))).toEqual([]);
  });
});
