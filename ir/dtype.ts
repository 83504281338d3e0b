// Element types of the IR, and the typed arrays that hold them on the host.

/** The element types: 32- and 64-bit floats and integers (devices run i64 as i32 and refuse f64). */
export type DType = 'f32' | 'f64' | 'i32' | 'i64';

export const DTYPES: readonly DType[] = ['f32', 'f64', 'i32', 'i64'];

/** The typed array that holds each dtype's values. */
export type TypedArray = Float32Array | Float64Array | Int32Array | BigInt64Array;

export interface DTypeInfo {
  readonly bytes: number;
  readonly isFloat: boolean;
  /** The dtype's name in safetensors headers. */
  readonly safetensors: string;
}

export const DTYPE_INFO: { readonly [D in DType]: DTypeInfo } = {
  f32: { bytes: 4, isFloat: true, safetensors: 'F32' },
  f64: { bytes: 8, isFloat: true, safetensors: 'F64' },
  i32: { bytes: 4, isFloat: false, safetensors: 'I32' },
  i64: { bytes: 8, isFloat: false, safetensors: 'I64' },
};

export function isDType(s: string): s is DType {
  return (DTYPES as readonly string[]).includes(s);
}

export function isFloat(d: DType): boolean {
  return DTYPE_INFO[d].isFloat;
}

export function allocArray(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case 'f32': return new Float32Array(n);
    case 'f64': return new Float64Array(n);
    case 'i32': return new Int32Array(n);
    case 'i64': return new BigInt64Array(n);
    default: return dtype satisfies never;
  }
}

export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Float64Array) return 'f64';
  if (a instanceof Int32Array) return 'i32';
  return 'i64';
}

/** Copies numbers into a new array of `dtype` (rounding toward zero for integer dtypes). */
export function arrayFrom(dtype: DType, values: ArrayLike<number>): TypedArray {
  const out = allocArray(dtype, values.length);
  if (out instanceof BigInt64Array) {
    for (let i = 0; i < values.length; i++) out[i] = BigInt(Math.trunc(values[i]!));
  } else {
    for (let i = 0; i < values.length; i++) out[i] = values[i]!;
  }
  return out;
}

/** Reads any typed array as plain numbers (i64 values beyond 2^53 lose precision). */
export function toNumbers(a: TypedArray): number[] {
  const out = new Array<number>(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Number(a[i]!);
  return out;
}

/** Converts an array to another dtype; integer targets truncate toward zero as C casts do. */
export function convertArray(a: TypedArray, to: DType): TypedArray {
  if (dtypeOfArray(a) === to) return a.slice();
  const out = allocArray(to, a.length);
  if (out instanceof BigInt64Array) {
    for (let i = 0; i < a.length; i++) out[i] = BigInt(Math.trunc(Number(a[i]!)));
  } else if (to === 'i32') {
    for (let i = 0; i < a.length; i++) out[i] = Math.trunc(Number(a[i]!));
  } else {
    for (let i = 0; i < a.length; i++) out[i] = Number(a[i]!);
  }
  return out;
}
