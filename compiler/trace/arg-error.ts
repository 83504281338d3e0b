// ShapeErrors for bad arguments to a layer or op, saying which module and source line made the call.

import { formatLoc, ShapeError } from '../../ir/errors.js';
import { currentLoc } from './trace.js';

/** A ShapeError whose message ends with where the call happened: the module path and the user's source line. */
export function argError(message: string): ShapeError {
  return new ShapeError(message + formatLoc(currentLoc()));
}

/** Throws an argError unless `n` is an integer >= `min`; `what` names the argument, e.g. `Conv2d: kernel_size`. */
export function checkInt(n: number, min: number, what: string): number {
  if (!Number.isInteger(n) || n < min) throw argError(`${what} must be an integer >= ${min}, got ${n}`);
  return n;
}
