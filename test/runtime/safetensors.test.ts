// safetensors read and write: round trips for every dtype, PyTorch's files, and every way a file can lie.

import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FormatError, loadSafetensors, parseSafetensors, serializeSafetensors, Tensor } from '../../index.js';
import { readSafetensors, writeSafetensors } from '../../runtime/safetensors.js';
import { REFERENCE_DIR } from '../helpers/reference.js';

/** A file built by hand: header JSON as given, then `dataBytes` bytes of data. */
function rawFile(header: unknown, dataBytes: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

function formatError(bytes: Uint8Array): string {
  try {
    readSafetensors(bytes, 'test.safetensors');
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return (e as Error).message;
  }
  throw new Error('expected a FormatError');
}

describe('round trips', () => {
  it('f32, f64, i32 and i64 (beyond 2^53) keep dtype, shape and every bit', () => {
    const tensors = {
      a: Tensor.fromArray(Float32Array.of(1.5, -0, Infinity, NaN, 3.4e38, 1e-45), [2, 3]),
      b: Tensor.fromArray(Float64Array.of(Math.PI, -1e300), [2]),
      c: Tensor.fromArray(Int32Array.of(-2147483648, 2147483647, 0), [3, 1]),
      d: Tensor.fromArray(BigInt64Array.of(9007199254740993n, -9223372036854775808n), [2]),
      scalar: Tensor.fromArray(BigInt64Array.of(7n), []),
      empty: Tensor.zeros([0, 4]),
    };
    const bytes = serializeSafetensors(tensors, { format: 'pt' });
    const back = parseSafetensors(bytes);
    expect(Object.keys(back)).toEqual(Object.keys(tensors));
    for (const [k, t] of Object.entries(tensors)) {
      expect(back[k]!.dtype, k).toBe(t.dtype);
      expect(back[k]!.shape, k).toEqual(t.shape);
      expect(new Uint8Array(back[k]!.data.buffer, back[k]!.data.byteOffset, back[k]!.data.byteLength)).toEqual(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    }
    expect((back['d']!.data as BigInt64Array)[0]).toBe(9007199254740993n);
    expect(readSafetensors(bytes).metadata).toEqual({ format: 'pt' });
  });

  it('writes the names PyTorch reads: F32/F64/I32/I64 and an 8-byte aligned data section', () => {
    const bytes = writeSafetensors([['x', { dtype: 'i64', shape: [1], data: BigInt64Array.of(1n) }], ['y', { dtype: 'f64', shape: [1], data: Float64Array.of(2) }]]);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { dtype: string; data_offsets: number[] }>;
    expect(header['x']).toEqual({ dtype: 'I64', shape: [1], data_offsets: [0, 8] });
    expect(header['y']!.dtype).toBe('F64');
  });

  it('reads files PyTorch wrote, with I64 and F32 tensors and offsets in any order', () => {
    const sd = loadSafetensors(path.join(REFERENCE_DIR, 'train_step', 'io.safetensors'));
    expect(sd['y']!.dtype).toBe('i64');
    expect(sd['x']!.dtype).toBe('f32');
    const raw = readFileSync(path.join(REFERENCE_DIR, 'small_cnn', 'member0.safetensors'));
    const t = readSafetensors(raw).tensors;
    expect(t.get('conv.weight')!.shape).toEqual([8, 3, 3, 3]);
    // A header whose entries are not in offset order reads the same.
    const a = Float32Array.of(1, 2), b = Float32Array.of(3);
    const file = rawFile({ b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] }, a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, 12);
    file.set(new Uint8Array(a.buffer), file.length - 12);
    file.set(new Uint8Array(b.buffer), file.length - 4);
    const back = parseSafetensors(file);
    expect(back['a']!.toArray()).toEqual([1, 2]);
    expect(back['b']!.toArray()).toEqual([3]);
  });
});

describe('malformed files are FormatErrors', () => {
  const good = serializeSafetensors({ w: Tensor.ones([2, 3]), b: Tensor.zeros([3]) });

  it('a truncated file', () => {
    expect(formatError(good.subarray(0, good.length - 4))).toMatch(/tensor '\w' data \[\d+, \d+\) runs past the end of the file.*truncated/);
    expect(formatError(good.subarray(0, 5))).toContain('too short for the 8-byte header length');
    expect(formatError(good.subarray(0, 20))).toContain('does not fit in a file of 20 bytes');
  });

  it('a header that lies about sizes', () => {
    expect(formatError(rawFile({ w: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 20] } }, 20))).toContain("tensor 'w' F32[2, 3] needs 24 bytes but data_offsets give 20");
    expect(formatError(rawFile({ w: { dtype: 'I64', shape: [2], data_offsets: [0, 8] } }, 8))).toContain('needs 16 bytes');
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 1n << 40n, true);
    expect(formatError(huge)).toContain('header length');
  });

  it('overlapping offsets, gaps and trailing bytes', () => {
    const overlap = rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, 12);
    expect(formatError(overlap)).toContain("tensor 'b' data [4, 12) overlaps the previous tensor (which ends at 8)");
    const gap = rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8);
    expect(formatError(gap)).toContain("gap in the data section before tensor 'a'");
    const trailing = rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 8);
    expect(formatError(trailing)).toContain('4 trailing bytes');
  });

  it('bad JSON, a bad entry, a bad shape, offsets backwards, an unknown dtype', () => {
    const bad = new Uint8Array(12);
    new DataView(bad.buffer).setBigUint64(0, 4n, true);
    bad.set(new TextEncoder().encode('{no}'), 8);
    expect(formatError(bad)).toContain('header is not valid JSON');
    expect(formatError(rawFile([1, 2], 0))).toContain('header must be a JSON object');
    expect(formatError(rawFile({ a: { dtype: 'F32', shape: [1] } }, 4))).toContain("tensor 'a' needs dtype, shape and data_offsets");
    expect(formatError(rawFile({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, 4))).toContain('invalid shape [-1]');
    expect(formatError(rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, 4))).toContain('invalid data_offsets [4, 0]');
    expect(formatError(rawFile({ a: { dtype: 'BF16', shape: [2], data_offsets: [0, 4] } }, 4))).toContain('dtype BF16, which vmapc does not read');
  });
});
