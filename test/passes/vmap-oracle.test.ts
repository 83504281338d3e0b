// The vmap oracle: for every op and every way its inputs can be mapped, vmap equals a loop over members, stacked.

import { describe, expect, it } from 'vitest';
import { ALL_OPS, insertAxis, verifyGraph, VmapError } from '../../ir/index.js';
import { vmapPass } from '../../compiler/passes/vmap-pass.js';
import * as ops from '../../compiler/trace/ops.js';
import { runGraph } from '../../runtime/reference/interpreter.js';
import { Generator, manualSeed, Tensor, traceFunction, vmap } from '../../index.js';
import { OP_CASES, makeData, type OpCase } from '../helpers/op-cases.js';
import { expectClose } from '../helpers/assert.js';

type Dim = number | null;
const M = 3;

/** The member axes worth trying for an unbatched input of `rank`: first, a middle one, the last (negative). */
function dimChoices(rank: number): Dim[] {
  const out: Dim[] = [null, 0];
  if (rank >= 2) out.push(1);
  if (rank >= 1) out.push(-1);
  return out;
}

function combos(ranks: readonly number[]): Dim[][] {
  return ranks.reduce<Dim[][]>((acc, r) => acc.flatMap((c) => dimChoices(r).map((d) => [...c, d])), [[]]);
}

const norm = (d: number, rank: number): number => (d < 0 ? d + rank : d);

/** Inputs for a case with the member axis (size `m`) inserted at each input's dim. */
function batchedInputs(c: OpCase, dims: readonly Dim[], gen: Generator, m = M): Tensor[] {
  return c.inputs.map((s, k) => {
    const d = dims[k]!;
    return makeData(s, gen, d === null ? s.shape : insertAxis(s.shape, norm(d, s.shape.length + 1), m));
  });
}

/** The loop: run the op member by member on plain slices, then stack the results at `outDim`. */
function loopAndStack(c: OpCase, xs: readonly Tensor[], dims: readonly Dim[], m: number, outDim = 0, seed?: number): Tensor {
  const outs: Tensor[] = [];
  for (let i = 0; i < m; i++) {
    if (seed !== undefined) manualSeed(seed);
    outs.push(c.run(xs.map((x, k) => (dims[k] === null ? x : x.select(dims[k]!, i)))));
  }
  return ops.stack(outs, outDim);
}

/** vmap through the public API; cases without inputs get a mapped dummy argument so vmap has a size. */
function vmapCase(c: OpCase, xs: readonly Tensor[], dims: readonly Dim[], outDim: number, options = {}): Tensor {
  const fn = (...args: Tensor[]): Tensor => c.run(args.slice(0, c.inputs.length));
  if (dims.every((d) => d === null)) {
    return vmap(fn, [...dims, 0], outDim, options)(...xs, Tensor.zeros([M]));
  }
  return vmap(fn, [...dims], outDim, options)(...xs);
}

/** The same through the pass directly: trace, vmapPass, verify, and run the batched graph on the CPU reference. */
function viaPass(c: OpCase, xs: readonly Tensor[], dims: readonly Dim[], m: number): Tensor {
  const specs = c.inputs.map((s, k) => ({ name: `x${k}`, shape: s.shape, dtype: s.dtype }));
  const traced = traceFunction(c.label, specs, (ins) => c.run(ins));
  const batched = verifyGraph(vmapPass(traced.graph, {
    inDims: dims.map((d, k) => (d === null ? null : norm(d, c.inputs[k]!.shape.length + 1))),
    outDims: [0],
    axisSize: m,
    randomness: 'error',
  }), `vmap of ${c.label}`);
  const [out] = runGraph(batched, xs.map((x) => x.data), { seed: 0 });
  return Tensor.fromArray(out!, batched.outputs[0]!.shape, batched.outputs[0]!.dtype);
}

const label = (dims: readonly Dim[]): string => `in_dims [${dims.map(String).join(', ')}]`;

describe('vmap == loop and stack, for every op', () => {
  for (const op of ALL_OPS) {
    describe(op, () => {
      it('has at least one case', () => expect(OP_CASES[op].length).toBeGreaterThan(0));
      for (const c of OP_CASES[op]) {
        if (op === 'rand') continue; // random values need their own oracle, below
        it(`${c.label}: every mapped/not-mapped combination of the inputs`, () => {
          const gen = new Generator(7);
          const all = combos(c.inputs.map((s) => s.shape.length));
          for (const dims of all) {
            const xs = batchedInputs(c, dims, gen);
            const expected = loopAndStack(c, xs, dims, M);
            expectClose(vmapCase(c, xs, dims, 0), expected, 1e-6, 1e-6);
            if (dims.some((d) => d !== null)) expectClose(viaPass(c, xs, dims, M), expected, 1e-6, 1e-6);
          }
        });
        it(`${c.label}: out_dims 1 and -1`, () => {
          const gen = new Generator(8);
          const dims = c.inputs.map(() => 0);
          const xs = batchedInputs(c, dims, gen);
          const rank = loopAndStack(c, xs, dims, M).ndim;
          for (const outDim of rank >= 2 ? [1, -1] : [-1]) {
            expectClose(vmapCase(c, xs, dims, outDim), loopAndStack(c, xs, dims, M, norm(outDim, rank)), 1e-6, 1e-6);
          }
        });
        it(`${c.label}: chunkSize 2 over 5 members`, () => {
          const gen = new Generator(9);
          const dims = c.inputs.map((s) => (s.shape.length ? -1 : 0));
          const xs = batchedInputs(c, dims, gen, 5);
          const fn = (...args: Tensor[]): Tensor => c.run(args.slice(0, c.inputs.length));
          const args = c.inputs.length ? xs : [Tensor.zeros([5])];
          const inDims = c.inputs.length ? dims : [0];
          const got = vmap(fn, inDims, 0, { chunkSize: 2 })(...args);
          expectClose(got, loopAndStack(c, xs, dims, 5), 1e-6, 1e-6);
        });
        it(`${c.label}: vmap of vmap`, () => {
          const gen = new Generator(10);
          const n = c.inputs.length;
          const M1 = 2, M2 = 3;
          // Pattern A: every input mapped by both levels. Pattern B: input 0 by the outer level, the rest by the inner.
          const patterns: { outer: Dim[]; inner: Dim[] }[] = [{ outer: c.inputs.map(() => 0), inner: c.inputs.map((s) => (s.shape.length ? -1 : 0)) }];
          if (n >= 2) patterns.push({ outer: c.inputs.map((_, k) => (k === 0 ? -1 : null)), inner: c.inputs.map((_, k) => (k === 0 ? null : 0)) });
          for (const { outer, inner } of patterns) {
            const xs = c.inputs.map((s, k) => {
              let shape = [...s.shape];
              if (inner[k] !== null) shape = insertAxis(shape, norm(inner[k]!, shape.length + 1), M2);
              if (outer[k] !== null) shape = insertAxis(shape, norm(outer[k]!, shape.length + 1), M1);
              return makeData(s, gen, shape);
            });
            const expectedRows: Tensor[] = [];
            for (let i = 0; i < M1; i++) {
              const xi = xs.map((x, k) => (outer[k] === null ? x : x.select(outer[k]!, i)));
              expectedRows.push(loopAndStack(c, xi, inner, M2));
            }
            const expected = ops.stack(expectedRows, 0);
            const fn = (...args: Tensor[]): Tensor => c.run(args.slice(0, n));
            const got = n === 0
              ? vmap((d1: Tensor) => vmap((d2: Tensor) => fn(), 0)(d1), 0)(Tensor.zeros([M1, M2]))
              : vmap((...a: Tensor[]) => vmap(fn, inner)(...a), outer)(...xs);
            expectClose(got, expected, 1e-6, 1e-6);
          }
        });
      }
    });
  }
});

describe('rand under vmap', () => {
  for (const c of OP_CASES.rand) {
    it(`${c.label}: randomness 'same' gives every member the draw a single call makes`, () => {
      manualSeed(123);
      const got = vmapCase(c, [], [], 0, { randomness: 'same' });
      expectClose(got, loopAndStack(c, [], [], M, 0, 123), 0, 0);
    });
    it(`${c.label}: randomness 'different' gives each member its own draw`, () => {
      const got = vmapCase(c, [], [], 0, { randomness: 'different' });
      expect(got.shape).toEqual([M, ...c.run([]).shape]);
      const rows = Array.from({ length: M }, (_, i) => got.select(0, i).toArray());
      for (let i = 1; i < M; i++) expect(rows[i]).not.toEqual(rows[0]);
      if (c.label.includes('uniform')) for (const r of rows) for (const x of r) expect(x >= 0 && x < 1).toBe(true);
    });
    it(`${c.label}: randomness 'error' (the default) throws`, () => {
      expect(() => vmapCase(c, [], [], 0)).toThrow(VmapError);
      expect(() => vmapCase(c, [], [], 0)).toThrow(/random operation while in randomness='error' mode/);
    });
  }
});
