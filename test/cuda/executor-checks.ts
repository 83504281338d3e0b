// Checks of the real CUDA executor (NVRTC and the driver): shared by test/cuda/executor.test.ts and bench/cuda-executor-check.ts.

import { compile, compileTrainStep, IndexError, Tensor } from '../../index.js';
import { take } from '../../compiler/trace/ops.js';

/** Why the real CUDA runtime cannot run here, or undefined when NVRTC and a driver with a device were found. */
export async function cudaUnavailable(): Promise<string | undefined> {
  try {
    const [{ CudaDriver }, { Nvrtc }] = await Promise.all([import('../../runtime/cuda/driver.js'), import('../../runtime/cuda/nvrtc.js')]);
    Nvrtc.get();
    if (CudaDriver.get().deviceCount() === 0) return 'the CUDA driver reports no device';
    return undefined;
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
}

function close(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(Number(got[i]) - Number(want[i])) <= 1e-4 + 1e-4 * Math.abs(Number(want[i])))) throw new Error(`${what}: element ${i} is ${got[i]}, expected ${want[i]}`);
  }
}

/** The checks, by name: each throws on a failure. */
export const CUDA_EXECUTOR_CHECKS: Record<string, () => Promise<void>> = {
  'a small ensemble runs and matches eager': async () => {
    const w = Tensor.randn([4, 8, 16]), x = Tensor.randn([4, 3, 8]);
    const f = (a: Tensor, b: Tensor): Tensor => b.matmul(a).relu().sum(2);
    const c = await compile(f, { target: 'cuda', example: [w, x] });
    try {
      close((await c.run(w, x)).toArray() as number[], f(w, x).toArray() as number[], 'ensemble');
    } finally {
      c.destroy();
    }
  },
  'a training step keeps its state on the device and reads it back': async () => {
    const state = { w: Tensor.randn([8]) };
    const step = (s: { w: Tensor }, x: Tensor): [{ w: Tensor }, Tensor] => [{ w: s.w.sub(x.mul(0.5)) }, s.w.sum()];
    const x = Tensor.ones([8]);
    const t = await compileTrainStep(step, { target: 'cuda', example: [state, x] });
    try {
      await t.setState(state);
      await t.step(x);
      await t.step(x);
      close((await t.state()).w.toArray() as number[], state.w.sub(1).toArray() as number[], 'state after two steps');
    } finally {
      t.destroy();
    }
  },
  'an index out of range is an IndexError after the run, and the next run works': async () => {
    const table = Tensor.fromArray(Float32Array.of(1, 2, 3, 4), [4]);
    const c = await compile((t: Tensor, i: Tensor) => take(t, i, 0), { target: 'cuda', example: [table, Tensor.fromArray(Int32Array.of(0), [1])] });
    try {
      let threw: unknown;
      try {
        await c.run(table, Tensor.fromArray(Int32Array.of(9), [1]));
      } catch (e) {
        threw = e;
      }
      if (!(threw instanceof IndexError)) throw new Error(`expected an IndexError, got ${String(threw)}`);
      close((await c.run(table, Tensor.fromArray(Int32Array.of(2), [1]))).toArray() as number[], [3], 'after the error');
    } finally {
      c.destroy();
    }
  },
};
