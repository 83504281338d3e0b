// vmapc run: run a package on inputs from a .safetensors or .npy file and write the outputs.

import { existsSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { TypedArray } from '../../ir/dtype.js';
import type { CliIO } from '../main.js';
import { openPackage } from '../open-package.js';
import { encodeOutputs, outputLeaves, readInputs, tensorFileKind } from '../tensor-files.js';
import { UsageError } from '../usage.js';

export interface RunFlags {
  readonly out?: string;
  readonly target: string;
  readonly seed?: number;
}

function summary(a: TypedArray): string {
  let lo = Infinity, hi = -Infinity, sum = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Number(a[i]);
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
    sum += v;
  }
  return a.length ? `min ${lo.toPrecision(5)}, max ${hi.toPrecision(5)}, mean ${(sum / a.length).toPrecision(5)}` : 'empty';
}

export async function runCommand(dir: string, input: string, flags: RunFlags, io: CliIO): Promise<void> {
  const kind = tensorFileKind(input, 'input');
  if (!existsSync(input)) throw new UsageError(`the input file ${input} does not exist; give a .safetensors file with a tensor per input of the package, or a .npy file for its one input (vmapc inspect ${dir} lists them)`);
  if (!statSync(input).isFile()) throw new UsageError(`the input ${input} is a folder; give a .safetensors or .npy file`);
  const out = flags.out ?? path.join(path.dirname(input), `${path.basename(input, path.extname(input))}.out.${kind}`);
  tensorFileKind(out, '--out');
  const outDir = path.dirname(path.resolve(out));
  if (!existsSync(outDir)) throw new UsageError(`--out ${out}: the folder ${path.dirname(out)} does not exist; create it first or write the outputs elsewhere`);
  const ens = await openPackage(dir, flags.target);
  try {
    const { values, ignored } = readInputs(input, ens.inputs);
    if (ignored.length) io.stderr(`note: ${input} also holds ${ignored.join(', ')}, which the package does not take\n`);
    const t0 = performance.now();
    const result = await ens.run(values, flags.seed === undefined ? {} : { seed: flags.seed });
    const ms = performance.now() - t0;
    const leaves = outputLeaves(ens.manifest.outputTree, result);
    writeFileSync(out, encodeOutputs(out, ens.outputs, leaves));
    io.stdout(`ran ${ens.manifest.model.module} x ${ens.manifest.model.members} on ${ens.target} (${ens.device}) in ${ms.toFixed(1)} ms\n`);
    ens.outputs.forEach((o, i) => io.stdout(`  ${o.name}: ${o.dtype}[${o.shape.join(',')}]  ${summary(leaves[i]!)}\n`));
    io.stdout(`wrote ${out}\n`);
  } finally {
    ens.destroy();
  }
}
