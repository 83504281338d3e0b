// The error classes every layer throws. Each message names the module path, tensor and shapes it can.

/** Where a traced op came from: the module path and the user's source line. */
export interface SourceLoc {
  /** Module path inside the traced model, e.g. `encoder.layers.0 (TransformerLayer)`. */
  readonly module?: string;
  /** The first user source frame that created the node, e.g. `model.ts:12:5`. */
  readonly site?: string;
}

/** ` (in module fc1 (Linear), at model.ts:12:5)`, or '' when nothing is known. */
export function formatLoc(loc: SourceLoc | undefined): string {
  if (!loc) return '';
  const parts: string[] = [];
  if (loc.module) parts.push(`in module ${loc.module}`);
  if (loc.site) parts.push(`at ${loc.site}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** The base class of every vmapc error; `name` is the subclass's name. */
export class VmapcError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An op was given inputs or params whose shapes or dtypes do not fit. */
export class ShapeError extends VmapcError {}
/** A traced tensor was read, escaped its trace, or the trace could not continue. */
export class TraceError extends VmapcError {}
/** The contract of vmap (in_dims, sizes, randomness) was broken. */
export class VmapError extends VmapcError {}
/** Module state (parameters, buffers, state dicts, stacking) does not match. */
export class StateError extends VmapcError {}
/** The printed IR could not be parsed. */
export class ParseError extends VmapcError {}
/** The graph breaks an IR invariant (found by the verifier). */
export class VerifyError extends VmapcError {}
/** A file (safetensors, package, manifest) is malformed. */
export class FormatError extends VmapcError {}
/** A backend could not compile or run a kernel. */
export class BackendError extends VmapcError {}

/** An index out of range (take, gather, an embedding), as PyTorch's IndexError: it names the op, the index and the bound. */
export class IndexError extends VmapcError {}
/** Autodiff could not differentiate the function as asked. */
export class GradError extends VmapcError {}
