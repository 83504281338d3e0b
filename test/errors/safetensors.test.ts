// Bad-input table, safetensors files that are truncated, corrupt, or whose header lies about sizes or offsets (rows E40-E47).

import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError, loadSafetensors, nn, parseSafetensors, serializeSafetensors, Tensor } from '../../index.js';
import { expectError, stateOf } from './helpers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vmapc-bad-st-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A valid file of a Linear(3, 2): weight f32[2,3] (24 bytes) then bias f32[2] (8 bytes). */
function good(): Uint8Array {
  const m = new nn.Linear(3, 2);
  return serializeSafetensors({ weight: m.weight, bias: m.bias! });
}

/** The file with its JSON header replaced (padded to keep 8-byte alignment) and the data section as given. */
function withHeader(header: unknown, data: Uint8Array): Uint8Array {
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8) json += ' ';
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(new TextEncoder().encode(json), 8);
  out.set(data, 8 + json.length);
  return out;
}

function headerOf(bytes: Uint8Array): { header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>; data: Uint8Array } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))), data: bytes.slice(8 + n) };
}

/**
 * The bytes are refused with a FormatError, from memory and from a file: the bytes and file are unchanged, no
 * file is left behind, a module loading from it keeps its state, and the good file still loads.
 */
async function rejects(bytes: Uint8Array, ...patterns: RegExp[]): Promise<void> {
  const copy = bytes.slice();
  const m = new nn.Linear(3, 2);
  const before = stateOf(m);
  await expectError(() => m.loadStateDict(parseSafetensors(bytes, 'bad.safetensors')), FormatError, /bad\.safetensors/, ...patterns);
  expect(stateOf(m)).toEqual(before);
  expect(bytes).toEqual(copy);
  const file = path.join(dir, 'bad.safetensors');
  writeFileSync(file, bytes);
  await expectError(() => loadSafetensors(file), FormatError, new RegExp(file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), ...patterns);
  expect(new Uint8Array(readFileSync(file))).toEqual(copy);
  expect(readdirSync(dir)).toEqual(['bad.safetensors']);
  const ok = parseSafetensors(good());
  m.loadStateDict(ok);
  expect(m.weight.toArray()).toEqual(ok['weight']!.toArray());
}

describe('bad safetensors files', () => {
  it('E40 a file truncated anywhere: in the length, the header or the data', async () => {
    const g = good();
    await rejects(g.subarray(0, 5), /file is 5 bytes, too short for the 8-byte header length/);
    await rejects(g.subarray(0, 20), /header length \d+ does not fit in a file of 20 bytes \(truncated or corrupt\)/);
    await rejects(g.subarray(0, g.length - 3), /tensor '\w+' data \[\d+, \d+\) runs past the end of the file \(\d+ data bytes; truncated\?\)/);
  });
  it('E41 a header that is not JSON, or not a JSON object', async () => {
    const g = good();
    const garbled = g.slice();
    garbled[9] = 0xff;
    await rejects(garbled, /header is not valid JSON/);
    await rejects(withHeader([1, 2], new Uint8Array(0)), /header must be a JSON object/);
  });
  it('E42 a header that lies about a tensor\'s size', async () => {
    const { header, data } = headerOf(good());
    header['weight']!.shape = [2, 2];
    await rejects(withHeader(header, data), /tensor 'weight' F32\[2, 2\] needs 16 bytes but data_offsets give 24/);
  });
  it('E43 overlapping data offsets', async () => {
    const { header, data } = headerOf(good());
    header['bias']!.data_offsets = [20, 28];
    await rejects(withHeader(header, data.subarray(0, 28)), /tensor 'bias' data \[20, 28\) overlaps the previous tensor \(which ends at 24\)/);
  });
  it('E44 a gap in the data, or bytes after the last tensor', async () => {
    const { header, data } = headerOf(good());
    header['bias']!.data_offsets = [28, 36];
    const grown = new Uint8Array(36);
    grown.set(data);
    await rejects(withHeader(header, grown), /gap in the data section before tensor 'bias' \(bytes 24\.\.28\)/);
    const { header: h2, data: d2 } = headerOf(good());
    const longer = new Uint8Array(d2.length + 4);
    longer.set(d2);
    await rejects(withHeader(h2, longer), /4 trailing bytes after the last tensor/);
  });
  it('E45 a dtype vmapc does not read', async () => {
    const { header, data } = headerOf(good());
    header['bias']!.dtype = 'BF16';
    header['bias']!.shape = [4];
    await rejects(withHeader(header, data), /tensor 'bias' has dtype BF16, which vmapc does not read/);
  });
  it('E46 entries missing fields, negative or fractional shapes, reversed offsets', async () => {
    const { header, data } = headerOf(good());
    await rejects(withHeader({ ...header, bias: { dtype: 'F32', shape: [2] } }, data), /tensor 'bias' needs dtype, shape and data_offsets/);
    await rejects(withHeader({ ...header, bias: { ...header['bias'], shape: [-2] } }, data), /tensor 'bias' has invalid shape \[-2\]/);
    await rejects(withHeader({ ...header, bias: { ...header['bias'], shape: [1.5] } }, data), /invalid shape/);
    await rejects(withHeader({ ...header, bias: { ...header['bias'], data_offsets: [32, 24] } }, data), /tensor 'bias' has invalid data_offsets \[32, 24\]/);
  });
  it('E47 a header length of a terabyte', async () => {
    const g = good().slice();
    new DataView(g.buffer).setBigUint64(0, 2n ** 40n, true);
    await rejects(g, /header length 1099511627776 does not fit/);
  });
});

describe('a good file still round-trips', () => {
  it('after the bad ones', () => {
    const t = Tensor.randn([2, 3]);
    expect(parseSafetensors(serializeSafetensors({ t }))['t']!.toArray()).toEqual(t.toArray());
  });
});
