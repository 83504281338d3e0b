// Ensembles larger than one binding: a clear error, and vmap's chunkSize as the way out.

import { describe, expect, it } from 'vitest';
import { BackendError, compile, functionalCall, stackModuleState, Tensor, vmap } from '../../index.js';
import { MLP } from '../../examples/models.js';
import { expectClose } from '../helpers/assert.js';

type Dict = Record<string, Tensor>;

describe('binding-size limits on WebGPU', () => {
  const M = 6;
  const models = Array.from({ length: M }, () => new MLP().eval());
  const { params, buffers } = stackModuleState(models);
  const x = Tensor.randn([3, 784]);
  const f = (p: Dict, b: Dict, xi: Tensor): Tensor => functionalCall(models[0]!, [p, b], [xi]);
  // fc1.weight is [6, 128, 784] = 2.3 MiB; pretend a binding holds 1 MiB (two members fit, six do not).
  const limits = { maxStorageBufferBindingSize: 2 ** 20 };

  it('a stacked tensor larger than maxStorageBufferBindingSize is a clear error naming it and the way out', async () => {
    const attempt = compile(vmap(f, [0, 0, null]), { target: 'webgpu', example: [params, buffers, x], internal: { limits } });
    await expect(attempt).rejects.toThrow(BackendError);
    await expect(attempt).rejects.toThrow(/input '0\.fc1\.weight' f32\[6,128,784\] needs 2\.3 MiB, more than .* 1\.0 MiB.*chunkSize/);
  });

  it('with chunkSize the members run in chunks whose slices each fit, and the result is the same', async () => {
    const chunked = vmap(f, [0, 0, null], 0, { chunkSize: 2 });
    const ens = await compile(chunked, { target: 'webgpu', example: [params, buffers, x], internal: { limits } });
    try {
      const w = ens.plan.inputs.find((i) => i.name === '0.fc1.weight')!;
      expect(w.pieces?.map((p) => [p.start, p.end])).toEqual([[0, 200704], [200704, 401408], [401408, 602112]]);
      expect(ens.plan.arenas.every((a) => a.words * 4 <= limits.maxStorageBufferBindingSize)).toBe(true);
      expectClose(await ens.run(params, buffers, x), vmap(f, [0, 0, null])(params, buffers, x), 1e-4, 1e-5);
    } finally {
      ens.destroy();
    }
  });
});
