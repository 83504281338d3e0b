// nn.Module: state names and order as PyTorch gives them, state dicts (a real PyTorch checkpoint), modes, buffers.

import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSafetensors, nn, parseSafetensors, serializeSafetensors, StateError, Tensor } from '../../index.js';
import { SmallCNN } from '../../examples/models.js';
import { expectClose } from '../helpers/assert.js';
import { REFERENCE_DIR } from '../helpers/reference.js';

class Inner extends nn.Module {
  lin = new nn.Linear(2, 3);
  norm = new nn.BatchNorm1d(3);
  forward(x: Tensor): Tensor {
    return this.norm.forward(this.lin.forward(x));
  }
}

class Outer extends nn.Module {
  first = new Inner();
  scale = new nn.Parameter(Tensor.ones([3]));
  steps = new nn.Buffer(Tensor.zeros([], 'i64'));
  scratch = new nn.Buffer(Tensor.zeros([3]), { persistent: false });
  seq = new nn.Sequential(new nn.Linear(3, 3), new nn.ReLU(), new nn.Linear(3, 1));
  list = new nn.ModuleList([new nn.Linear(1, 1), new nn.Linear(1, 1, { bias: false })]);
  note = 'not state';
  plain = [new nn.Linear(1, 1)]; // a plain array is not registered, as a Python list is not
  forward(x: Tensor): Tensor {
    return this.seq.forward(this.first.forward(x).mul(this.scale)) as Tensor;
  }
}

const names = (pairs: [string, unknown][]): string[] => pairs.map(([n]) => n);

function stateError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StateError);
    return (e as Error).message;
  }
  throw new Error('expected a StateError');
}

describe('names and order', () => {
  const m = new Outer();

  it('namedParameters: own parameters first, then children depth-first, with dotted names', () => {
    expect(names(m.namedParameters())).toEqual([
      'scale',
      'first.lin.weight', 'first.lin.bias', 'first.norm.weight', 'first.norm.bias',
      'seq.0.weight', 'seq.0.bias', 'seq.2.weight', 'seq.2.bias',
      'list.0.weight', 'list.0.bias', 'list.1.weight',
    ]);
  });

  it('namedBuffers include non-persistent ones; the state dict does not', () => {
    expect(names(m.namedBuffers())).toEqual([
      'steps', 'scratch', 'first.norm.running_mean', 'first.norm.running_var', 'first.norm.num_batches_tracked',
    ]);
    expect(Object.keys(m.stateDict())).toEqual([
      'scale', 'steps',
      'first.lin.weight', 'first.lin.bias', 'first.norm.weight', 'first.norm.bias',
      'first.norm.running_mean', 'first.norm.running_var', 'first.norm.num_batches_tracked',
      'seq.0.weight', 'seq.0.bias', 'seq.2.weight', 'seq.2.bias',
      'list.0.weight', 'list.0.bias', 'list.1.weight',
    ]);
  });

  it('lists children and modules', () => {
    expect(names(m.namedChildren())).toEqual(['first', 'seq', 'list']);
    expect(m.children()).toEqual([m.first, m.seq, m.list]);
    expect(names(m.namedModules())).toEqual(['', 'first', 'first.lin', 'first.norm', 'seq', 'seq.0', 'seq.1', 'seq.2', 'list', 'list.0', 'list.1']);
  });

  it('Sequential and ModuleList index, iterate and append', () => {
    expect(m.seq.length).toBe(3);
    expect(m.seq.at(-1)).toBeInstanceOf(nn.Linear);
    expect(() => m.seq.at(3)).toThrow(StateError);
    const list = new nn.ModuleList();
    list.append(new nn.Linear(1, 2)).append(new nn.Linear(2, 1));
    expect([...list].length).toBe(2);
    expect(names(list.namedParameters())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
  });

  it('registerParameter and registerBuffer add state under a name', () => {
    class Reg extends nn.Module {
      constructor() {
        super();
        this.registerBuffer('mask', Tensor.ones([2]));
        this.registerParameter('w', Tensor.zeros([2]));
      }
      forward(x: Tensor): Tensor { return x; }
    }
    const r = new Reg();
    expect(names(r.namedParameters())).toEqual(['w']);
    expect(names(r.namedBuffers())).toEqual(['mask']);
    expect(Object.keys(r.stateDict())).toEqual(['w', 'mask']);
  });
});

describe('loadStateDict', () => {
  const ckpt = path.join(REFERENCE_DIR, 'small_cnn', 'member0.safetensors');

  it('loads a PyTorch checkpoint and then computes what PyTorch computed', () => {
    const sd = loadSafetensors(ckpt);
    const m = new SmallCNN().eval();
    const w = m.conv.weight;
    expect(m.loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(m.conv.weight).toBe(w); // copied in place, as torch's copy_
    expect(m.conv.weight.toArray()).toEqual(sd['conv.weight']!.toArray());
    expect(m.fc.bias!.toArray()).toEqual(sd['fc.bias']!.toArray());
    const io = loadSafetensors(path.join(REFERENCE_DIR, 'small_cnn', 'io.safetensors'));
    expectClose(m.forward(io['x']!), io['expected']!.select(0, 0), 1e-4, 1e-4);
  });

  it('reports a size mismatch with both shapes, even when not strict', () => {
    const sd = loadSafetensors(ckpt);
    sd['fc.weight'] = Tensor.zeros([10, 511]);
    const expected = 'size mismatch for fc.weight: copying a param with shape [10, 511] from checkpoint, the shape in current model is [10, 512].';
    expect(stateError(() => new SmallCNN().loadStateDict(sd))).toContain(expected);
    expect(stateError(() => new SmallCNN().loadStateDict(sd, { strict: false }))).toContain(expected);
  });

  it('reports missing and unexpected keys when strict, and returns them when not', () => {
    const sd = loadSafetensors(ckpt);
    delete sd['fc.bias'];
    sd['fc.scale'] = Tensor.ones([1]);
    const msg = stateError(() => new SmallCNN().loadStateDict(sd));
    expect(msg).toContain('Error(s) in loading state_dict for SmallCNN');
    expect(msg).toContain('Missing key(s) in state_dict: "fc.bias".');
    expect(msg).toContain('Unexpected key(s) in state_dict: "fc.scale".');
    expect(msg.indexOf('Missing')).toBeLessThan(msg.indexOf('Unexpected'));
    const m = new SmallCNN();
    const bias = m.fc.bias!.toArray();
    expect(m.loadStateDict(sd, { strict: false })).toEqual({ missingKeys: ['fc.bias'], unexpectedKeys: ['fc.scale'] });
    expect(m.fc.bias!.toArray()).toEqual(bias);
    expect(m.fc.weight.toArray()).toEqual(sd['fc.weight']!.toArray());
  });

  it('round-trips a state dict with an I64 num_batches_tracked through safetensors', () => {
    const a = new Inner();
    a.train().forward(Tensor.randn([4, 2]));
    const bytes = serializeSafetensors(a.stateDict());
    const sd = parseSafetensors(bytes);
    expect(sd['norm.num_batches_tracked']!.dtype).toBe('i64');
    const b = new Inner();
    b.loadStateDict(sd);
    expect(b.norm.num_batches_tracked!.dtype).toBe('i64');
    expect(b.norm.num_batches_tracked!.toArray()).toEqual([1]);
    expect(b.norm.running_mean!.toArray()).toEqual(a.norm.running_mean!.toArray());
  });

  it('converts a checkpoint tensor to the module\'s dtype', () => {
    const b = new Inner();
    b.loadStateDict({ ...b.stateDict(), 'norm.num_batches_tracked': Tensor.tensor(7, 'i32'), 'lin.bias': Tensor.tensor([1, 2, 3], 'f64') });
    expect(b.norm.num_batches_tracked!.dtype).toBe('i64');
    expect(b.norm.num_batches_tracked!.toArray()).toEqual([7]);
    expect(b.lin.bias!.dtype).toBe('f32');
    expect(b.lin.bias!.toArray()).toEqual([1, 2, 3]);
  });

  it('keeps tied weights tied', () => {
    class Tied extends nn.Module {
      a = new nn.Linear(2, 2, { bias: false });
      b = new nn.Linear(2, 2, { bias: false });
      constructor() {
        super();
        this.b.weight = this.a.weight;
      }
      forward(x: Tensor): Tensor { return this.b.forward(this.a.forward(x)); }
    }
    const t = new Tied();
    const w = Tensor.tensor([[1, 2], [3, 4]]);
    t.loadStateDict({ 'a.weight': w, 'b.weight': w });
    expect(t.b.weight).toBe(t.a.weight);
    expect(t.a.weight.toArray()).toEqual([1, 2, 3, 4]);
  });
});

describe('train() and eval()', () => {
  it('propagate to every submodule and return the module', () => {
    const m = new Outer();
    expect(m.modules().every((x) => x.training)).toBe(true);
    expect(m.eval()).toBe(m);
    expect(m.modules().every((x) => !x.training)).toBe(true);
    m.train();
    expect(m.modules().every((x) => x.training)).toBe(true);
    m.train(false);
    expect(m.first.norm.training).toBe(false);
  });

  it('apply visits children first, then the module', () => {
    const seen: string[] = [];
    new nn.Sequential(new nn.Linear(1, 1), new nn.ReLU()).apply((x) => seen.push(x.constructor.name));
    expect(seen).toEqual(['Linear', 'ReLU', 'Sequential']);
  });
});
