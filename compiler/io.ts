// Tensors and state dicts to and from safetensors files.

import { nodeBuiltin } from '../runtime/platform.js';
import { readSafetensors, writeSafetensors } from '../runtime/safetensors.js';
import { Tensor } from './trace/tensor.js';

/**
 * Reads a .safetensors file (a PyTorch state dict saved with safetensors) into tensors by name; a
 * malformed file is a FormatError. Node only: in a browser, fetch the bytes and call parseSafetensors.
 */
export function loadSafetensors(path: string): Record<string, Tensor> {
  const fs = nodeBuiltin<typeof import('node:fs')>('node:fs', 'loadSafetensors(path)', 'in a browser, fetch the bytes and call parseSafetensors(bytes)');
  const { tensors } = readSafetensors(fs.readFileSync(path), path);
  const out: Record<string, Tensor> = {};
  for (const [name, t] of tensors) out[name] = Tensor._concrete(t.data, t.shape, t.dtype);
  return out;
}

/** Reads safetensors bytes into tensors by name; `what` names the source in errors. */
export function parseSafetensors(bytes: Uint8Array, what?: string): Record<string, Tensor> {
  const { tensors } = readSafetensors(bytes, what);
  const out: Record<string, Tensor> = {};
  for (const [name, t] of tensors) out[name] = Tensor._concrete(t.data, t.shape, t.dtype);
  return out;
}

/** The safetensors bytes of these tensors (concrete ones), with optional string metadata. */
export function serializeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  return writeSafetensors(Object.entries(tensors).map(([k, t]) => [k, { dtype: t.dtype, shape: t.shape, data: t.data }]), metadata);
}
