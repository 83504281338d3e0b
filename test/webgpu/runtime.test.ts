// The WebGPU runtime's edges: no adapter, destroy, the kernel list and the printable plan.

import { describe, expect, it } from 'vitest';
import { BackendError, compile, Tensor } from '../../index.js';

describe('WebGPU runtime', () => {
  it('no adapter is a BackendError that says how to get one', async () => {
    // There is no Vulkan driver on the test machines, so this backend finds no adapter.
    const attempt = compile((x: Tensor) => x.mul(2), { target: 'webgpu', example: [Tensor.ones([2])], webgpu: { backend: 'vulkan' } });
    await expect(attempt).rejects.toThrow(BackendError);
    await expect(attempt).rejects.toThrow(/No WebGPU adapter was found.*apt-get install -y libegl1 libegl-mesa0 libgl1-mesa-dri libgles2.*target: "cpu".*tried: Vulkan: no adapter/s);
  });

  it('destroy frees the ensemble; running it afterwards is an error, and other compiled functions still run', async () => {
    const f = (x: Tensor): Tensor => x.mul(2).add(1);
    const a = await compile(f, { target: 'webgpu', example: [Tensor.ones([3])] });
    const b = await compile(f, { target: 'webgpu', example: [Tensor.ones([3])] });
    a.destroy();
    a.destroy(); // idempotent
    await expect(a.run(Tensor.ones([3]))).rejects.toThrow(/destroyed/);
    expect((await b.run(Tensor.tensor([1, 2, 3]))).toArray()).toEqual([3, 5, 7]);
    b.destroy();
  });

  it('kernels come with their sources and dispatch sizes, and the plan prints', async () => {
    const ens = await compile((x: Tensor) => x.softmax(-1), { target: 'webgpu', example: [Tensor.ones([4, 10])] });
    expect(ens.kernels).toHaveLength(1);
    expect(ens.kernels[0]!.source).toContain('@compute @workgroup_size(32, 1, 1)');
    expect(ens.kernels[0]!.dispatch).toEqual([4, 1, 1]);
    expect(String(ens.plan)).toMatch(/plan for webgpu: 1 kernels, 1 dispatches per run[\s\S]*dispatch k0_row \[4,1,1\] x \[32,1,1\]  row\(max\+sub\+exp\+sum\+div\) -> f32\[4,10\]/);
    ens.destroy();
  });
});
