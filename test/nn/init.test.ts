// Default initialisation as PyTorch does it, drawn from a seedable generator.

import { describe, expect, it } from 'vitest';
import { nn, Tensor } from '../../index.js';

const bounds = (t: Tensor): { min: number; max: number; mean: number } => {
  const v = t.toArray();
  return { min: Math.min(...v), max: Math.max(...v), mean: v.reduce((a, b) => a + b, 0) / v.length };
};

describe('default initialisation', () => {
  it('Linear: weight and bias uniform in +-1/sqrt(fan_in) (kaiming_uniform with a=sqrt(5))', () => {
    const l = new nn.Linear(64, 32);
    const bound = 1 / Math.sqrt(64);
    for (const t of [l.weight, l.bias!]) {
      const b = bounds(t);
      expect(b.min).toBeGreaterThanOrEqual(-bound);
      expect(b.max).toBeLessThanOrEqual(bound);
    }
    // Spread over the whole range, centred on zero.
    const w = bounds(l.weight);
    expect(w.max).toBeGreaterThan(0.95 * bound);
    expect(w.min).toBeLessThan(-0.95 * bound);
    expect(Math.abs(w.mean)).toBeLessThan(0.1 * bound);
  });

  it('Conv2d: fan_in is in_channels/groups * kernel area', () => {
    const c = new nn.Conv2d(8, 6, 3, { groups: 2 });
    expect(c.weight.shape).toEqual([6, 4, 3, 3]);
    const bound = 1 / Math.sqrt(4 * 9);
    const w = bounds(c.weight);
    expect(w.max).toBeLessThanOrEqual(bound);
    expect(w.max).toBeGreaterThan(0.9 * bound);
    expect(bounds(c.bias!).max).toBeLessThanOrEqual(bound);
    const c1 = new nn.Conv1d(3, 2, 5);
    expect(bounds(c1.weight).max).toBeLessThanOrEqual(1 / Math.sqrt(15));
  });

  it('Embedding: standard normal, with a zero padding row', () => {
    const e = new nn.Embedding(100, 20, { paddingIdx: 3 });
    const v = e.weight.toArray();
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(std).toBeGreaterThan(0.9);
    expect(std).toBeLessThan(1.1);
    expect(e.weight.select(0, 3).toArray()).toEqual(Array(20).fill(0));
  });

  it('LayerNorm and BatchNorm: weight ones, bias zeros; running mean 0, var 1, count 0 (i64)', () => {
    const ln = new nn.LayerNorm([2, 3]);
    expect(ln.weight!.toArray()).toEqual(Array(6).fill(1));
    expect(ln.bias!.toArray()).toEqual(Array(6).fill(0));
    const bn = new nn.BatchNorm2d(4);
    expect(bn.weight!.toArray()).toEqual([1, 1, 1, 1]);
    expect(bn.bias!.toArray()).toEqual([0, 0, 0, 0]);
    expect(bn.running_mean!.toArray()).toEqual([0, 0, 0, 0]);
    expect(bn.running_var!.toArray()).toEqual([1, 1, 1, 1]);
    expect(bn.num_batches_tracked!.dtype).toBe('i64');
    expect(bn.num_batches_tracked!.shape).toEqual([]);
  });

  it('the same seed gives the same weights; another seed other weights', () => {
    const make = (): nn.Sequential => new nn.Sequential(new nn.Linear(4, 4), new nn.Conv1d(4, 2, 3), new nn.Embedding(5, 2));
    const a = nn.init.withInitSeed(11, make);
    const b = nn.init.withInitSeed(11, make);
    const c = nn.init.withInitSeed(12, make);
    const values = (m: nn.Module): number[][] => m.parameters().map((p) => p.toArray());
    expect(values(a)).toEqual(values(b));
    expect(values(a)[0]).not.toEqual(values(c)[0]);
    // Without a seed, successive models differ.
    expect(values(make())[0]).not.toEqual(values(make())[0]);
  });

  it('withInitSeed restores the previous generator, also when construction throws', () => {
    const g = nn.init.initGenerator();
    expect(() => nn.init.withInitSeed(1, () => new nn.Conv2d(3, 4, 3, { groups: 2 }))).toThrow(/divisible by groups/);
    expect(nn.init.initGenerator()).toBe(g);
  });
});
