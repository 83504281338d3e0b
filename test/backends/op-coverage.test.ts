// The ops of issue 13 (test/helpers/op-coverage-cases.ts) on every runnable target against the CPU reference.

import { describe, expect, it } from 'vitest';
import { compile } from '../../index.js';
import { topoSort } from '../../ir/node.js';
import { expectCompiledMatches } from '../helpers/compiled.js';
import { NEW_OPS, OP_COVERAGE } from '../helpers/op-coverage-cases.js';
import { RUNNABLE_TARGETS } from '../helpers/targets.js';

describe('op coverage: the traced graphs', () => {
  it('every new op is in the graph of a case that claims it, and every op a case claims is in its graph', async () => {
    const seen = new Set<string>();
    for (const { ops, make } of OP_COVERAGE) {
      const c = make();
      const ref = await compile(c.fn, { target: 'reference', example: c.args });
      const inGraph = new Set(topoSort(ref.graph).map((n) => n.op));
      ref.destroy();
      for (const op of ops) {
        expect(inGraph.has(op), `${c.name}: ${op}`).toBe(true);
        seen.add(op);
      }
    }
    expect([...NEW_OPS].filter((op) => !seen.has(op))).toEqual([]);
  });
});

for (const target of RUNNABLE_TARGETS) {
  describe(`op coverage on ${target}`, () => {
    for (const { make } of OP_COVERAGE) {
      const c = make();
      it(c.name, async () => {
        await expectCompiledMatches(c.fn, c.args, { target, rtol: c.rtol, atol: c.atol });
      });
    }
  });
}
