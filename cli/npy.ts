// NumPy .npy files (format 1.0 to 3.0): little-endian f4, f8, i4, i8 arrays in C order.

import { DTYPE_INFO, allocArray, dtypeOfArray, type DType, type TypedArray } from '../ir/dtype.js';
import { FormatError } from '../ir/errors.js';
import { numelOf } from '../ir/shape.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const DESCR: { readonly [D in DType]: string } = { f32: '<f4', f64: '<f8', i32: '<i4', i64: '<i8' };

export interface NpyArray {
  readonly dtype: DType;
  readonly shape: number[];
  readonly data: TypedArray;
}

export function readNpy(bytes: Uint8Array, what = '.npy file'): NpyArray {
  if (bytes.byteLength < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new FormatError(`${what} is not a .npy file (no \\x93NUMPY magic)`);
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major < 1 || major > 3) throw new FormatError(`${what}: .npy format version ${major}.${bytes[7]} is not supported (1.0 to 3.0)`);
  const lenBytes = major === 1 ? 2 : 4;
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes + headerLen;
  if (start > bytes.byteLength) throw new FormatError(`${what}: header of ${headerLen} bytes runs past the end of the file`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(8 + lenBytes, start));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new FormatError(`${what}: header ${header.trim()} lacks descr, fortran_order or shape`);
  const dtype = (Object.keys(DESCR) as DType[]).find((d) => DESCR[d] === descr || (descr === DESCR[d].replace('<', '=')));
  if (!dtype) throw new FormatError(`${what}: dtype '${descr}' is not supported; save it as float32, float64, int32 or int64 (little-endian)`);
  if (fortran === 'True') throw new FormatError(`${what}: the array is in Fortran order; save it with np.ascontiguousarray`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length).map(Number);
  const n = numelOf(shape);
  const size = DTYPE_INFO[dtype].bytes;
  if (bytes.byteLength - start !== n * size) throw new FormatError(`${what}: ${descr}[${shape.join(', ')}] needs ${n * size} data bytes, the file has ${bytes.byteLength - start}`);
  const data = allocArray(dtype, n);
  new Uint8Array(data.buffer).set(bytes.subarray(start, start + n * size));
  return { dtype, shape, data };
}

export function writeNpy(data: TypedArray, shape: readonly number[]): Uint8Array {
  const dtype = dtypeOfArray(data);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
