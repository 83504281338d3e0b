// The cpu target's contract: compile errors quote the C line, a missing compiler falls back, zero copies, same random bits.

import { describe, expect, it } from 'vitest';
import { BackendError, compile, F, functionalCall, stackModuleState, Tensor, vmap } from '../../index.js';
import { MLP } from '../../examples/models.js';
import { expectClose } from '../helpers/assert.js';

type Dict = Record<string, Tensor>;

function mlpEnsemble(M: number): { f: (p: Dict, b: Dict, x: Tensor) => Tensor; params: Dict; buffers: Dict } {
  const models = Array.from({ length: M }, () => new MLP().eval());
  const { params, buffers } = stackModuleState(models);
  return { f: vmap((p: Dict, b: Dict, x: Tensor): Tensor => functionalCall(models[0]!, [p, b], [x]), [0, 0, null]), params, buffers };
}

describe('the cpu target', () => {
  it('runs the tutorial MLP as 3 kernels whatever M, and names the machine', async () => {
    const { f, params, buffers } = mlpEnsemble(4);
    const x = Tensor.randn([3, 784]);
    const ens = await compile(f, { target: 'cpu', example: [params, buffers, x] });
    try {
      expect(ens.target).toBe('cpu');
      expect(ens.plan.steps.length).toBe(3);
      expect(ens.device).toMatch(/thread/);
      expect(ens.kernels[0]!.source).toContain('void k0_matmul(');
    } finally {
      ens.destroy();
    }
  });

  it('C that does not compile is a BackendError with the compiler message and the generated line', async () => {
    const { f, params, buffers } = mlpEnsemble(2);
    const x = Tensor.randn([2, 784]);
    const broken = compile(f, {
      target: 'cpu',
      example: [params, buffers, x],
      internal: { patchSource: (name, src) => (name.startsWith('k1') ? src.replace('(void)seed;', '(void)seed; float oops = undefined_thing;') : src) },
    });
    await expect(broken).rejects.toThrow(BackendError);
    await expect(broken).rejects.toThrow(/C for kernel k1_matmul \(matmul\(matmul\+add\+relu\).*\) does not compile .*: line \d+: .*undefined_thing[\s\S]*\d+: .*float oops = undefined_thing;/);
  });

  it('without a C compiler: a clear error, and auto falls back to another target', async () => {
    const { f, params, buffers } = mlpEnsemble(2);
    const x = Tensor.randn([2, 784]);
    const cpu = { cc: '/nonexistent/bin/cc' };
    await expect(compile(f, { target: 'cpu', example: [params, buffers, x], cpu })).rejects.toThrow(/cpu: no C compiler found \(tried \/nonexistent\/bin\/cc \(ENOENT\)\)/);
    const auto = await compile(f, { target: 'auto', example: [params, buffers, x], cpu });
    try {
      expect(auto.target).not.toBe('cpu');
      const expected = f(params, buffers, x).toArray();
      const got = (await auto.run(params, buffers, x)).toArray();
      got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
    } finally {
      auto.destroy();
    }
  });

  it('without OpenMP, tasks run on the pthread pool with the same results', async () => {
    const { f, params, buffers } = mlpEnsemble(5);
    const x = Tensor.randn([9, 784]);
    const ens = await compile(f, { target: 'cpu', example: [params, buffers, x], cpu: { openmp: false, threads: 2 } });
    try {
      expect(ens.device).toMatch(/2 threads \(pthreads\)/);
      expect(ens.kernels[0]!.source).toContain('vmapc_parallel(');
      for (let i = 0; i < 3; i++) expectClose((await ens.run(params, buffers, x)).toArray(), f(params, buffers, x).toArray(), 1e-4, 1e-5);
    } finally {
      ens.destroy();
    }
  });

  it('refuses flags that change floating-point results', async () => {
    const { f, params, buffers } = mlpEnsemble(1);
    const x = Tensor.randn([1, 784]);
    await expect(compile(f, { target: 'cpu', example: [params, buffers, x], cpu: { flags: ['-O2', '-ffast-math'] } })).rejects.toThrow(/-ffast-math changes floating-point results/);
  });

  it('reads the caller\'s arrays in place: changing a passed array changes the next run', async () => {
    const f = (a: Tensor, b: Tensor): Tensor => a.mul(b).add(a);
    const a = Tensor.randn([5, 7]), b = Tensor.randn([5, 7]);
    const ens = await compile(f, { target: 'cpu', example: [a, b] });
    try {
      await ens.setParams(a, b);
      const first = (await ens.run(undefined, undefined)).toArray();
      expectClose(first, f(a, b).toArray());
      (a.data as Float32Array).fill(1);
      const second = (await ens.run(undefined, undefined)).toArray();
      expectClose(second, f(a, b).toArray());
      expect(second).not.toEqual(first);
    } finally {
      ens.destroy();
    }
  });

  it('dropout draws the same bits as the reference for one seed (uint32 hash in C)', async () => {
    const g = vmap((x: Tensor) => F.dropout(x, 0.5, true), 0, 0, { randomness: 'different' });
    const x = Tensor.ones([4, 3, 16]);
    const opts = { example: [x] as [Tensor], seed: 1234 };
    const ref = await compile(g, { ...opts, target: 'reference' });
    const cpu = await compile(g, { ...opts, target: 'cpu' });
    expect((await cpu.run(x)).toArray()).toEqual((await ref.run(x)).toArray());
    const n = await compile((t: Tensor) => t.add(Tensor.randn([64]).mul(0)), { example: [Tensor.zeros([64])], target: 'cpu', seed: 5 });
    expect((await n.run(Tensor.zeros([64]))).shape).toEqual([64]);
    cpu.destroy();
    n.destroy();
  });
});
