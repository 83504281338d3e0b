// stackModuleState: stacked new leaves under state-dict names, and its errors in PyTorch's order.

import { describe, expect, it } from 'vitest';
import { nn, stackModuleState, StateError, Tensor } from '../../index.js';

class Small extends nn.Module {
  fc = new nn.Linear(3, 2);
  bn = new nn.BatchNorm1d(2);
  forward(x: Tensor): Tensor {
    return this.bn.forward(this.fc.forward(x));
  }
}
class Other extends nn.Module {
  fc = new nn.Linear(3, 2);
  bn = new nn.BatchNorm1d(2);
  forward(x: Tensor): Tensor {
    return this.fc.forward(x);
  }
}

function stateError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StateError);
    return (e as Error).message;
  }
  throw new Error('expected a StateError');
}

describe('stackModuleState', () => {
  it('stacks parameters and buffers on a new leading axis, member i at index i', () => {
    const ms = [new Small(), new Small(), new Small()];
    const { params, buffers } = stackModuleState(ms);
    expect(Object.keys(params)).toEqual(['fc.weight', 'fc.bias', 'bn.weight', 'bn.bias']);
    expect(Object.keys(buffers)).toEqual(['bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked']);
    expect(params['fc.weight']!.shape).toEqual([3, 2, 3]);
    expect(buffers['bn.num_batches_tracked']!.shape).toEqual([3]);
    expect(buffers['bn.num_batches_tracked']!.dtype).toBe('i64');
    ms.forEach((m, i) => {
      expect(params['fc.weight']!.select(0, i).toArray()).toEqual(m.fc.weight.toArray());
      expect(params['fc.bias']!.select(0, i).toArray()).toEqual(m.fc.bias!.toArray());
    });
  });

  it('makes new leaves that share no storage with the members', () => {
    const ms = [new Small(), new Small()];
    const { params, buffers } = stackModuleState(ms);
    const w = params['fc.weight']!;
    const saved = w.toArray();
    expect(w).not.toBeInstanceOf(nn.Parameter);
    (ms[0]!.fc.weight.data as Float32Array).fill(42);
    expect(w.toArray()).toEqual(saved);
    (w.data as Float32Array).fill(-1);
    expect(ms[1]!.fc.weight.toArray()).not.toContain(-1);
    expect(buffers['bn.running_var']!.data.buffer).not.toBe(ms[0]!.bn.running_var!.data.buffer);
  });

  it('stacks a single member', () => {
    expect(stackModuleState([new Small()]).params['fc.bias']!.shape).toEqual([1, 2]);
  });

  describe('errors, in PyTorch\'s order', () => {
    it('an empty list', () => {
      expect(stateError(() => stackModuleState([]))).toContain('Expected at least one model, got 0');
    });

    it('mixed train/eval modes (checked before classes)', () => {
      const msg = stateError(() => stackModuleState([new Small(), new Small().eval(), new Other()]));
      expect(msg).toContain('same training/eval mode');
      expect(msg).toContain('1: eval');
    });

    it('a different class (checked before names and shapes)', () => {
      const msg = stateError(() => stackModuleState([new Small(), new Other()]));
      expect(msg).toContain('same class');
      expect(msg).toContain('member 1 is Other');
      class Tiny extends nn.Module {
        w = new nn.Parameter(Tensor.zeros([7]));
        forward(x: Tensor): Tensor { return x; }
      }
      expect(stateError(() => stackModuleState([new Small(), new Tiny()]))).toContain('same class');
    });

    it('names are checked before shapes', () => {
      class Odd extends nn.Module {
        constructor(readonly n: number) {
          super();
          if (n === 0) this.registerParameter('a', Tensor.zeros([2]));
          else this.registerParameter('b', Tensor.zeros([3]));
          this.registerParameter('c', Tensor.zeros([n + 1]));
        }
        forward(x: Tensor): Tensor { return x; }
      }
      const msg = stateError(() => stackModuleState([new Odd(0), new Odd(1)]));
      expect(msg).toContain('different parameter names');
      expect(msg).not.toContain('shape');
    });

    it('differing parameter names, named in the message', () => {
      class Maybe extends nn.Module {
        fc: nn.Linear;
        extra?: nn.Parameter;
        constructor(extra: boolean) {
          super();
          this.fc = new nn.Linear(2, 2, { bias: !extra });
          if (extra) this.extra = new nn.Parameter(Tensor.zeros([2]));
        }
        forward(x: Tensor): Tensor {
          return this.fc.forward(x);
        }
      }
      const msg = stateError(() => stackModuleState([new Maybe(false), new Maybe(true)]));
      expect(msg).toContain('member 1 (Maybe) has different parameter names');
      expect(msg).toContain('missing fc.bias');
      expect(msg).toContain('unexpected extra');
    });

    it('differing shapes, named with both shapes', () => {
      class Sized extends nn.Module {
        fc: nn.Linear;
        constructor(n: number) {
          super();
          this.fc = new nn.Linear(3, n);
        }
        forward(x: Tensor): Tensor {
          return this.fc.forward(x);
        }
      }
      const msg = stateError(() => stackModuleState([new Sized(2), new Sized(2), new Sized(5)]));
      expect(msg).toContain("parameter 'fc.weight' of member 2 has shape [5, 3] but member 0 has [2, 3]");
    });

    it('differing dtypes, named with both dtypes', () => {
      const a = new Small(), b = new Small();
      b.bn.running_mean = new nn.Buffer(Tensor.zeros([2], 'f64'));
      const msg = stateError(() => stackModuleState([a, b]));
      expect(msg).toContain("buffer 'bn.running_mean' of member 1 is f64 but member 0 is f32");
    });
  });
});
