// Sequential, ModuleList and ModuleDict: typed forward and iteration (checked by tsc over this file), PyTorch's state names, errors.

import { describe, expect, it } from 'vitest';
import { functionalCall, nn, stackModuleState, StateError, Tensor, vmap } from '../../index.js';
import { withInitSeed } from '../../compiler/nn/init.js';
import { expectClose } from '../helpers/assert.js';

class Heads extends nn.Module {
  body = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU());
  blocks = new nn.ModuleList([new nn.Linear(8, 8), new nn.Linear(8, 8)]);
  heads = new nn.ModuleDict({ cls: new nn.Linear(8, 3), box: new nn.Sequential(new nn.Linear(8, 2), new nn.Sigmoid()) });
  forward(x: Tensor): { cls: Tensor; box: Tensor } {
    // Typed without casts: Sequential's output, each ModuleList item's forward, each ModuleDict entry by key.
    let h: Tensor = this.body.forward(x);
    for (const block of this.blocks) h = block.forward(h).relu();
    const box: Tensor = this.heads.get('box').forward(h);
    return { cls: this.heads.get('cls').forward(h), box };
  }
}

describe('containers', () => {
  it('Sequential: forward typed by its first and last module; iteration and at() typed', () => {
    const seq = new nn.Sequential(new nn.Linear(3, 5), new nn.Tanh(), new nn.Linear(5, 2));
    const x = Tensor.randn([4, 3]);
    const y: Tensor = seq.forward(x);
    expect(y.shape).toEqual([4, 2]);
    const kinds: string[] = [];
    for (const m of seq) kinds.push(m.constructor.name);
    expect(kinds).toEqual(['Linear', 'Tanh', 'Linear']);
    expect(seq.at(-1)).toBeInstanceOf(nn.Linear);
    expect(() => seq.at(3)).toThrow(/Sequential index 3 is out of range for 3 modules/);
    // @ts-expect-error a Sequential that starts with a Linear takes a Tensor
    expect(() => seq.forward(3)).toThrow();
  });

  it('ModuleList: extend, typed iteration, errors', () => {
    const list = new nn.ModuleList<nn.Linear>().extend([new nn.Linear(2, 2), new nn.Linear(2, 2)]);
    expect(list.length).toBe(2);
    let x = Tensor.ones([1, 2]);
    for (const l of list) x = l.forward(x);
    expect(x.shape).toEqual([1, 2]);
    expect(() => list.append(7 as unknown as nn.Linear)).toThrow(/ModuleList.append: expected an nn.Module, got a number/);
    expect(() => list.forward()).toThrow(/ModuleList has no forward; iterate over it in the parent module/);
  });

  it('ModuleDict: keys in insertion order (integer-like ones too) in the state dict, typed get, Map-like iteration', () => {
    const d = new nn.ModuleDict({ b: new nn.Linear(1, 1), 7: new nn.Linear(1, 2), a: new nn.Identity() });
    // A JavaScript object literal lists integer-like keys first: that is the order this dict was given.
    expect(d.keys()).toEqual(['7', 'b', 'a']);
    expect(Object.keys(d.stateDict())).toEqual(['7.weight', '7.bias', 'b.weight', 'b.bias']);
    const ordered = new nn.ModuleDict<Record<string, nn.Module>>().update({ z: new nn.Linear(1, 1) }).update({ 3: new nn.Linear(1, 1) });
    expect(Object.keys(ordered.stateDict())).toEqual(['z.weight', 'z.bias', '3.weight', '3.bias']);
    const lin: nn.Linear = d.get('b');
    expect(lin.outFeatures).toBe(1);
    expect([...d].map(([k, m]) => `${k}:${m.constructor.name}`)).toEqual(['7:Linear', 'b:Linear', 'a:Identity']);
    expect(d.has('a')).toBe(true);
    expect(d.has('c')).toBe(false);
    // @ts-expect-error 'c' is not a key of this dict
    expect(() => d.get('c')).toThrow(/ModuleDict has no module 'c'; its keys are 7, b, a/);
  });

  it('ModuleDict: bad keys and values are StateErrors', () => {
    expect(() => new nn.ModuleDict({ keys: new nn.ReLU() })).toThrow(/key 'keys' is the name of a ModuleDict property/);
    expect(() => new nn.ModuleDict({ 'a.b': new nn.ReLU() })).toThrow(/key 'a\.b' cannot be a module name/);
    expect(() => new nn.ModuleDict({ a: 3 as unknown as nn.Module })).toThrow(/the value under 'a' is a number, not an nn\.Module/);
    expect(() => new nn.ModuleDict().forward()).toThrow(StateError);
  });

  it('a model with all three stacks and maps over members like any other', () => {
    const M = 3;
    const models = Array.from({ length: M }, (_, i) => withInitSeed(40 + i, () => new Heads().eval()));
    expect(Object.keys(models[0]!.stateDict())).toEqual([
      'body.0.weight', 'body.0.bias', 'blocks.0.weight', 'blocks.0.bias', 'blocks.1.weight', 'blocks.1.bias',
      'heads.cls.weight', 'heads.cls.bias', 'heads.box.0.weight', 'heads.box.0.bias',
    ]);
    const { params, buffers } = stackModuleState(models);
    const x = Tensor.randn([5, 4]);
    const out = vmap((p: Record<string, Tensor>, b: Record<string, Tensor>, xi: Tensor) => functionalCall<{ cls: Tensor; box: Tensor }>(models[0]!, [p, b], [xi]), [0, 0, null])(params, buffers, x);
    expect(out.cls.shape).toEqual([M, 5, 3]);
    expect(out.box.shape).toEqual([M, 5, 2]);
    models.forEach((m, i) => {
      const own = m.forward(x);
      expectClose(out.cls.select(0, i), own.cls);
      expectClose(out.box.select(0, i), own.box);
    });
  });
});
