// The generated CUDA run on the host (fibers for threads, an emulated mma.sync) against eager CPU results.

import { beforeAll, describe, expect, it } from 'vitest';
import { closeness } from '../helpers/reference.js';
import type { BuiltCase } from './cases.js';
import { arenaImage, findHostCompiler, HostEmulator, readOutputs } from './host-emulator.js';
import { allCases, MODES } from './plans.js';

const cxx = findHostCompiler();
if (typeof cxx !== 'string') console.warn(`test/cuda/host: skipped, ${cxx.missing}`);

/** ‖got - want‖ / ‖want‖ over all elements. */
function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < want.length; i++) {
    num += (Number(got[i]) - Number(want[i])) ** 2;
    den += Number(want[i]) ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

for (const mode of MODES) {
  describe.skipIf(typeof cxx !== 'string')(`CUDA kernels on the host emulator, ${mode} matmuls`, () => {
    let cases: BuiltCase[] = [];
    let emu: HostEmulator;
    beforeAll(async () => {
      if (typeof cxx !== 'string') return;
      cases = await allCases(mode);
      emu = HostEmulator.build(cxx, cases.map((c) => c.plan));
    });

    it('every case matches the CPU reference', () => {
      expect(cases.length).toBeGreaterThan(20);
      for (const [i, b] of cases.entries()) {
        const outs = readOutputs(b.plan, emu.run(i, arenaImage(b.plan, b.inputs), 1234));
        const tensorCores = b.plan.kernels.some((k) => k.label.endsWith('(tf32 mma)'));
        outs.forEach((got, o) => {
          const want = b.expected[o]!.toArray() as number[];
          const err = relativeError(got, want);
          if (tensorCores) {
            // TF32 keeps 10 mantissa bits of each operand: ~3e-4 relative error, never far above 1e-3.
            expect(err, `${b.c.name}: relative error ${err}`).toBeLessThan(2e-3);
            expect(err, `${b.c.name}: rounds operands to TF32`).toBeGreaterThan(1e-5);
          } else {
            const r = closeness(Array.from(got), want, b.c.rtol, b.c.atol);
            expect(r.ok, `${b.c.name} output ${o}: ${r.worst}`).toBe(true);
          }
        });
      }
    });
  });
}
