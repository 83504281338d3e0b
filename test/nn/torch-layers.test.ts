// Composed layers, F functions and Tensor methods against PyTorch: outputs and gradients, vmapped over members.

import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isFloat } from '../../ir/dtype.js';
import { flatten } from '../../compiler/func/pytree.js';
import { functionalCall, grad, nn, stackModuleState, Tensor, vmap } from '../../index.js';
import { expectClose } from '../helpers/assert.js';
import {
  FUNCTIONAL_SPECS, LAYERS_DIR, loadFunctionalFixture, loadLayerFixture, MODULE_SPECS, type ModuleSpec,
} from '../helpers/torch-layers.js';

type Dict = Record<string, Tensor>;

/** Float inputs named like these get no gradient in generate.py (masks, weights torch cannot differentiate). */
const NO_GRAD = ['mask', 'kpm', 'c_'];

/** Holds the module under test as `inner` and calls it the way generate.py does. */
class Harness extends nn.Module {
  constructor(readonly inner: nn.Module, readonly call: ModuleSpec['call']) {
    super();
  }
  forward(ins: Dict): unknown {
    return this.call(this.inner, ins);
  }
}

const prefixed = (d: Dict): Dict => Object.fromEntries(Object.entries(d).map(([k, v]) => [`inner.${k}`, v]));

const sumAgainst = (out: unknown, cots: readonly Tensor[]): Tensor =>
  (flatten(out).leaves as Tensor[]).map((t, j) => t.mul(cots[j]!).sum()).reduce((a, b) => a.add(b));

describe('the fixtures and the tables cover each other', () => {
  it('every case folder has a spec and every spec a folder', () => {
    const folders = readdirSync(LAYERS_DIR).filter((f) => statSync(path.join(LAYERS_DIR, f)).isDirectory()).sort();
    expect(folders).toEqual(['functional', ...Object.keys(MODULE_SPECS)].sort());
    expect(Object.keys(loadFunctionalFixture().ops).sort()).toEqual(Object.keys(FUNCTIONAL_SPECS).sort());
  });
});

describe('layers against PyTorch: stacked members under vmap(functionalCall), outputs and vmap(grad)', () => {
  for (const [name, spec] of Object.entries(MODULE_SPECS)) {
    it(name, () => {
      const fx = loadLayerFixture(name);
      const models = fx.members.map((sd) => {
        const m = spec.make().train(fx.train);
        m.loadStateDict(sd);
        return m;
      });
      expect(models[0]!.namedParameters().map(([n]) => n), 'parameter names').toEqual(fx.param_order);
      expect(models[0]!.namedBuffers().map(([n]) => n), 'buffer names').toEqual(fx.buffer_order);
      const harness = new Harness(models[0]!, spec.call);
      const names = Object.keys(fx.inputs);
      const gradNames = names.filter((n) => isFloat(fx.io[n]!.dtype) && !NO_GRAD.some((p) => n.startsWith(p)));
      const otherNames = names.filter((n) => !gradNames.includes(n));
      const pick = (ns: string[]): Dict => Object.fromEntries(ns.map((n) => [n, fx.io[n]!]));
      const dims = (ns: string[]): Record<string, number | null> => Object.fromEntries(ns.map((n) => [n, fx.inputs[n]!.in_dim]));
      // Buffers the forward replaces (running stats in training) are copied back into the caller's dict.
      const run = (p: Dict, b: Dict, gi: Dict, oi: Dict): unknown => {
        const pb = prefixed(b);
        const out = functionalCall(harness, [prefixed(p), pb], [{ ...gi, ...oi }]);
        for (const k of Object.keys(b)) b[k] = pb[`inner.${k}`]!;
        return out;
      };
      const inDims = [0, 0, dims(gradNames), dims(otherNames)];

      const { params, buffers } = stackModuleState(models);
      const out = flatten(vmap(run, inDims)(params, buffers, pick(gradNames), pick(otherNames))).leaves as Tensor[];
      expect(out.length).toBe(fx.outputs);
      out.forEach((t, j) => expectClose(t, fx.io[`out.${j}`]!, fx.rtol, fx.atol));
      for (const b of fx.buffer_order) {
        const after = fx.io[`after.${b}`];
        if (after && after.dtype !== 'i64') expectClose(buffers[b]!, after, fx.rtol, fx.atol);
      }

      const cots = out.map((_, j) => fx.io[`cot.${j}`]!);
      const loss = (p: Dict, b: Dict, gi: Dict, oi: Dict, c: Tensor[]): Tensor => sumAgainst(run(p, b, gi, oi), c);
      const fresh = stackModuleState(models);
      const [gp, gi] = vmap(grad(loss, { argnums: [0, 2] }), [...inDims, 0])(fresh.params, fresh.buffers, pick(gradNames), pick(otherNames), cots) as [Dict, Dict];
      for (const n of fx.param_order) expectClose(gp[n]!, fx.io[`grad.param.${n}`]!, 1e-4, 1e-5);
      for (const n of gradNames) expectClose(gi[n]!, fx.io[`grad.input.${n}`]!, 1e-4, 1e-5);
    });
  }
});

describe('F functions and Tensor methods against PyTorch: per-member inputs under vmap, outputs and vmap(grad)', () => {
  const fx = loadFunctionalFixture();
  for (const [name, fn] of Object.entries(FUNCTIONAL_SPECS)) {
    it(name, () => {
      const meta = fx.ops[name]!;
      const ins = Object.fromEntries(meta.inputs.map((k) => [k, fx.io[`${name}.in.${k}`]!]));
      const out = flatten(vmap(fn)(ins)).leaves as Tensor[];
      expect(out.length).toBe(meta.outputs);
      out.forEach((t, j) => {
        const e = fx.io[`${name}.out.${j}`]!;
        expect(t.dtype, `output ${j} dtype`).toBe(e.dtype === 'i64' ? 'i64' : t.dtype);
        expectClose(t, e, fx.rtol, fx.atol);
      });
      if (!meta.grads.length) return;
      const gi = Object.fromEntries(meta.grads.map((k) => [k, ins[k]!]));
      const oi = Object.fromEntries(meta.inputs.filter((k) => !meta.grads.includes(k)).map((k) => [k, ins[k]!]));
      const cots = out.map((_, j) => fx.io[`${name}.cot.${j}`]).filter((c): c is Tensor => c !== undefined);
      const loss = (g: Dict, o: Dict, c: Tensor[]): Tensor => sumAgainst(fn({ ...g, ...o }), c);
      const grads = vmap(grad(loss))(gi, oi, cots) as Dict;
      for (const k of meta.grads) expectClose(grads[k]!, fx.io[`${name}.grad.${k}`]!, 1e-4, 1e-5);
    });
  }
});
