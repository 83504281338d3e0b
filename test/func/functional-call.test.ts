// functionalCall as torch.func.functional_call: dict merging, strict keys, tied weights, and a module left unchanged.

import { describe, expect, it } from 'vitest';
import { functionalCall, nn, StateError, Tensor } from '../../index.js';
import { expectClose } from '../helpers/assert.js';

class Net extends nn.Module {
  l1 = new nn.Linear(3, 4);
  bn = new nn.BatchNorm1d(4);
  l2 = new nn.Linear(4, 2);
  forward(x: Tensor): Tensor {
    return this.l2.forward(this.bn.forward(this.l1.forward(x)).relu());
  }
}

/** Copies of every tensor of the module's state, for before/after comparisons. */
const snapshot = (m: nn.Module): Record<string, { obj: Tensor; values: number[] }> =>
  Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, { obj: t, values: t.toArray() }]));

function expectUnchanged(m: nn.Module, before: ReturnType<typeof snapshot>): void {
  const now = m.stateDict();
  expect(Object.keys(now)).toEqual(Object.keys(before));
  for (const [k, { obj, values }] of Object.entries(before)) {
    expect(now[k], k).toBe(obj);
    expect(now[k]!.toArray(), k).toEqual(values);
  }
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StateError);
    return (e as Error).message;
  }
  throw new Error('expected a StateError');
}

describe('functionalCall', () => {
  const x = Tensor.randn([5, 3]);

  it('runs forward with the given parameters and buffers (a tuple of dicts), like a module that holds them', () => {
    const net = new Net().eval();
    const other = new Net().eval();
    const params = Object.fromEntries(other.namedParameters());
    const buffers = Object.fromEntries(other.namedBuffers());
    expectClose(functionalCall(net, [params, buffers], [x]), other.forward(x));
    expectClose(functionalCall(net, { ...params, ...buffers }, x), other.forward(x));
  });

  it('uses the module\'s own tensors for keys that are not given (strict off, the default)', () => {
    const net = new Net().eval();
    const other = new Net().eval();
    const partial = { 'l2.weight': other.l2.weight, 'l2.bias': other.l2.bias! };
    const expected = other.l2.forward(net.bn.forward(net.l1.forward(x)).relu());
    expectClose(functionalCall(net, partial, [x]), expected);
  });

  it('leaves the module unchanged, also when forward throws', () => {
    const net = new Net().eval();
    const before = snapshot(net);
    const other = new Net();
    functionalCall(net, [Object.fromEntries(other.namedParameters()), Object.fromEntries(other.namedBuffers())], [x]);
    expectUnchanged(net, before);
    expect(() => functionalCall(net, Object.fromEntries(other.namedParameters()), [Tensor.randn([5, 7])])).toThrow(/linear/);
    expectUnchanged(net, before);
  });

  it('a key in two dicts is an error naming the key', () => {
    const net = new Net();
    const p = Object.fromEntries(net.namedParameters());
    const msg = messageOf(() => functionalCall(net, [p, { 'l1.weight': p['l1.weight']! }], [x]));
    expect(msg).toContain("'l1.weight'");
    expect(msg).toContain('multiple values');
  });

  it('strict reports missing and unexpected keys together', () => {
    const net = new Net();
    const p = Object.fromEntries(net.namedParameters());
    delete p['l2.bias'];
    const msg = messageOf(() => functionalCall(net, [p, { 'l3.weight': Tensor.zeros([1]) }], [x], { strict: true }));
    expect(msg).toContain('Error(s) in reparametrizing for Net');
    expect(msg).toContain("Unexpected key(s): 'l3.weight'.");
    expect(msg).toContain("Missing key(s): 'l2.bias', 'bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked'.");
    const all = { ...Object.fromEntries(net.namedParameters()), ...Object.fromEntries(net.namedBuffers()) };
    expect(functionalCall(net.eval(), all, [x], { strict: true }).shape).toEqual([5, 2]);
  });

  describe('tied weights', () => {
    class Tied extends nn.Module {
      enc = new nn.Linear(2, 2, { bias: false });
      dec = new nn.Linear(2, 2, { bias: false });
      constructor() {
        super();
        this.dec.weight = this.enc.weight;
      }
      forward(x: Tensor): Tensor {
        return this.dec.forward(this.enc.forward(x));
      }
    }
    const I2 = Tensor.tensor([[2, 0], [0, 2]]);
    const ones = Tensor.ones([1, 2]);

    it('lists a tied weight once in namedParameters and under each name in the state dict', () => {
      const t = new Tied();
      expect(t.namedParameters().map(([n]) => n)).toEqual(['enc.weight']);
      expect(t.namedParameters({ removeDuplicate: false }).map(([n]) => n)).toEqual(['enc.weight', 'dec.weight']);
      expect(Object.keys(t.stateDict())).toEqual(['enc.weight', 'dec.weight']);
    });

    it('a value for one name of a tied weight replaces all of them', () => {
      const t = new Tied();
      expect(functionalCall(t, { 'enc.weight': I2 }, [ones]).toArray()).toEqual([4, 4]);
      expect(functionalCall(t, { 'dec.weight': I2 }, [ones]).toArray()).toEqual([4, 4]);
      // strict is satisfied by one name of a tied pair.
      expect(functionalCall(t, { 'enc.weight': I2 }, [ones], { strict: true }).toArray()).toEqual([4, 4]);
    });

    it('different values for tied names are an error, unless tieWeights is false', () => {
      const t = new Tied();
      const before = snapshot(t);
      const msg = messageOf(() => functionalCall(t, { 'enc.weight': I2, 'dec.weight': I2.mul(3) }, [ones]));
      expect(msg).toContain("'enc.weight' and 'dec.weight'");
      expect(msg).toContain('tied');
      expect(functionalCall(t, { 'enc.weight': I2, 'dec.weight': I2.mul(3) }, [ones], { tieWeights: false }).toArray()).toEqual([12, 12]);
      expectUnchanged(t, before);
    });

    it('a submodule shared under two names is tied too', () => {
      class Shared extends nn.Module {
        a = new nn.Linear(2, 2, { bias: false });
        b = this.a;
        forward(x: Tensor): Tensor {
          return this.b.forward(this.a.forward(x));
        }
      }
      const s = new Shared();
      expect(Object.keys(s.stateDict())).toEqual(['a.weight', 'b.weight']);
      expect(functionalCall(s, { 'b.weight': I2 }, [ones]).toArray()).toEqual([4, 4]);
      expect(() => functionalCall(s, { 'a.weight': I2, 'b.weight': I2.mul(3) }, [ones])).toThrow(/tied/);
    });
  });

  it('a BatchNorm in training mode writes its new running stats into the given dict, not the module', () => {
    const net = new Net();
    const before = snapshot(net);
    const buffers = Object.fromEntries(net.namedBuffers());
    functionalCall(net, [Object.fromEntries(net.namedParameters()), buffers], [x]);
    expect(buffers['bn.num_batches_tracked']!.toArray()).toEqual([1]);
    expect(buffers['bn.running_mean']!.toArray()).not.toEqual(before['bn.running_mean']!.values);
    expectUnchanged(net, before);
  });
});
