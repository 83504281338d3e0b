// Reading a traced tensor's values throws a TraceError that says why, in which module, and on which source line.

import { describe, expect, it } from 'vitest';
import { functionalCall, nn, stackModuleState, Tensor, TraceError, traceFunction, vmap } from '../../index.js';

/** The line of the caller in this file (stack traces are source-mapped under vitest). */
function thisLine(): number {
  const frame = new Error().stack!.split('\n')[2]!;
  return Number(/:(\d+):\d+\)?$/.exec(frame)![1]);
}

const FILE = 'test/trace/read-errors.test.ts';

/** Runs fn, expects a TraceError, returns its message. */
function traceError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TraceError);
    return (e as Error).message;
  }
  throw new Error('expected a TraceError');
}

type Read = (t: Tensor) => unknown;
/** Each read with the line it sits on: the innermost user frame, so the line the error must name. */
const READS: [string, string, Read, number][] = [
  ['.data', '.data', (t) => t.data, thisLine()],
  ['.item()', '.item()', (t) => t.item(), thisLine()],
  ['toArray()', 'toArray', (t) => t.toArray(), thisLine()],
  ['tolist()', 'toArray', (t) => t.tolist(), thisLine()],
  ['a JS comparison t > 0', 'comparison', (t) => (t as unknown as number) > 0, thisLine()],
  ['JS arithmetic t * 2', 'arithmetic', (t) => (t as unknown as number) * 2, thisLine()],
];

describe('reading a traced tensor inside a module', () => {
  for (const [what, says, read, line] of READS) {
    it(`${what} names the module path, the class and this file's line`, () => {
      class Linear extends nn.Linear {
        override forward(x: Tensor): Tensor {
          const y = super.forward(x);
          read(y);
          return y;
        }
      }
      class Foo extends nn.Module {
        l1 = new Linear(3, 4);
        forward(x: Tensor): Tensor {
          return this.l1.forward(x);
        }
      }
      const models = [new Foo(), new Foo()];
      const { params } = stackModuleState(models);
      const msg = traceError(() => vmap((p: Record<string, Tensor>, x: Tensor) => functionalCall(models[0]!, p, [x]), [0, null])(params, Tensor.randn([2, 3])));
      expect(msg).toContain(says);
      expect(msg).toContain('traced tensor f32[2,4]');
      expect(msg).toContain('Data-dependent control flow');
      expect(msg).toContain('in module l1 (Linear)');
      expect(msg).toContain(`at ${FILE}:${line}:`);
    });
  }

  it('a read in the parent names the parent, and where the tensor was computed', () => {
    let readLine = 0, madeLine = 0;
    class Foo extends nn.Module {
      l1 = new nn.Linear(3, 4);
      forward(x: Tensor): Tensor {
        madeLine = thisLine(); const h = this.l1.forward(x);
        readLine = thisLine(); if ((h as unknown as number) > 0) return h;
        return h.neg();
      }
    }
    const m = new Foo();
    const msg = traceError(() => vmap((x: Tensor) => m.forward(x))(Tensor.randn([2, 3])));
    expect(msg).toContain(`in module <root> (Foo), at ${FILE}:${readLine}:`);
    expect(msg).toContain(`computed by add in module l1 (Linear) at ${FILE}:${madeLine}:`);
  });

  it('nested module paths are dotted', () => {
    let line = 0;
    class Leaf extends nn.Module {
      w = new nn.Parameter(Tensor.ones([2]));
      forward(x: Tensor): Tensor {
        const y = x.mul(this.w);
        line = thisLine(); y.item();
        return y;
      }
    }
    class Mid extends nn.Module {
      blocks = new nn.ModuleList([new Leaf(), new Leaf()]);
      forward(x: Tensor): Tensor {
        return (this.blocks.at(1) as Leaf).forward(x);
      }
    }
    class Top extends nn.Module {
      enc = new Mid();
      forward(x: Tensor): Tensor {
        return this.enc.forward(x);
      }
    }
    const top = new Top();
    const msg = traceError(() => traceFunction('t', [{ name: 'x', shape: [2], dtype: 'f32' }], ([x]) => top.forward(x!)));
    expect(msg).toContain(`in module enc.blocks.1 (Leaf), at ${FILE}:${line}:`);
  });

  it('outside any module the message still gives the line', () => {
    let line = 0;
    const msg = traceError(() => vmap((x: Tensor) => {
      line = thisLine(); return x.data.length ? x : x;
    })(Tensor.ones([2, 2])));
    expect(msg).toContain(`(at ${FILE}:${line}:`);
    expect(msg).toContain('vmap(');
  });
});

describe('other trace errors', () => {
  it('a traced tensor used after its trace ended (stored outside) is an error', () => {
    let leaked: Tensor | undefined;
    vmap((x: Tensor) => {
      leaked = x.mul(2);
      return x;
    })(Tensor.ones([2, 2]));
    expect(() => leaked!.add(1)).toThrow(TraceError);
    expect(() => leaked!.add(1)).toThrow(/used after the function that traced it returned/);
  });

  it('concrete tensors still convert to numbers for JS operators', () => {
    const t = Tensor.tensor([3]);
    expect((t as unknown as number) > 2).toBe(true);
    expect(`${t}`).toContain('Tensor(f32[1]');
  });

  it('a traced tensor prints without reading its values', () => {
    traceFunction('t', [{ name: 'x', shape: [2], dtype: 'f32' }], ([x]) => {
      expect(`${x}`).toBe('Tensor(f32[2], traced)');
      expect(x!.isTraced).toBe(true);
      return x!;
    });
  });
});
