// Input and output files of `vmapc run`: .safetensors (tensors by name) or .npy (one array).

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { TypedArray } from '../ir/dtype.js';
import { FormatError } from '../ir/errors.js';
import { fmtShape, shapesEqual } from '../ir/shape.js';
import type { ManifestInput, ManifestOutput, OutputTree } from '../runtime/package/manifest.js';
import type { OutputValue } from '../runtime/package/load.js';
import { readSafetensors, writeSafetensors } from '../runtime/safetensors.js';
import { readNpy, writeNpy } from './npy.js';
import { UsageError } from './usage.js';

export type TensorFileKind = 'safetensors' | 'npy';

export function tensorFileKind(file: string, flag: string): TensorFileKind {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.safetensors') return 'safetensors';
  if (ext === '.npy') return 'npy';
  throw new UsageError(`${flag} ${file}: give a .safetensors file (tensors by name) or a .npy file (one array)`);
}

/** Reads the package's inputs from a file; checks each one's dtype and shape against the manifest. */
export function readInputs(file: string, inputs: readonly ManifestInput[]): { values: Record<string, TypedArray>; ignored: string[] } {
  const kind = tensorFileKind(file, 'input');
  const bytes = readFileSync(file);
  const found = new Map<string, { dtype: string; shape: readonly number[]; data: TypedArray }>();
  if (kind === 'npy') {
    if (inputs.length !== 1) throw new UsageError(`${file} holds one array, but the package takes ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); give a .safetensors file with a tensor per input`);
    found.set(inputs[0]!.name, readNpy(bytes, file));
  } else {
    for (const [k, t] of readSafetensors(bytes, file).tensors) found.set(k, t);
  }
  const values: Record<string, TypedArray> = {};
  for (const i of inputs) {
    const t = found.get(i.name);
    if (!t) throw new FormatError(`${file} has no tensor '${i.name}' (the package takes ${i.name}: ${i.dtype}${fmtShape(i.shape)}); it has ${[...found.keys()].join(', ') || 'none'}`);
    if (t.dtype !== i.dtype || !shapesEqual(t.shape, i.shape)) throw new FormatError(`${file}: '${i.name}' is ${t.dtype}${fmtShape(t.shape)} but the package takes ${i.dtype}${fmtShape(i.shape)}`);
    values[i.name] = t.data;
  }
  return { values, ignored: [...found.keys()].filter((k) => !inputs.some((i) => i.name === k)) };
}

/** The output leaves in manifest order, from run()'s structured result. */
export function outputLeaves(tree: OutputTree, value: OutputValue): TypedArray[] {
  const out: TypedArray[] = [];
  const walk = (t: OutputTree, v: OutputValue): void => {
    switch (t.kind) {
      case 'leaf': out[t.output] = v as TypedArray; return;
      case 'array': t.items.forEach((it, i) => walk(it, (v as OutputValue[])[i]!)); return;
      case 'record': t.items.forEach((it, i) => walk(it, (v as Record<string, OutputValue>)[t.keys[i]!]!)); return;
      default: return t satisfies never;
    }
  };
  walk(tree, value);
  return out;
}

/** The bytes of the output file: every output by name (.safetensors), or the one output (.npy). */
export function encodeOutputs(file: string, outputs: readonly ManifestOutput[], leaves: readonly TypedArray[]): Uint8Array {
  if (tensorFileKind(file, '--out') === 'npy') {
    if (outputs.length !== 1) throw new UsageError(`--out ${file}: the package has ${outputs.length} outputs (${outputs.map((o) => o.name).join(', ')}); write them to a .safetensors file`);
    return writeNpy(leaves[0]!, outputs[0]!.shape);
  }
  return writeSafetensors(outputs.map((o, i) => [o.name, { dtype: o.dtype, shape: o.shape, data: leaves[i]! }]));
}
