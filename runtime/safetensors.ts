// safetensors read and write: an 8-byte header length, a JSON header, then little-endian tensor data.

import { DTYPE_INFO, allocArray, type DType, type TypedArray } from '../ir/dtype.js';
import { FormatError } from '../ir/errors.js';
import { fmtShape, numelOf } from '../ir/shape.js';

export interface RawTensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: TypedArray;
}

const FROM_ST: Record<string, DType> = Object.fromEntries(Object.entries(DTYPE_INFO).map(([d, i]) => [i.safetensors, d as DType]));

/** Upper bound on the header size: real headers are kilobytes; a huge length means a corrupt file. */
const MAX_HEADER = 100 * 1024 * 1024;

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/**
 * Parses a safetensors file. Every way a file can lie (header length, offsets past the end, overlaps,
 * gaps, sizes that do not match the shape, unknown dtypes) is a FormatError naming the tensor.
 */
export function readSafetensors(bytes: Uint8Array, what = 'safetensors file'): { tensors: Map<string, RawTensor>; metadata: Record<string, string> } {
  if (bytes.byteLength < 8) throw new FormatError(`${what}: file is ${bytes.byteLength} bytes, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n > MAX_HEADER || 8 + n > bytes.byteLength) throw new FormatError(`${what}: header length ${n} does not fit in a file of ${bytes.byteLength} bytes (truncated or corrupt)`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  } catch (e) {
    throw new FormatError(`${what}: header is not valid JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new FormatError(`${what}: header must be a JSON object`);
  const dataStart = 8 + n;
  const dataLen = bytes.byteLength - dataStart;
  const metadata = (header['__metadata__'] ?? {}) as Record<string, string>;
  const entries: [string, HeaderEntry][] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = raw as Partial<HeaderEntry>;
    if (!e || typeof e.dtype !== 'string' || !Array.isArray(e.shape) || !Array.isArray(e.data_offsets) || e.data_offsets.length !== 2) {
      throw new FormatError(`${what}: tensor '${name}' needs dtype, shape and data_offsets [begin, end]`);
    }
    if (!e.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new FormatError(`${what}: tensor '${name}' has invalid shape ${JSON.stringify(e.shape)}`);
    const [b, en] = e.data_offsets;
    if (!Number.isInteger(b) || !Number.isInteger(en) || b < 0 || en < b) throw new FormatError(`${what}: tensor '${name}' has invalid data_offsets [${b}, ${en}]`);
    entries.push([name, e as HeaderEntry]);
  }
  // Offsets must tile the data section exactly: sorted, no overlap, no gap, ending at the end of the file.
  const sorted = [...entries].sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);
  let pos = 0;
  for (const [name, e] of sorted) {
    const [b, en] = e.data_offsets;
    if (b < pos) throw new FormatError(`${what}: tensor '${name}' data [${b}, ${en}) overlaps the previous tensor (which ends at ${pos})`);
    if (b > pos) throw new FormatError(`${what}: gap in the data section before tensor '${name}' (bytes ${pos}..${b})`);
    if (en > dataLen) throw new FormatError(`${what}: tensor '${name}' data [${b}, ${en}) runs past the end of the file (${dataLen} data bytes; truncated?)`);
    pos = en;
  }
  if (pos !== dataLen) throw new FormatError(`${what}: ${dataLen - pos} trailing bytes after the last tensor`);
  const tensors = new Map<string, RawTensor>();
  for (const [name, e] of entries) {
    const dtype = FROM_ST[e.dtype];
    if (!dtype) throw new FormatError(`${what}: tensor '${name}' has dtype ${e.dtype}, which vmapc does not read (F32, F64, I32, I64)`);
    const size = DTYPE_INFO[dtype].bytes;
    const [b, en] = e.data_offsets;
    const expected = numelOf(e.shape) * size;
    if (en - b !== expected) throw new FormatError(`${what}: tensor '${name}' ${e.dtype}${fmtShape(e.shape)} needs ${expected} bytes but data_offsets give ${en - b}`);
    const data = allocArray(dtype, numelOf(e.shape));
    new Uint8Array(data.buffer).set(bytes.subarray(dataStart + b, dataStart + en));
    tensors.set(name, { dtype, shape: e.shape, data });
  }
  return { tensors, metadata };
}

/** Serialises tensors in the given order (little-endian hosts, as every supported platform is). */
export function writeSafetensors(tensors: Iterable<[string, RawTensor]>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header['__metadata__'] = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    header[name] = { dtype: DTYPE_INFO[t.dtype].safetensors, shape: [...t.shape], data_offsets: [offset, offset + bytes.byteLength] };
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data section starts 8-byte aligned.
  while ((8 + new TextEncoder().encode(json).length) % 8 !== 0) json += ' ';
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let p = 8 + headerBytes.length;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}
