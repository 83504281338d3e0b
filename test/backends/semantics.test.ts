// ir/semantics.ts row by row: every runnable target, the reference and the CUDA host emulator give the table's answers.

import { beforeAll, describe, expect, it } from 'vitest';
import { compile, IndexError, ShapeError, Tensor } from '../../index.js';
import { stack, take } from '../../compiler/trace/ops.js';
import { gather, scatterAdd } from '../../compiler/trace/ops-extra.js';
import type { CompileTarget } from '../../compiler/compile.js';
import { buildPlan } from '../../compiler/pipeline.js';
import { cudaSpec } from '../../compiler/targets/cuda.js';
import { OpSemantics } from '../../ir/semantics.js';
import type { ExecutionPlan } from '../../runtime/plan.js';
import { faultError } from '../../runtime/faults.js';
import { arenaImage, findHostCompiler, HostEmulator, readOutputs } from '../cuda/host-emulator.js';
import { RUNNABLE_TARGETS } from '../helpers/targets.js';

type Row = keyof typeof OpSemantics;

/** One function per row with cases: all the row's inputs at once, one output element per case. */
const ROW_FNS: { readonly [R in Row]?: (...xs: Tensor[]) => Tensor } = {
  castFloatToInt: (x) => x.int(),
  nanInMaxMin: (a, b) => {
    const ab = stack([a, b], 1);
    return a.maximum(b).add(a.minimum(b)).sub(a.minimum(b)).add(a.relu()).sub(a.relu()).add(ab.amin(1)).sub(ab.amin(1)).add(ab.amax(1)).sub(ab.amax(1));
  },
  argExtrema: (a, b) => stack([a, b], 1).argmin(1).mul(10).add(stack([a, b], 1).argmax(1)),
  roundHalfEven: (x) => x.round(),
  log1pExpm1NearZero: (x) => x.log1p().div(x).add(x.expm1().div(x)),
  signOfNan: (x) => x.sign(),
  varianceOfOne: (x) => x.reshape([-1, 1]).var(1),
};

/** The row's cases as input tensors (one per argument position) and the expected outputs. */
function casesOf(row: Row): { args: Tensor[]; want: number[] } {
  const cases = OpSemantics[row].cases;
  const arity = cases[0]![0].length;
  const args = Array.from({ length: arity }, (_, a) => Tensor.fromArray(Float32Array.from(cases.map(([ins]) => ins[a]!)), [cases.length]));
  return { args, want: cases.map(([, out]) => out) };
}

function expectRow(row: Row, got: ArrayLike<number>, want: readonly number[], where: string): void {
  want.forEach((w, i) => {
    const g = Number(got[i]);
    if (Number.isNaN(w)) expect(g, `${row} case ${i} on ${where}`).toBeNaN();
    else expect(g, `${row} case ${i} on ${where}`).toBeCloseTo(w, 5);
  });
}

const rows = (Object.keys(ROW_FNS) as Row[]);

for (const target of ['reference', ...RUNNABLE_TARGETS] as CompileTarget[]) {
  describe(`op semantics on ${target}`, () => {
    for (const row of rows) {
      it(`${row}: ${OpSemantics[row].rule.slice(0, 60)}...`, async () => {
        const { args, want } = casesOf(row);
        const fn = ROW_FNS[row]!;
        const c = await compile(fn, { target, example: args });
        try {
          expectRow(row, (await c.run(...args)).toArray() as number[], want, target);
        } finally {
          c.destroy();
        }
      });
    }

    it('intDivMod: integer tensors cannot be divided (a ShapeError before any target is involved)', () => {
      expect(() => Tensor.fromArray(Int32Array.of(-7), [1]).div(Tensor.fromArray(Int32Array.of(2), [1]))).toThrow(ShapeError);
    });

    it('indexOutOfRange: an index past the table is an IndexError naming the op, the index and the bound; the next good run works', async () => {
      const table = Tensor.fromArray(Float32Array.of(1, 2, 3, 4, 5, 6), [3, 2]);
      const good = Tensor.fromArray(Int32Array.of(2, 0), [2]);
      const c = await compile((t: Tensor, i: Tensor) => take(t, i, 0).mul(2), { target, example: [table, good] });
      try {
        await expect(c.run(table, Tensor.fromArray(Int32Array.of(1, 7), [2]))).rejects.toThrow(IndexError);
        await expect(c.run(table, Tensor.fromArray(Int32Array.of(-1, 0), [2]))).rejects.toThrow(/take: index -1 is out of range for axis 0 of size 3/);
        expect((await c.run(table, good)).toArray()).toEqual([10, 12, 2, 4]);
      } finally {
        c.destroy();
      }
    });

    it('indexOutOfRange: gather and scatter_add indices past the axis (or negative) are IndexErrors naming the op; the next good run works', async () => {
      const x = Tensor.fromArray(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]);
      const good = Tensor.fromArray(Int32Array.of(2, 0, 1, 1), [2, 2]);
      const bad = Tensor.fromArray(Int32Array.of(2, 3, 1, 1), [2, 2]);
      const negative = Tensor.fromArray(Int32Array.of(0, 0, -1, 1), [2, 2]);
      const src = Tensor.fromArray(Float32Array.of(10, 20, 30, 40), [2, 2]);
      const g = await compile((t: Tensor, i: Tensor) => gather(t, 1, i).mul(2), { target, example: [x, good] });
      const s = await compile((t: Tensor, i: Tensor, v: Tensor) => scatterAdd(t, 1, i, v), { target, example: [x, good, src] });
      try {
        await expect(g.run(x, bad)).rejects.toThrow(/gather: index 3 is out of range for axis 1 of size 3/);
        await expect(g.run(x, negative)).rejects.toThrow(IndexError);
        expect((await g.run(x, good)).toArray()).toEqual([6, 2, 10, 10]);
        await expect(s.run(x, bad, src)).rejects.toThrow(/scatter_add: index 3 is out of range for axis 1 of size 3/);
        await expect(s.run(x, negative, src)).rejects.toThrow(/scatter_add: index -1 is out of range/);
        expect((await s.run(x, good, src)).toArray()).toEqual([21, 2, 13, 4, 75, 6]);
      } finally {
        g.destroy();
        s.destroy();
      }
    });
  });
}

const cxx = findHostCompiler();
describe.skipIf(typeof cxx !== 'string')('op semantics on the CUDA host emulator', () => {
  const plans: { row: Row | 'index' | 'gather' | 'scatter'; plan: ExecutionPlan; inputs: (Float32Array | Int32Array)[]; want: number[] }[] = [];
  let emu: HostEmulator;
  beforeAll(async () => {
    for (const row of rows) {
      const { args, want } = casesOf(row);
      const ref = await compile(ROW_FNS[row]!, { target: 'reference', example: args });
      plans.push({ row, plan: buildPlan(ref.graph, cudaSpec(), { verify: true }).plan, inputs: args.map((a) => a.data as Float32Array), want });
    }
    const table = Tensor.fromArray(Float32Array.of(1, 2, 3, 4, 5, 6), [3, 2]);
    const ref = await compile((t: Tensor, i: Tensor) => take(t, i, 0), { target: 'reference', example: [table, Tensor.fromArray(Int32Array.of(0), [1])] });
    plans.push({ row: 'index', plan: buildPlan(ref.graph, cudaSpec()).plan, inputs: [table.data as Float32Array, Int32Array.of(5)], want: [] });
    const idx = Tensor.fromArray(Int32Array.of(0, 1), [2, 1]);
    const src = Tensor.fromArray(Float32Array.of(1, 1), [2, 1]);
    const gref = await compile((t: Tensor, i: Tensor) => gather(t, 1, i), { target: 'reference', example: [table, idx] });
    plans.push({ row: 'gather', plan: buildPlan(gref.graph, cudaSpec()).plan, inputs: [table.data as Float32Array, Int32Array.of(0, 2)], want: [] });
    const sref = await compile((t: Tensor, i: Tensor, v: Tensor) => scatterAdd(t, 1, i, v), { target: 'reference', example: [table, idx, src] });
    plans.push({ row: 'scatter', plan: buildPlan(sref.graph, cudaSpec()).plan, inputs: [table.data as Float32Array, Int32Array.of(1, -4), src.data as Float32Array], want: [] });
    emu = HostEmulator.build(cxx as string, plans.map((p) => p.plan));
  });

  it('every row with cases gives the table\'s answers', () => {
    for (const [i, p] of plans.entries()) {
      if (p.row === 'index' || p.row === 'gather' || p.row === 'scatter') continue;
      expectRow(p.row, readOutputs(p.plan, emu.run(i, arenaImage(p.plan, p.inputs), 1))[0]!, p.want, 'cuda (host emulator)');
    }
  });

  it('indexOutOfRange: the kernel sets the flag the cuda runtime turns into an IndexError', () => {
    const i = plans.findIndex((p) => p.row === 'index');
    const p = plans[i]!;
    const arenas = emu.run(i, arenaImage(p.plan, p.inputs), 1);
    const err = faultError(p.plan, new Int32Array(arenas[p.plan.faults!.arena]!.buffer));
    expect(err).toBeInstanceOf(IndexError);
    expect(err!.message).toMatch(/take: index 5 is out of range for axis 0 of size 3 \(tensor f32\[3,2\]\)/);
  });

  it('indexOutOfRange: gather and scatter_add kernels set the flag too', () => {
    for (const [row, message] of [['gather', /gather: index 2 is out of range for axis 1 of size 2 \(tensor f32\[3,2\]\)/], ['scatter', /scatter_add: index -4 is out of range for axis 1 of size 2/]] as const) {
      const i = plans.findIndex((p) => p.row === row);
      const p = plans[i]!;
      const arenas = emu.run(i, arenaImage(p.plan, p.inputs), 1);
      expect(faultError(p.plan, new Int32Array(arenas[p.plan.faults!.arena]!.buffer))?.message).toMatch(message);
    }
  });
});
