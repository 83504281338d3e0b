// Parses --input specs: NAME=DTYPE[D0,D1,...], where one dimension may be M (the member axis of a per-member input).

import { DTYPES, isDType, type DType } from '../ir/dtype.js';
import type { InputDecl } from '../compiler/package/trace-ensemble.js';
import { UsageError } from './usage.js';

export interface InputSpec {
  readonly name: string;
  readonly dtype: DType;
  /** Sizes; 'M' marks the member axis. */
  readonly dims: readonly (number | 'M')[];
}

/** How to write an input spec, with examples for an input called `name`. */
export function inputSpecHelp(name = 'x'): string {
  return (
    `write NAME=DTYPE[D0,D1,...] with DTYPE one of ${DTYPES.join(', ')}, e.g. --input ${name}=f32[64,784] (one tensor shared by all members) ` +
    `or --input ${name}=f32[M,64,784] (M marks the member axis: member i gets ${name}[i])`
  );
}

/** Parses one spec; the error message says what was wrong and what to write. */
export function parseInputSpec(spec: string): InputSpec {
  const bad = (why: string): never => {
    throw new UsageError(`bad --input '${spec}': ${why}; ${inputSpecHelp(/^\s*([A-Za-z_$][\w$]*)\s*=/.exec(spec)?.[1])}`);
  };
  const m = /^\s*([A-Za-z_$][\w$]*)\s*=\s*([a-z0-9]+)\s*\[([^\]]*)\]\s*$/.exec(spec);
  if (!m) {
    if (!spec.includes('=')) bad('no NAME= before the type');
    if (!/\[.*\]/.test(spec)) bad('the shape must be in square brackets');
    bad('it does not have the form NAME=DTYPE[...]');
  }
  const [, name, dtype, body] = m!;
  if (!isDType(dtype!)) bad(`'${dtype}' is not a dtype`);
  const parts = body!.trim() === '' ? [] : body!.split(',').map((s) => s.trim());
  const dims = parts.map((p): number | 'M' => {
    if (p === 'M') return 'M';
    if (!/^\d+$/.test(p)) return bad(`dimension '${p}' is not a non-negative integer or M`);
    return Number(p);
  });
  if (dims.filter((d) => d === 'M').length > 1) bad('M (the member axis) may appear once');
  return { name: name!, dtype: dtype as DType, dims };
}

/** The input a spec declares for an ensemble of `members`. */
export function toInputDecl(spec: InputSpec, members: number): InputDecl {
  const inDim = spec.dims.indexOf('M');
  return { name: spec.name, dtype: spec.dtype, shape: spec.dims.map((d) => (d === 'M' ? members : d)), inDim: inDim < 0 ? null : inDim };
}

export function fmtInputSpec(s: InputSpec): string {
  return `${s.name}=${s.dtype}[${s.dims.join(',')}]`;
}
