// Bad-input table, compiled run() arguments of the wrong rank, size, dtype or structure, on every target (rows E20-E28).

import { describe, expect, it } from 'vitest';
import { BackendError, compile, IndexError, functionalCall, manualSeed, nn, ShapeError, stackModuleState, Tensor, vmap } from '../../index.js';
import type { CompileTarget } from '../../compiler/compile.js';
import { expectClose } from '../helpers/assert.js';
import { expectError, runTargets } from './helpers.js';

type Dict = Record<string, Tensor>;

function ensemble(M = 3) {
  manualSeed(11);
  const models = Array.from({ length: M }, () => new nn.Linear(4, 3).eval());
  const { params, buffers } = stackModuleState(models);
  const f = vmap((p: Dict, b: Dict, x: Tensor) => functionalCall<Tensor>(models[0]!, [p, b], [x]), [0, 0, null]);
  const fresh = stackModuleState(Array.from({ length: M }, () => new nn.Linear(4, 3).eval())).params;
  return { f, params, buffers, fresh, x: Tensor.randn([5, 4]) };
}

for (const target of runTargets()) {
  describe(`bad run() arguments on ${target}`, () => {
    /** A bad call throws, uploads nothing (the next run without arguments still uses the old ones) and a good call afterwards is right. */
    async function rejects(bad: (run: (...a: unknown[]) => Promise<unknown>, e: ReturnType<typeof ensemble>) => unknown, cls: typeof ShapeError | typeof BackendError, ...patterns: RegExp[]): Promise<void> {
      const e = ensemble();
      const c = await compile(e.f, { target: target as CompileTarget, example: [e.params, e.buffers, e.x] });
      try {
        const first = (await c.run(e.params, e.buffers, e.x)).toArray();
        await expectError(() => bad(c.run as (...a: unknown[]) => Promise<unknown>, e), cls, ...patterns);
        expectClose(await c.run(undefined, undefined, e.x), first);
        expectClose(await c.run(e.fresh, undefined, e.x), e.f(e.fresh, e.buffers, e.x), 1e-4, 1e-5);
      } finally {
        c.destroy();
      }
    }
    const y = (e: { x: Tensor }): Tensor => e.x;
    it('E20 a tensor of the wrong rank', async () => {
      await rejects((run, e) => run(e.fresh, undefined, Tensor.randn([4])), ShapeError, /input 2 has shape \[4\] but was compiled for \[5, 4\]/);
    });
    it('E21 a tensor of the wrong size', async () => {
      await rejects((run, e) => run(e.fresh, undefined, Tensor.randn([5, 3])), ShapeError, /input 2 has shape \[5, 3\] but was compiled for \[5, 4\]/);
      await rejects((run, e) => run({ ...e.fresh, weight: Tensor.randn([2, 3, 4]) }, undefined, y(e)), ShapeError, /input 0\.weight has shape \[2, 3, 4\] but was compiled for \[3, 3, 4\]/);
    });
    it('E22 a tensor of the wrong dtype', async () => {
      await rejects((run, e) => run(e.fresh, undefined, e.x.double()), ShapeError, /input 2 is f64 but was compiled for f32/);
      await rejects((run, e) => run(e.fresh, undefined, e.x.int()), ShapeError, /input 2 is i32 but was compiled for f32/);
    });
    it('E23 arguments of another structure (a missing or extra key)', async () => {
      await rejects((run, e) => run({ weight: e.fresh['weight'] }, undefined, y(e)), ShapeError, /argument 0 has structure \{weight: \*\} but the function was compiled for \{weight: \*, bias: \*\}/);
    });
    it('E24 something that is not a tensor where a tensor was compiled', async () => {
      await rejects((run, e) => run(e.fresh, undefined, 2), ShapeError, /argument 2 must be a Tensor f32\[5,4\], got number/);
      await rejects((run, e) => run(e.fresh, undefined, null), ShapeError, /got null/);
    });
    it('E25 more arguments than compiled', async () => {
      await rejects((run, e) => run(e.fresh, undefined, y(e), y(e)), ShapeError, /run: got 4 arguments, the function was compiled with 3/);
    });
  });

  describe(`run() state errors on ${target}`, () => {
    it('E26 an i64 index that does not fit a device i32', async () => {
      manualSeed(3);
      const models = [new nn.Embedding(5, 2), new nn.Embedding(5, 2)];
      const { params } = stackModuleState(models);
      const f = vmap((p: Dict, i: Tensor) => functionalCall<Tensor>(models[0]!, p, [i]), [0, null]);
      const idx = Tensor.fromArray(BigInt64Array.of(1n, 4n), [2]);
      const c = await compile(f, { target: target as CompileTarget, example: [params, idx] });
      try {
        const good = (await c.run(params, idx)).toArray();
        const huge = Tensor.fromArray(BigInt64Array.of(1n, 3_000_000_000n), [2]);
        if (target === 'reference') await expectError(() => c.run(undefined, huge), IndexError, /take: index 3000000000 is out of range/);
        else await expectError(() => c.run(undefined, huge), ShapeError, /the i64 value 3000000000 does not fit the device's i32/);
        expect((await c.run(undefined, idx)).toArray()).toEqual(good);
      } finally {
        c.destroy();
      }
    });
    it('E29 per-member tables with per-member indices: an index past a member\'s own rows raises', async () => {
      manualSeed(4);
      const models = [new nn.Embedding(5, 2), new nn.Embedding(5, 2)];
      const { params } = stackModuleState(models);
      const f = vmap((p: Dict, i: Tensor) => functionalCall<Tensor>(models[0]!, p, [i]), [0, 0]);
      const idx = Tensor.fromArray(BigInt64Array.of(1n, 4n, 0n, 2n), [2, 2]);
      const past = Tensor.fromArray(BigInt64Array.of(1n, 4n, 5n, 2n), [2, 2]); // member 1's index 5: its table has 5 rows
      await expectError(() => f(params, past), IndexError, /index 5 is out of range for axis 1 of size 5/);
      const c = await compile(f, { target: target as CompileTarget, example: [params, idx] });
      try {
        expectClose(await c.run(params, idx), f(params, idx), 0, 0);
        await expectError(() => c.run(undefined, past), IndexError, /index 5 is out of range for axis 1 of size 5/);
      } finally {
        c.destroy();
      }
    });
    it('E27 a run before any value was given for an input', async () => {
      const e = ensemble();
      const c = await compile(e.f, { target: target as CompileTarget, example: [e.params, e.buffers, e.x] });
      try {
        await expectError(() => c.run(undefined, undefined, e.x), ShapeError, /no value was ever given for 0\.weight, 0\.bias/);
        expectClose(await c.run(e.params, e.buffers, e.x), e.f(e.params, e.buffers, e.x), 1e-4, 1e-5);
      } finally {
        c.destroy();
      }
    });
    it('E28 a run after destroy()', async () => {
      const e = ensemble();
      const c = await compile(e.f, { target: target as CompileTarget, example: [e.params, e.buffers, e.x] });
      await c.run(e.params, e.buffers, e.x);
      c.destroy();
      await expectError(() => c.run(e.params, e.buffers, e.x), BackendError, /destroyed/);
      const again = await compile(e.f, { target: target as CompileTarget, example: [e.params, e.buffers, e.x] });
      expectClose(await again.run(e.params, e.buffers, e.x), e.f(e.params, e.buffers, e.x), 1e-4, 1e-5);
      again.destroy();
    });
  });
}
