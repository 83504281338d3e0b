// The CUDA random streams equal runtime/rng.ts: the helpers run on the host emulator against the CPU reference.

import { describe, expect, it } from 'vitest';
import { compile, Tensor } from '../../index.js';
import { rand, randn } from '../../compiler/trace/ops.js';
import { buildPlan } from '../../compiler/pipeline.js';
import { cudaSpec } from '../../compiler/targets/cuda.js';
import { arenaImage, findHostCompiler, HostEmulator, readOutputs } from './host-emulator.js';

const cxx = findHostCompiler();
if (typeof cxx !== 'string') console.warn(`test/cuda/random: skipped, ${cxx.missing}`);

describe.skipIf(typeof cxx !== 'string')('random numbers in CUDA kernels', () => {
  it('uniform and normal draws equal the CPU reference for the same seed', async () => {
    // The traced rand op (Tensor.rand would draw eagerly, once, at trace time).
    const f = (x: Tensor): Tensor[] => [rand([2, 1000]).add(x.expand([2, 1000])), randn([3, 700]).add(x.expand([3, 700]))];
    const x = Tensor.zeros([1, 1]);
    for (const seed of [0, 1234, 0xdeadbeef]) {
      const ref = await compile(f, { target: 'reference', example: [x], seed });
      const want = (await ref.run(x)).map((t) => t.toArray() as number[]);
      const plan = buildPlan(ref.graph, cudaSpec()).plan;
      expect(plan.kernels.every((k) => k.usesSeed)).toBe(true);
      const emu = HostEmulator.build(cxx as string, [plan]);
      const got = readOutputs(plan, emu.run(0, arenaImage(plan, [new Float32Array([0])]), seed));
      expect(Array.from(got[0]!)).toEqual(want[0]);
      // Box-Muller in double precision, rounded once: equal to the reference up to the last bit of f32.
      const normal = got[1]!;
      want[1]!.forEach((w, i) => expect(Math.abs(normal[i]! - w)).toBeLessThanOrEqual(Math.abs(w) * 2 ** -23));
      ref.destroy();
    }
  });
});
