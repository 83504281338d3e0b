// Fusion as seen from the device: dispatch counts, epilogues, a 40-parameter model, and broken WGSL.

import { describe, expect, it } from 'vitest';
import { BackendError, compile, functionalCall, nn, stackModuleState, Tensor, vmap } from '../../index.js';
import { MLP } from '../../examples/models.js';
import { expectCompiledMatches } from '../helpers/compiled.js';

type Dict = Record<string, Tensor>;

function mlpEnsemble(M: number): { f: (p: Dict, b: Dict, x: Tensor) => Tensor; params: Dict; buffers: Dict } {
  const models = Array.from({ length: M }, () => new MLP().eval());
  const { params, buffers } = stackModuleState(models);
  return { f: vmap((p: Dict, b: Dict, x: Tensor): Tensor => functionalCall(models[0]!, [p, b], [x]), [0, 0, null]), params, buffers };
}

describe('fused plans on WebGPU', () => {
  for (const M of [1, 5, 32]) {
    it(`the tutorial MLP is 3 dispatches for M=${M}, whatever M`, async () => {
      const { f, params, buffers } = mlpEnsemble(M);
      const x = Tensor.randn([4, 784]);
      const ens = await compile(f, { target: 'webgpu', example: [params, buffers, x] });
      try {
        expect(ens.plan.steps.length).toBe(3);
        expect(ens.kernels.map((k) => k.label)).toEqual([
          `matmul(matmul+add+relu) -> f32[${M},4,128]`,
          `matmul(matmul+add+relu) -> f32[${M},4,128]`,
          `matmul(matmul+add) -> f32[${M},4,10]`,
        ]);
        // The member axis is a dispatch dimension.
        expect(ens.kernels.every((k) => k.dispatch[2] === M)).toBe(true);
      } finally {
        ens.destroy();
      }
    });
  }

  it('a residual add and an activation fold into the matmul epilogue', async () => {
    class Res extends nn.Module {
      l = new nn.Linear(8, 8);
      forward(x: Tensor): Tensor { return x.add(this.l.forward(x)).silu(); }
    }
    const models = Array.from({ length: 3 }, () => new Res().eval());
    const { params, buffers } = stackModuleState(models);
    const f = vmap((p: Dict, b: Dict, x: Tensor): Tensor => functionalCall(models[0]!, [p, b], [x]), [0, 0, 0]);
    const dispatches = await expectCompiledMatches(f, [params, buffers, Tensor.randn([3, 5, 8])]);
    expect(dispatches).toBe(1);
  });

  it('a model with 40 parameter tensors compiles and runs (parameters share arenas, not bindings)', async () => {
    class Deep extends nn.Module {
      layers = new nn.ModuleList(Array.from({ length: 20 }, () => new nn.Linear(6, 6)));
      forward(x: Tensor): Tensor {
        for (const l of this.layers) x = (l.forward as (t: Tensor) => Tensor)(x).tanh();
        return x;
      }
    }
    const models = Array.from({ length: 2 }, () => new Deep().eval());
    const { params, buffers } = stackModuleState(models);
    expect(Object.keys(params)).toHaveLength(40);
    const f = vmap((p: Dict, b: Dict, x: Tensor): Tensor => functionalCall(models[0]!, [p, b], [x]), [0, 0, null]);
    const ens = await compile(f, { target: 'webgpu', example: [params, buffers, Tensor.randn([3, 6])] });
    try {
      expect(Math.max(...ens.plan.kernels.map((k) => k.bindings.length))).toBeLessThanOrEqual(3);
    } finally {
      ens.destroy();
    }
    await expectCompiledMatches(f, [params, buffers, Tensor.randn([3, 6])]);
  });

  it('WGSL that does not compile is a BackendError naming the kernel and quoting the line', async () => {
    const { f, params, buffers } = mlpEnsemble(2);
    const x = Tensor.randn([2, 784]);
    const broken = compile(f, {
      target: 'webgpu',
      example: [params, buffers, x],
      internal: { patchSource: (name, src) => (name.startsWith('k1') ? src.replace('workgroupBarrier();', 'workgroupBarrier(); let oops: f32 = undefined_thing;') : src) },
    });
    await expect(broken).rejects.toThrow(BackendError);
    await expect(broken).rejects.toThrow(/kernel k1_matmul .*does not compile: line \d+: .*undefined_thing[\s\S]*oops/);
    // The device is still usable afterwards.
    const ok = await compile(f, { target: 'webgpu', example: [params, buffers, x] });
    expect((await ok.run(params, buffers, x)).shape).toEqual([2, 2, 10]);
    ok.destroy();
  });
});
