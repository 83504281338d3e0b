// Before/Expected printed IR for the vmap pass: parse Before, run vmapPass, compare printGraph with Expected.

import { describe, expect, it } from 'vitest';
import { parseGraph, printGraph, topoSort, verifyGraph, VmapError } from '../../ir/index.js';
import { vmapPass } from '../../compiler/passes/vmap-pass.js';
import type { Randomness } from '../../compiler/passes/batching.js';
import { dedent } from '../helpers/ir.js';

function runPass(before: string, inDims: (number | null)[], axisSize: number, randomness: Randomness = 'error', outDims?: (number | null)[]): string {
  const g = parseGraph(dedent(before));
  const out = verifyGraph(vmapPass(g, { inDims, outDims: outDims ?? g.outputs.map(() => 0), axisSize, randomness }), 'vmap');
  return printGraph(out);
}

function expectPass(before: string, inDims: (number | null)[], axisSize: number, expected: string, randomness: Randomness = 'error'): void {
  expect(runPass(before, inDims, axisSize, randomness)).toBe(dedent(expected));
}

describe('vmap pass: the seed example (Foo = Linear(3, 4) then Linear(4, 3))', () => {
  const before = `
    graph(%l1.weight: f32[4,3], %l1.bias: f32[4], %l2.weight: f32[3,4], %l2.bias: f32[3], %x: f32[64,3]) {
      %0: f32[3,4] = permute(%l1.weight) {perm=[1,0]}
      %1: f32[64,4] = matmul(%x, %0)
      %2: f32[1,4] = reshape(%l1.bias) {shape=[1,4]}
      %3: f32[64,4] = expand(%2) {shape=[64,4]}
      %4: f32[64,4] = add(%1, %3)
      %5: f32[4,3] = permute(%l2.weight) {perm=[1,0]}
      %6: f32[64,3] = matmul(%4, %5)
      %7: f32[1,3] = reshape(%l2.bias) {shape=[1,3]}
      %8: f32[64,3] = expand(%7) {shape=[64,3]}
      %9: f32[64,3] = add(%6, %8)
      return %9
    }`;
  const expected = (M: number): string => `
    graph(%l1.weight: f32[${M},4,3], %l1.bias: f32[${M},4], %l2.weight: f32[${M},3,4], %l2.bias: f32[${M},3], %x: f32[64,3]) {
      %0: f32[1,64,3] = reshape(%x) {shape=[1,64,3]}
      %1: f32[${M},64,3] = expand(%0) {shape=[${M},64,3]}
      %2: f32[${M},3,4] = permute(%l1.weight) {perm=[0,2,1]}
      %3: f32[${M},64,4] = matmul(%1, %2)
      %4: f32[${M},1,4] = reshape(%l1.bias) {shape=[${M},1,4]}
      %5: f32[${M},64,4] = expand(%4) {shape=[${M},64,4]}
      %6: f32[${M},64,4] = add(%3, %5)
      %7: f32[${M},4,3] = permute(%l2.weight) {perm=[0,2,1]}
      %8: f32[${M},64,3] = matmul(%6, %7)
      %9: f32[${M},1,3] = reshape(%l2.bias) {shape=[${M},1,3]}
      %10: f32[${M},64,3] = expand(%9) {shape=[${M},64,3]}
      %11: f32[${M},64,3] = add(%8, %10)
      return %11
    }`;
  for (const M of [1, 5, 32]) {
    it(`M=${M}: one batched matmul per Linear, the shared input broadcast as a view`, () => {
      const out = runPass(before, [0, 0, 0, 0, null], M);
      expect(out).toBe(dedent(expected(M)));
      expect(topoSort(parseGraph(out)).filter((n) => n.op === 'matmul')).toHaveLength(2);
    });
  }

  it('with a per-member input, the members fold into one batched matmul too', () => {
    const out = runPass(before, [0, 0, 0, 0, 0], 5);
    expect(topoSort(parseGraph(out)).filter((n) => n.op === 'matmul')).toHaveLength(2);
    expect(out).toContain('%0: f32[5,3,4] = permute(%l1.weight) {perm=[0,2,1]}\n  %1: f32[5,64,4] = matmul(%x, %0)');
  });

  it('with shared weights and a per-member input, members fold into the rows of one 2-D matmul', () => {
    expectPass(`
      graph(%x: f32[8,3], %w: f32[3,2]) {
        %0: f32[8,2] = matmul(%x, %w)
        return %0
      }`, [0, null], 5, `
      graph(%x: f32[5,8,3], %w: f32[3,2]) {
        %0: f32[40,3] = reshape(%x) {shape=[40,3]}
        %1: f32[40,2] = matmul(%0, %w)
        %2: f32[5,8,2] = reshape(%1) {shape=[5,8,2]}
        return %2
      }`);
  });
});

describe('vmap pass: elementwise and reductions', () => {
  it('an unmapped operand is broadcast along the mapped one\'s batch dim', () => {
    expectPass(`
      graph(%a: f32[3], %b: f32[3]) {
        %0: f32[3] = add(%a, %b)
        return %0
      }`, [1, null], 4, `
      graph(%a: f32[3,4], %b: f32[3]) {
        %0: f32[3,1] = reshape(%b) {shape=[3,1]}
        %1: f32[3,4] = expand(%0) {shape=[3,4]}
        %2: f32[3,4] = add(%a, %1)
        %3: f32[4,3] = permute(%2) {perm=[1,0]}
        return %3
      }`);
  });

  it('operands mapped at different dims meet at dim 0', () => {
    expectPass(`
      graph(%a: f32[2,3], %b: f32[2,3]) {
        %0: f32[2,3] = mul(%a, %b)
        %1: f32[2,3] = relu(%0)
        return %1
      }`, [2, 0], 4, `
      graph(%a: f32[2,3,4], %b: f32[4,2,3]) {
        %0: f32[4,2,3] = permute(%a) {perm=[2,0,1]}
        %1: f32[4,2,3] = mul(%0, %b)
        %2: f32[4,2,3] = relu(%1)
        return %2
      }`);
  });

  it('a reduction shifts its axes past the batch dim', () => {
    const before = `
      graph(%x: f32[2,3]) {
        %0: f32[2,1] = sum(%x) {axes=[1]}
        return %0
      }`;
    expectPass(before, [0], 4, `
      graph(%x: f32[4,2,3]) {
        %0: f32[4,2,1] = sum(%x) {axes=[2]}
        return %0
      }`);
    expectPass(before, [2], 4, `
      graph(%x: f32[2,3,4]) {
        %0: f32[2,1,4] = sum(%x) {axes=[1]}
        %1: f32[4,2,1] = permute(%0) {perm=[2,0,1]}
        return %1
      }`);
  });

  it('unmapped parts of the graph stay unbatched', () => {
    expectPass(`
      graph(%x: f32[2], %k: f32[2]) {
        %0: f32[2] = exp(%k)
        %1: f32[2] = mul(%x, %0)
        return %1
      }`, [0, null], 3, `
      graph(%x: f32[3,2], %k: f32[2]) {
        %0: f32[2] = exp(%k)
        %1: f32[1,2] = reshape(%0) {shape=[1,2]}
        %2: f32[3,2] = expand(%1) {shape=[3,2]}
        %3: f32[3,2] = mul(%x, %2)
        return %3
      }`);
  });
});

describe('vmap pass: conv, in each mapping case', () => {
  const conv = `
    graph(%x: f32[2,4,5,5], %w: f32[6,4,3,3]) {
      %0: f32[2,6,3,3] = conv(%x, %w) {stride=[1,1], padding=[0,0], dilation=[1,1], groups=1}
      return %0
    }`;

  it('input mapped, weight shared: members fold into the batch', () => {
    expectPass(conv, [0, null], 4, `
      graph(%x: f32[4,2,4,5,5], %w: f32[6,4,3,3]) {
        %0: f32[8,4,5,5] = reshape(%x) {shape=[8,4,5,5]}
        %1: f32[8,6,3,3] = conv(%0, %w) {stride=[1,1], padding=[0,0], dilation=[1,1], groups=1}
        %2: f32[4,2,6,3,3] = reshape(%1) {shape=[4,2,6,3,3]}
        return %2
      }`);
  });

  it('input shared, weight mapped: members fold into the output channels', () => {
    expectPass(conv, [null, 0], 4, `
      graph(%x: f32[2,4,5,5], %w: f32[4,6,4,3,3]) {
        %0: f32[24,4,3,3] = reshape(%w) {shape=[24,4,3,3]}
        %1: f32[2,24,3,3] = conv(%x, %0) {stride=[1,1], padding=[0,0], dilation=[1,1], groups=1}
        %2: f32[2,4,6,3,3] = reshape(%1) {shape=[2,4,6,3,3]}
        %3: f32[4,2,6,3,3] = permute(%2) {perm=[1,0,2,3,4]}
        return %3
      }`);
  });

  it('both mapped: members become channel groups', () => {
    expectPass(conv, [0, 0], 4, `
      graph(%x: f32[4,2,4,5,5], %w: f32[4,6,4,3,3]) {
        %0: f32[2,4,4,5,5] = permute(%x) {perm=[1,0,2,3,4]}
        %1: f32[2,16,5,5] = reshape(%0) {shape=[2,16,5,5]}
        %2: f32[24,4,3,3] = reshape(%w) {shape=[24,4,3,3]}
        %3: f32[2,24,3,3] = conv(%1, %2) {stride=[1,1], padding=[0,0], dilation=[1,1], groups=4}
        %4: f32[2,4,6,3,3] = reshape(%3) {shape=[2,4,6,3,3]}
        %5: f32[4,2,6,3,3] = permute(%4) {perm=[1,0,2,3,4]}
        return %5
      }`);
  });

  it('a grouped conv with the input shared: M*groups groups over the broadcast input', () => {
    expectPass(`
      graph(%x: f32[2,4,5,5], %w: f32[6,2,3,3]) {
        %0: f32[2,6,2,2] = conv(%x, %w) {stride=[2,2], padding=[0,0], dilation=[1,1], groups=2}
        return %0
      }`, [null, 0], 4, `
      graph(%x: f32[2,4,5,5], %w: f32[4,6,2,3,3]) {
        %0: f32[2,1,4,5,5] = reshape(%x) {shape=[2,1,4,5,5]}
        %1: f32[2,4,4,5,5] = expand(%0) {shape=[2,4,4,5,5]}
        %2: f32[2,16,5,5] = reshape(%1) {shape=[2,16,5,5]}
        %3: f32[24,2,3,3] = reshape(%w) {shape=[24,2,3,3]}
        %4: f32[2,24,2,2] = conv(%2, %3) {stride=[2,2], padding=[0,0], dilation=[1,1], groups=8}
        %5: f32[2,4,6,2,2] = reshape(%4) {shape=[2,4,6,2,2]}
        %6: f32[4,2,6,2,2] = permute(%5) {perm=[1,0,2,3,4]}
        return %6
      }`);
  });
});

describe('vmap pass: take (embedding), in each mapping case', () => {
  const take = `
    graph(%t: f32[5,3], %i: i64[4]) {
      %0: f32[4,3] = take(%t, %i) {axis=0}
      return %0
    }`;

  it('table mapped, indices shared: gather on the axis after the batch dim', () => {
    expectPass(take, [0, null], 2, `
      graph(%t: f32[2,5,3], %i: i64[4]) {
        %0: f32[2,4,3] = take(%t, %i) {axis=1}
        return %0
      }`);
  });

  it('table shared, indices mapped: the batch dim comes with the indices', () => {
    expectPass(take, [null, 0], 2, `
      graph(%t: f32[5,3], %i: i64[2,4]) {
        %0: f32[2,4,3] = take(%t, %i) {axis=0}
        return %0
      }`);
  });

  it('both mapped: a gather over each member\'s own table (an index past it raises, not the next member\'s row)', () => {
    expectPass(take, [0, 0], 2, `
      graph(%t: f32[2,5,3], %i: i64[2,4]) {
        %0: i64[2,4,1] = reshape(%i) {shape=[2,4,1]}
        %1: i64[2,4,3] = expand(%0) {shape=[2,4,3]}
        %2: f32[2,4,3] = gather(%t, %1) {axis=1}
        return %2
      }`);
  });
});

describe('vmap pass: rand under each randomness', () => {
  const rand = `
    graph(%x: f32[2,3]) {
      %0: f32[2,3] = rand() {key=0, dist="uniform"}
      %1: f32[2,3] = mul(%x, %0)
      return %1
    }`;

  it("'same': one unbatched draw, broadcast to every member", () => {
    expectPass(rand, [0], 4, `
      graph(%x: f32[4,2,3]) {
        %0: f32[2,3] = rand() {key=0, dist="uniform"}
        %1: f32[1,2,3] = reshape(%0) {shape=[1,2,3]}
        %2: f32[4,2,3] = expand(%1) {shape=[4,2,3]}
        %3: f32[4,2,3] = mul(%x, %2)
        return %3
      }`, 'same');
  });

  it("'different': one draw with a member axis", () => {
    expectPass(rand, [0], 4, `
      graph(%x: f32[4,2,3]) {
        %0: f32[4,2,3] = rand() {key=0, dist="uniform"}
        %1: f32[4,2,3] = mul(%x, %0)
        return %1
      }`, 'different');
  });

  it("'error': the pass refuses", () => {
    expect(() => runPass(rand, [0], 4)).toThrow(VmapError);
    expect(() => runPass(rand, [0], 4)).toThrow(/randomness='error'/);
  });

  it('keys stay distinct for several rand nodes', () => {
    const out = runPass(`
      graph(%x: f32[2]) {
        %0: f32[2] = rand() {key=0, dist="uniform"}
        %1: f32[2] = rand() {key=1, dist="normal"}
        %2: f32[2] = add(%0, %1)
        %3: f32[2] = add(%x, %2)
        return %3
      }`, [0], 3, 'different');
    expect(out).toContain('rand() {key=0, dist="uniform"}');
    expect(out).toContain('rand() {key=1, dist="normal"}');
  });
});

describe('vmap pass: outputs and options', () => {
  const id = `
    graph(%x: f32[2,3], %k: f32[3]) {
      %0: f32[2,3] = neg(%x)
      return %0, %k
    }`;

  it('out_dims place the member axis; an unmapped output may stay unmapped with null', () => {
    const out = runPass(id, [0, null], 4, 'error', [2, null]);
    expect(out).toBe(dedent(`
      graph(%x: f32[4,2,3], %k: f32[3]) {
        %0: f32[4,2,3] = neg(%x)
        %1: f32[2,3,4] = permute(%0) {perm=[1,2,0]}
        return %1, %k
      }`));
  });

  it('rejects null out_dims for a mapped output, out-of-range out_dims, and wrong lengths', () => {
    const g = parseGraph(dedent(id));
    expect(() => vmapPass(g, { inDims: [0, null], outDims: [null, null], axisSize: 2, randomness: 'error' })).toThrow(/out_dims is null for output 0/);
    expect(() => vmapPass(g, { inDims: [0, null], outDims: [3, 0], axisSize: 2, randomness: 'error' })).toThrow(/out_dim 3 is out of range for output 0 of rank 3/);
    expect(() => vmapPass(g, { inDims: [0], outDims: [0, 0], axisSize: 2, randomness: 'error' })).toThrow(VmapError);
    expect(() => vmapPass(g, { inDims: [0, null], outDims: [0], axisSize: 2, randomness: 'error' })).toThrow(VmapError);
  });
});

describe('vmap pass: cumsum, gather and scatter_add', () => {
  it('cumsum keeps the batch dim where it is and shifts its axis past it', () => {
    expectPass(`
      graph(%x: f32[4,6]) {
        %0: f32[4,6] = cumsum(%x) {axis=1, reverse=false}
        return %0
      }`, [1], 3, `
      graph(%x: f32[4,3,6]) {
        %0: f32[4,3,6] = cumsum(%x) {axis=2, reverse=false}
        %1: f32[3,4,6] = permute(%0) {perm=[1,0,2]}
        return %1
      }`);
  });

  it('gather with a mapped index and a shared table: the table is broadcast as a view, the axis shifts by one', () => {
    expectPass(`
      graph(%x: f32[4,6], %i: i64[4,2]) {
        %0: f32[4,2] = gather(%x, %i) {axis=1}
        return %0
      }`, [null, 0], 3, `
      graph(%x: f32[4,6], %i: i64[3,4,2]) {
        %0: f32[1,4,6] = reshape(%x) {shape=[1,4,6]}
        %1: f32[3,4,6] = expand(%0) {shape=[3,4,6]}
        %2: f32[3,4,2] = gather(%1, %i) {axis=2}
        return %2
      }`);
  });

  it('scatter_add with mapped operand and source and a shared index: every operand at batch dim 0, one scatter', () => {
    expectPass(`
      graph(%x: f32[4,6], %i: i32[2,6], %s: f32[2,6]) {
        %0: f32[4,6] = scatter_add(%x, %i, %s) {axis=0}
        return %0
      }`, [0, null, 1], 3, `
      graph(%x: f32[3,4,6], %i: i32[2,6], %s: f32[2,3,6]) {
        %0: i32[1,2,6] = reshape(%i) {shape=[1,2,6]}
        %1: i32[3,2,6] = expand(%0) {shape=[3,2,6]}
        %2: f32[3,2,6] = permute(%s) {perm=[1,0,2]}
        %3: f32[3,4,6] = scatter_add(%x, %1, %2) {axis=1}
        return %3
      }`);
  });
});
