// SGD, Adam and AdamW on stacked f64 params against PyTorch's formulas over several steps, per-member values included.

import { describe, expect, it } from 'vitest';
import { StateError, Tensor } from '../../index.js';
import { adam, adamInit, adamw, sgd, sgdInit, SGD, AdamW, type AdamOptions, type SGDOptions } from '../../compiler/optim/index.js';
import { Generator } from '../../runtime/rng.js';
import { adamReference, sgdReference, type AdamHyper, type SgdHyper } from './reference.js';

type Dict = Record<string, Tensor>;
const M = 3, STEPS = 5;
const SHAPES: Record<string, number[]> = { w: [M, 2, 3], b: [M, 4] };

function problem(seed: number): { params: Dict; grads: Dict[] } {
  const g = new Generator(seed);
  const rand = (shape: number[]): Tensor => Tensor.fromArray(g.uniform(shape.reduce((a, b) => a * b, 1), -1, 1), shape, 'f64');
  const params = Object.fromEntries(Object.entries(SHAPES).map(([n, s]) => [n, rand(s)]));
  const grads = Array.from({ length: STEPS }, () => Object.fromEntries(Object.entries(SHAPES).map(([n, s]) => [n, rand(s)])));
  return { params, grads };
}

const member = (t: Tensor, i: number): number[] => t.select(0, i).toArray();
const at = <T>(v: T | readonly T[], i: number): T => (Array.isArray(v) ? (v as readonly T[])[i]! : (v as T));

function expectRowsClose(actual: Tensor, expected: number[], i: number, tol = 1e-12): void {
  const a = member(actual, i);
  a.forEach((x, k) => expect(Math.abs(x - expected[k]!), `member ${i} element ${k}: ${x} vs ${expected[k]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(expected[k]!))));
}

const SGD_CASES: [string, SGDOptions][] = [
  ['plain', { lr: 0.1 }],
  ['momentum', { lr: 0.05, momentum: 0.9 }],
  ['momentum + dampening + weight decay', { lr: 0.05, momentum: 0.8, dampening: 0.3, weightDecay: 0.01 }],
  ['nesterov + weight decay', { lr: 0.02, momentum: 0.9, nesterov: true, weightDecay: 0.1 }],
  ['maximize', { lr: 0.1, momentum: 0.5, maximize: true }],
  ['per-member lr, momentum, dampening and weight decay', { lr: [0.1, 0.01, 0.3], momentum: [0.9, 0, 0.5], dampening: [0.1, 0.5, 0], weightDecay: [0, 0.1, 0.01] }],
];

describe('sgd', () => {
  for (const [label, o] of SGD_CASES) {
    it(`${label}: ${STEPS} steps equal torch's formula for every member`, () => {
      const { params, grads } = problem(1);
      let p = params;
      let s = sgdInit(params, o);
      for (const g of grads) ({ params: p, state: s } = sgd(p, g, s, o));
      expect(s.step.item()).toBe(STEPS);
      for (let i = 0; i < M; i++) {
        const h: SgdHyper = {
          lr: at(o.lr as number | number[], i), momentum: at(o.momentum ?? 0, i), dampening: at(o.dampening ?? 0, i),
          weightDecay: at(o.weightDecay ?? 0, i), nesterov: o.nesterov ?? false, maximize: o.maximize ?? false,
        };
        for (const name of Object.keys(SHAPES)) {
          expectRowsClose(p[name]!, sgdReference(member(params[name]!, i), grads.map((g) => member(g[name]!, i)), h), i);
        }
      }
    });
  }

  it('the SGD object updates the params dict in place', () => {
    const { params, grads } = problem(2);
    const start = { ...params };
    const opt = new SGD(params, { lr: 0.1, momentum: 0.9 });
    grads.forEach((g) => opt.step(g));
    const h: SgdHyper = { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false };
    expectRowsClose(params['w']!, sgdReference(member(start['w']!, 1), grads.map((g) => member(g['w']!, 1)), h), 1);
  });
});

const ADAM_CASES: [string, boolean, AdamOptions][] = [
  ['Adam defaults', false, {}],
  ['Adam with weight decay (L2) and amsgrad', false, { lr: 0.01, weightDecay: 0.05, amsgrad: true }],
  ['Adam maximize, custom betas and eps', false, { lr: 0.02, betas: [0.8, 0.99], eps: 1e-6, maximize: true }],
  ['AdamW defaults (decoupled weight decay 1e-2)', true, { lr: 0.01 }],
  ['AdamW amsgrad', true, { lr: 0.03, weightDecay: 0.2, amsgrad: true }],
  ['Adam with every hyperparameter per member', false, { lr: [0.1, 0.001, 0.01], betas: [[0.9, 0.5, 0.8], [0.999, 0.9, 0.99]], eps: [1e-8, 1e-3, 1e-6], weightDecay: [0, 0.1, 0.01] }],
  ['AdamW with per-member lr and weight decay', true, { lr: [0.1, 0.001, 0.01], weightDecay: [0.5, 0, 0.01] }],
];

describe('adam and adamw', () => {
  for (const [label, decoupled, o] of ADAM_CASES) {
    it(`${label}: ${STEPS} steps equal torch's formula for every member`, () => {
      const { params, grads } = problem(3);
      const update = decoupled ? adamw : adam;
      let p = params;
      let s = adamInit(params, o);
      for (const g of grads) ({ params: p, state: s } = update(p, g, s, o));
      for (let i = 0; i < M; i++) {
        const [b1, b2] = o.betas ?? [0.9, 0.999];
        const h: AdamHyper = {
          lr: at((o.lr as number | number[] | undefined) ?? 1e-3, i), beta1: at(b1, i), beta2: at(b2, i), eps: at(o.eps ?? 1e-8, i),
          weightDecay: at(o.weightDecay ?? (decoupled ? 1e-2 : 0), i), amsgrad: o.amsgrad ?? false, maximize: o.maximize ?? false, decoupled,
        };
        for (const name of Object.keys(SHAPES)) {
          expectRowsClose(p[name]!, adamReference(member(params[name]!, i), grads.map((g) => member(g[name]!, i)), h), i, 1e-10);
        }
      }
    });
  }

  it('the AdamW object keeps its state stacked like the params', () => {
    const { params, grads } = problem(4);
    const opt = new AdamW(params, { lr: [0.1, 0.2, 0.3], amsgrad: true });
    opt.step(grads[0]!);
    expect(opt.state.expAvg['w']!.shape).toEqual([M, 2, 3]);
    expect(opt.state.maxExpAvgSq!['b']!.shape).toEqual([M, 4]);
    expect(opt.state.step.item()).toBe(1);
  });

  it('a learning rate Tensor [M] works like the array', () => {
    const { params, grads } = problem(5);
    const a = adam(params, grads[0]!, adamInit(params), { lr: [0.1, 0.2, 0.3] });
    const b = adam(params, grads[0]!, adamInit(params), { lr: Tensor.tensor([0.1, 0.2, 0.3], 'f64') });
    expect(b.params['w']!.toArray()).toEqual(a.params['w']!.toArray());
  });
});

describe('hyperparameter validation', () => {
  const { params, grads } = problem(6);
  it('a per-member array must have one entry per member', () => {
    expect(() => adam(params, grads[0]!, adamInit(params), { lr: [0.1, 0.2] })).toThrow(StateError);
    expect(() => adam(params, grads[0]!, adamInit(params), { lr: [0.1, 0.2] })).toThrow(/learning rate has 2 entries, but the params are stacked for 3 members/);
    expect(() => sgd(params, grads[0]!, sgdInit(params, { lr: 0.1 }), { lr: 0.1, weightDecay: [1, 2, 3, 4] })).toThrow(/weight_decay value has 4 entries/);
    expect(() => adam(params, grads[0]!, adamInit(params), { lr: Tensor.zeros([2]) })).toThrow(/one entry per member \[3\]/);
  });
  it('values out of range are rejected, naming the member', () => {
    expect(() => sgd(params, grads[0]!, sgdInit(params, { lr: -1 }), { lr: -1 })).toThrow(/invalid learning rate: -1/);
    expect(() => adam(params, grads[0]!, adamInit(params), { betas: [[0.9, 1, 0.9], 0.999] })).toThrow(/beta parameter at index 0 for member 1: 1/);
  });
  it("nesterov needs momentum and no dampening, like torch", () => {
    expect(() => sgd(params, grads[0]!, sgdInit(params, { lr: 0.1 }), { lr: 0.1, nesterov: true })).toThrow(/Nesterov momentum requires a momentum and zero dampening/);
    const o: SGDOptions = { lr: 0.1, momentum: [0.9, 0.9, 0.9], dampening: [0, 0.1, 0], nesterov: true };
    expect(() => sgd(params, grads[0]!, sgdInit(params, o), o)).toThrow(/member 1 has momentum 0.9, dampening 0.1/);
  });
  it('grads and state must match the params', () => {
    const { w } = grads[0]!;
    expect(() => adam(params, { w: w! }, adamInit(params))).toThrow(/grads do not match the params: missing 'b'/);
    expect(() => sgd(params, grads[0]!, sgdInit(params, { lr: 0.1 }), { lr: 0.1, momentum: 0.9 })).toThrow(/no momentum buffers/);
  });
});
