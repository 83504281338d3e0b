// Every tile shape the search may pick computes the same GEMM: nn and nt micro-kernels, ragged edges, k blocks, packed operands.

import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, F, functionalCall, nn, stackModuleState, Tensor, traceFunction, vmap } from '../../index.js';
import { cpuSpec } from '../../compiler/targets/cpu.js';
import { defaultTiles, problemKey, type GemmProblem, type GemmTiles } from '../../compiler/codegen/gemm-cpu.js';
import { candidates } from '../../compiler/codegen/tune-cpu.js';
import { buildPlan } from '../../compiler/pipeline.js';
import { runGraph } from '../../runtime/reference/interpreter.js';
import { CpuNativeExecutor } from '../../runtime/cpu-native/executor.js';
import { findToolchain } from '../../runtime/cpu-native/toolchain.js';
import { closeness } from '../helpers/reference.js';

type Dict = Record<string, Tensor>;

describe('GEMM tiles on the cpu target', () => {
  const tc = findToolchain();
  // The machine's vector width, and the narrower ones (AVX2 for packages, SSE/NEON): vector extensions run them all.
  for (const vlen of [...new Set([tc.vlen, 8, 4])]) {
    it(`all candidate tiles (and small k blocks) agree with the reference on ragged shapes, ${vlen}-float vectors`, async () => {
      // A [2,13,37] times B [2,37,23] (n contiguous: nn) and times Bt^T (k contiguous: nt); pad(A) is not strided (A packed).
      const problemNn: GemmProblem = { batch: 2, m: 13, n: 23, k: 37, nt: false, nnDirect: true, aDirect: true };
      const problemNt: GemmProblem = { ...problemNn, nt: true, nnDirect: false };
      const tiles: GemmTiles[] = [
        ...candidates(problemNn, vlen, 2),
        ...candidates(problemNt, vlen, 2),
        ...candidates({ ...problemNt, k: 4 * vlen - 1 }, vlen, 2).filter((t) => t.micro === 'nn'),
        { micro: 'nt', mr: 4, nr: 4, mb: 8, kc: 16 },
        { micro: 'nn', mr: 4, nr: 1, mb: 4, kc: 5 },
      ];
      const specs = [
        { name: 'a', shape: [2, 13, 37], dtype: 'f32' as const },
        { name: 'b', shape: [2, 37, 23], dtype: 'f32' as const },
        { name: 'bt', shape: [2, 23, 37], dtype: 'f32' as const },
      ];
      const traced = traceFunction('tiles', specs, ([a, b, bt]) => tiles.map((_, i) => {
        const ai = a!.mul(1 + i / 64);
        if (i % 3 === 0) return ai.matmul(b!).relu();
        if (i % 3 === 1) return ai.matmul(bt!.transpose(1, 2)).add(1);
        return packedA(ai).matmul(b!);
      }));
      let call = 0;
      const plan = buildPlan(traced.graph, cpuSpec({ vlen, tiles: () => tiles[call++ % tiles.length]! }), { verify: true }).plan;
      expect(call).toBe(tiles.length);
      expect(plan.kernels.some((k) => k.source.includes('apack['))).toBe(true);
      const inputs = specs.map((s) => Tensor.randn(s.shape).data as Float32Array);
      const ex = CpuNativeExecutor.create(tc, plan);
      inputs.forEach((d, i) => ex.write(i, d));
      const got = await ex.run(1);
      const want = runGraph(traced.graph, inputs, { seed: 1 });
      got.forEach((g, i) => {
        const r = closeness(g as Float32Array, want[i] as Float32Array, 1e-4, 1e-4);
        expect(r.ok, `tiles ${JSON.stringify(tiles[i])}: ${r.worst}`).toBe(true);
      });
      ex.destroy();
    });
  }

  it('the tile search measures a large enough GEMM once and caches the choice on disk', async () => {
    const cacheDir = mkdtempSync(path.join(tmpdir(), 'vmapc-tiles-'));
    const models = Array.from({ length: 4 }, () => new nn.Linear(128, 256).eval());
    const { params, buffers } = stackModuleState(models);
    const f = vmap((p: Dict, b: Dict, x: Tensor): Tensor => functionalCall(models[0]!, [p, b], [x]), [0, 0, null]);
    const x = Tensor.randn([64, 128]);
    const first = await compile(f, { target: 'cpu', example: [params, buffers, x], cpu: { cacheDir } });
    const cache = JSON.parse(readFileSync(path.join(cacheDir, 'tiles.json'), 'utf8')) as Record<string, Record<string, GemmTiles>>;
    const entries = Object.values(cache)[0]!;
    const key = problemKey({ batch: 4, m: 64, n: 256, k: 128, nt: true, nnDirect: false, aDirect: true });
    expect(Object.keys(entries)).toEqual([key]);
    expect(['nt', 'nn']).toContain(entries[key]!.micro);
    const programs = readdirSync(cacheDir).filter((n) => n.startsWith('tune-')).length;
    const expected = f(params, buffers, x).toArray();
    const r = closeness((await first.run(params, buffers, x)).toArray(), expected, 1e-4, 1e-5);
    expect(r.ok, r.worst).toBe(true);
    first.destroy();
    // Compiling again finds the tiles (and the library) in the cache: no new search program.
    const second = await compile(f, { target: 'cpu', example: [params, buffers, x], cpu: { cacheDir } });
    expect(readdirSync(cacheDir).filter((n) => n.startsWith('tune-')).length).toBe(programs);
    second.destroy();
    // Without the search, small problems and tune: false use the defaults.
    expect(defaultTiles({ batch: 1, m: 4, n: 4, k: 4, nt: false, nnDirect: true, aDirect: true }, 16).micro).toBe('nn');
  });
});

/** A zero row padded on and the last row cut off: a view of A that is not strided, so A is packed. */
function packedA(t: Tensor): Tensor {
  return F.pad(t, [0, 0, 1, 0]).narrow(1, 0, t.shape[1]!);
}
