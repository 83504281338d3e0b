// The ops of issue 13 against PyTorch 1.13 (test/fixtures/torch-ops, written by its generate.py): values and gradients, eager.

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { grad, Tensor, vmap } from '../../index.js';
import { closeness, loadCase, type ReferenceCase } from '../helpers/reference.js';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/torch-ops');

type Dict = Record<string, Tensor>;

/** What vmapc computes for each case, under PyTorch's output names (inputs by their names in io.safetensors). */
const CASES: Record<string, (ins: Dict) => Dict> = {
  rounding: ({ x, ints }) => ({
    floor: x!.floor(), ceil: x!.ceil(), round: x!.round(), round_1: x!.round(1), round_m1: x!.round(-1),
    log1p: x!.abs().log1p(), expm1: x!.clamp(-10, 10).expm1(),
    int_floor: ints!.floor(), int_log1p: ints!.abs().log1p(), int_prod: ints!.prod(), int_cumsum: ints!.cumsum(1),
  }),
  log1p_expm1_grads: ({ x }) => ({ log1p: x!.log1p(), expm1: x!.expm1(), round: x!.round() }),
  prod: ({ x }) => ({ dim1: x!.prod(1), dim0_keepdim: x!.prod(0, true), all: x!.prod() }),
  amin: ({ x }) => ({ amin1: x!.amin(1), amin01: x!.amin([0, 1]), min: x!.min(), argmin1: x!.argmin(1), argmin0: x!.argmin(0, true), argmin: x!.argmin() }),
  cumsum: ({ x }) => ({ dim2: x!.cumsum(2), dim0: x!.cumsum(0), dim_m2: x!.cumsum(-2).mul(x!), f64: x!.cumsum(1, 'f64') }),
  gather_scatter: ({ x, idx, idx0, src, src0 }) => ({
    gather1: x!.gather(1, idx!), gather0: x!.gather(0, idx0!), scatter1: x!.scatterAdd(1, idx!, src!), scatter0: x!.scatterAdd(0, idx0!, src0!),
  }),
  vmapped: ({ x, idx }) => ({
    vmap: vmap((xi: Tensor, ii: Tensor) => xi.gather(1, ii).sum(1).add(xi.cumsum(1).select(1, -1).mul(xi.prod(1))).add(xi.amin(1)))(x!, idx!),
  }),
};

function inputsOf(c: ReferenceCase): Dict {
  return Object.fromEntries(Object.keys(c.inputs).map((k) => [k, c.io[k]!]));
}

function expectMatches(got: Tensor, want: Tensor, c: ReferenceCase, what: string): void {
  expect(got.shape, `${what} shape`).toEqual(want.shape);
  // Indices are i32 in vmapc (argmax's and argmin's dtype), i64 in torch; float outputs keep vmapc's f32/f64.
  const dtype = what.startsWith('out.argmin') ? 'i32' : want.dtype === 'i64' || want.dtype === 'i32' ? want.dtype : got.dtype;
  expect(got.dtype, `${what} dtype`).toBe(dtype);
  const r = closeness(got.toArray(), want.toArray(), c.rtol, c.atol);
  expect(r.ok, `${what}: ${r.worst}`).toBe(true);
}

describe('issue 13 ops against PyTorch 1.13', () => {
  for (const name of Object.keys(CASES)) {
    const c = loadCase(name, DIR) as ReferenceCase & { outputs: string[]; grads: string[]; description: string };
    it(`${name}: ${c.description}`, () => {
      const ins = inputsOf(c);
      const outs = CASES[name]!(ins);
      expect(Object.keys(outs).sort()).toEqual(c.outputs);
      for (const k of c.outputs) expectMatches(outs[k]!, c.io[`out.${k}`]!, c, `out.${k}`);
      if (!c.grads.length) return;
      // d sum(out * w) / d input, for the float inputs PyTorch differentiated.
      const floats = Object.fromEntries(c.grads.map((k) => [k, ins[k]!]));
      const loss = (fl: Dict): Tensor => {
        const o = CASES[name]!({ ...ins, ...fl });
        return Object.keys(o).filter((k) => c.io[`w.${k}`]).map((k) => o[k]!.mul(c.io[`w.${k}`]!).sum()).reduce((a, b) => a.add(b));
      };
      const grads = grad(loss)(floats) as Dict;
      for (const k of c.grads) expectMatches(grads[k]!, c.io[`grad.${k}`]!, c, `grad.${k}`);
    });
  }
});
