// Shape and dtype inference: results per op kind, and errors that name the op and the shapes.

import { describe, expect, it } from 'vitest';
import { asNode, INFER, ALL_OPS, makeNode, ShapeError, type DType, type Node, type Op, type OpParams } from '../../ir/index.js';

const v = (shape: number[], dtype: DType = 'f32'): Node => asNode(makeNode('input', [], { name: 'v' }, { shape, dtype }));
const typeOf = <O extends Op>(op: O, ins: Node[], params: OpParams[O]) => {
  const n = makeNode(op, ins, params);
  return `${n.dtype}[${n.shape.join(',')}]`;
};

describe('inference results', () => {
  it('has a rule for every op', () => {
    for (const op of ALL_OPS) expect(typeof INFER[op], op).toBe('function');
  });

  it('follows the documented result types', () => {
    expect(typeOf('sum', [v([2, 3, 4])], { axes: [0, 2] })).toBe('f32[1,3,1]');
    expect(typeOf('argmax', [v([2, 3])], { axis: 1 })).toBe('i32[2,1]');
    expect(typeOf('cmp_lt', [v([2]), v([2])], {})).toBe('f32[2]');
    expect(typeOf('cast', [v([2])], { to: 'i64' })).toBe('i64[2]');
    expect(typeOf('matmul', [v([5, 2, 3]), v([5, 3, 4])], {})).toBe('f32[5,2,4]');
    expect(typeOf('conv', [v([2, 4, 8, 8]), v([6, 2, 3, 3])], { stride: [2, 2], padding: [1, 1], dilation: [1, 1], groups: 2 })).toBe('f32[2,6,4,4]');
    expect(typeOf('max_pool', [v([7, 2, 5, 5])], { kernel: [2, 2], stride: [2, 2], padding: [0, 0] })).toBe('f32[7,2,2,2]');
    expect(typeOf('avg_pool', [v([3, 5])], { kernel: [3], stride: [1], padding: [1], countIncludePad: true })).toBe('f32[3,5]');
    expect(typeOf('take', [v([5, 3]), v([2, 4], 'i64')], { axis: 0 })).toBe('f32[2,4,3]');
    expect(typeOf('one_hot', [v([2, 4], 'i32')], { numClasses: 6, dtype: 'f32' })).toBe('f32[2,4,6]');
    expect(typeOf('pad', [v([2, 3])], { pads: [[1, 0], [2, 2]] })).toBe('f32[3,7]');
    expect(typeOf('slice', [v([4, 5])], { starts: [1, 0], ends: [3, 2] })).toBe('f32[2,2]');
    expect(typeOf('concat', [v([2, 1]), v([2, 3])], { axis: 1 })).toBe('f32[2,4]');
    expect(typeOf('round', [v([2, 3], 'i32')], {})).toBe('i32[2,3]');
    expect(typeOf('prod', [v([2, 3, 4], 'i64')], { axes: [1] })).toBe('i64[2,1,4]');
    expect(typeOf('min', [v([2, 3])], { axes: [0, 1] })).toBe('f32[1,1]');
    expect(typeOf('argmin', [v([2, 3])], { axis: 0 })).toBe('i32[1,3]');
    expect(typeOf('cumsum', [v([2, 3])], { axis: 1, reverse: true })).toBe('f32[2,3]');
    expect(typeOf('gather', [v([3, 4]), v([2, 7], 'i64')], { axis: 1 })).toBe('f32[2,7]');
    expect(typeOf('scatter_add', [v([3, 4]), v([2, 7], 'i32'), v([2, 7])], { axis: 1 })).toBe('f32[3,4]');
  });
});

describe('inference errors name the op and the shapes', () => {
  const cases: [string, () => unknown, string[]][] = [
    ['binary shapes differ', () => makeNode('add', [v([2, 3]), v([3, 2])], {}), ['add', '[2, 3]', '[3, 2]', 'does not broadcast']],
    ['binary dtypes differ', () => makeNode('mul', [v([2]), v([2], 'f64')], {}), ['mul', 'f32', 'f64']],
    ['matmul inner dims', () => makeNode('matmul', [v([2, 3]), v([4, 5])], {}), ['matmul', '[2, 3]', '[4, 5]', '3 vs 4']],
    ['matmul ranks', () => makeNode('matmul', [v([2, 3]), v([2, 3, 4])], {}), ['matmul', '[2, 3]', '[2, 3, 4]']],
    ['matmul batch dims', () => makeNode('matmul', [v([2, 2, 3]), v([3, 3, 4])], {}), ['matmul', 'batch dims', '[2, 2, 3]', '[3, 3, 4]']],
    ['conv groups', () => makeNode('conv', [v([1, 3, 5, 5]), v([4, 1, 3, 3])], { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 2 }), ['conv', 'groups=2', 'in_channels=3']],
    ['conv channels', () => makeNode('conv', [v([1, 4, 5, 5]), v([4, 3, 3, 3])], { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 }), ['conv', '[4, 3, 3, 3]', '[1, 4, 5, 5]', '3 input channels']],
    ['conv too small', () => makeNode('conv', [v([1, 1, 2, 2]), v([1, 1, 3, 3])], { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 }), ['conv', '[1, 1, 2, 2]', '[3, 3]']],
    ['reshape numel', () => makeNode('reshape', [v([2, 3])], { shape: [4, 2] }), ['reshape', '[2, 3]', '[4, 2]', '6 elements']],
    ['permute', () => makeNode('permute', [v([2, 3])], { perm: [0, 0] }), ['permute', '[0, 0]', '[2, 3]']],
    ['expand', () => makeNode('expand', [v([2, 3])], { shape: [4, 3] }), ['expand', '[2, 3]', '[4, 3]']],
    ['reduce axes', () => makeNode('sum', [v([2, 3])], { axes: [2] }), ['sum', '[2]', '[0, 2)']],
    ['float-only unary', () => makeNode('exp', [v([2], 'i32')], {}), ['exp', 'floating-point', 'i32']],
    ['take float indices', () => makeNode('take', [v([5, 3]), v([2])], { axis: 0 }), ['take', 'indices', 'integer', 'f32']],
    ['where shapes', () => makeNode('where', [v([2]), v([2]), v([3])], {}), ['where', '[2]', '[3]']],
    ['pool window', () => makeNode('max_pool', [v([1, 1, 2, 2])], { kernel: [3, 3], stride: [1, 1], padding: [0, 0] }), ['max_pool', '[1, 1, 2, 2]', '[3, 3]']],
    ['concat', () => makeNode('concat', [v([2, 3]), v([3, 3])], { axis: 1 }), ['concat', '[2, 3]', '[3, 3]', 'outside axis 1']],
    ['leaf without type', () => makeNode('full', [], { value: 1 }), ['full', 'shape and dtype']],
    ['arity', () => makeNode('neg', [v([2]), v([2])], {}), ['neg', 'expected 1 input(s), got 2']],
    ['log1p of integers', () => makeNode('log1p', [v([2], 'i32')], {}), ['log1p', 'floating-point', 'i32']],
    ['min over an empty axis', () => makeNode('min', [v([2, 0])], { axes: [1] }), ['min', 'empty axis', '[2, 0]']],
    ['argmin over an empty axis', () => makeNode('argmin', [v([0, 3])], { axis: 0 }), ['argmin', 'empty axis', '[0, 3]']],
    ['cumsum axis', () => makeNode('cumsum', [v([2, 3])], { axis: 2, reverse: false }), ['cumsum', '[2]', '[0, 2)']],
    ['gather index rank', () => makeNode('gather', [v([2, 3]), v([2], 'i64')], { axis: 1 }), ['gather', '[2]', '[2, 3]', 'rank']],
    ['gather index larger off the axis', () => makeNode('gather', [v([2, 3]), v([3, 5], 'i64')], { axis: 1 }), ['gather', '[3, 5]', '[2, 3]', 'axis 0']],
    ['gather float index', () => makeNode('gather', [v([2, 3]), v([2, 3])], { axis: 1 }), ['gather', 'indices', 'integer', 'f32']],
    ['scatter_add source shape', () => makeNode('scatter_add', [v([2, 3]), v([2, 2], 'i64'), v([2, 3])], { axis: 1 }), ['scatter_add', '[2, 2]', '[2, 3]', 'source']],
    ['scatter_add source dtype', () => makeNode('scatter_add', [v([2, 3]), v([2, 2], 'i64'), v([2, 2], 'f64')], { axis: 1 }), ['scatter_add', 'f64', 'f32']],
  ];
  for (const [what, fn, parts] of cases) {
    it(what, () => {
      expect(fn).toThrow(ShapeError);
      let msg = '';
      try { fn(); } catch (e) { msg = (e as Error).message; }
      for (const p of parts) expect(msg).toContain(p);
    });
  }

  it('appends the source location when the node has one', () => {
    expect(() => makeNode('add', [v([2]), v([3])], {}, undefined, { module: 'l1 (Linear)', site: 'model.ts:3:4' }))
      .toThrow('add: operand shapes [2] and [3] differ (the IR does not broadcast; expand first) (in module l1 (Linear), at model.ts:3:4)');
  });
});
