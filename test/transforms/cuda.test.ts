// The torch.func compositions built for CUDA: nvcc -ptx and ptxas for sm_90, then run on the host emulator against PyTorch.

import { beforeAll, describe, expect, it } from 'vitest';
import { flatten } from '../../compiler/func/pytree.js';
import type { Tensor } from '../../index.js';
import { buildCase, type BuiltCase } from '../cuda/cases.js';
import { arenaImage, findHostCompiler, HostEmulator, readOutputs } from '../cuda/host-emulator.js';
import { buildForSm90, findCudaTools, prefixedSource, type DeviceBuild } from '../cuda/nvcc.js';
import { closeness } from '../helpers/reference.js';
import { TORCH_FUNC_CASES, type TorchFuncCase } from '../helpers/torch-func-cases.js';

const tools = findCudaTools();
const cxx = findHostCompiler();
if ('missing' in tools) console.warn(`test/transforms/cuda: nvcc checks skipped, ${tools.missing}`);
if (typeof cxx !== 'string') console.warn(`test/transforms/cuda: host emulator skipped, ${cxx.missing}`);

describe('torch.func compositions as CUDA (exact fp32 matmuls)', () => {
  const cases: { c: TorchFuncCase; b: BuiltCase }[] = [];
  beforeAll(async () => {
    for (const make of TORCH_FUNC_CASES) {
      const c = make();
      cases.push({ c, b: await buildCase(c, 'exact') });
    }
  }, 120_000);

  it.skipIf('missing' in tools)('every kernel compiles with nvcc -ptx -arch=sm_90 and assembles with ptxas', () => {
    const build: DeviceBuild = buildForSm90(tools as { nvcc: string; ptxas: string }, cases.map(({ b }, i) => prefixedSource(b.plan, `tf${i}`)).join('\n'));
    for (const [i, { b, c }] of cases.entries()) {
      expect(b.plan.kernels.length, c.name).toBeGreaterThan(0);
      for (const k of b.plan.kernels) expect(build.entries.has(`tf${i}_${k.entry}`), `${c.name} ${k.name}: ${k.label}`).toBe(true);
    }
  }, 300_000);

  // The Hessian's 59 kernels take ~20 s on the fiber emulator (2 cores): it is built by nvcc above and run
  // numerically on cpu and webgpu (compiled.test.ts); every other case runs here.
  it.skipIf(typeof cxx !== 'string')('the kernels run on the host emulator and match PyTorch (all but the Hessian)', () => {
    const emulated = cases.filter(({ c }) => c.fixture !== 'vmap_hessian');
    expect(emulated.length).toBe(cases.length - 1);
    const emu = HostEmulator.build(cxx as string, emulated.map(({ b }) => b.plan));
    for (const [i, { b, c }] of emulated.entries()) {
      const outs = readOutputs(b.plan, emu.run(i, arenaImage(b.plan, b.inputs), 1234));
      const keys = flatten(c.fn(...c.args)).paths;
      const want = flatten(c.expected);
      keys.forEach((key, o) => {
        const expected = (want.leaves[want.paths.indexOf(key)] as Tensor).toArray();
        const r = closeness(Array.from(outs[o]!), expected, c.rtol, c.atol);
        expect(r.ok, `${c.name} ${key}: ${r.worst}`).toBe(true);
      });
    }
  }, 300_000);
});
