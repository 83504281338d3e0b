// Device index checks after a run: the faults arena's flags become an IndexError naming the op, the index and the bound.

import { IndexError } from '../ir/errors.js';
import type { ExecutionPlan } from './plan.js';

/**
 * The error the faults arena reports, or undefined when every index was in range. `words` holds the
 * arena's words (a flag and the offending index per site); the runtime clears them before throwing.
 */
export function faultError(plan: ExecutionPlan, words: Int32Array | Uint32Array): IndexError | undefined {
  const sites = plan.faults?.sites ?? [];
  for (let s = 0; s < sites.length; s++) {
    if (words[2 * s] === 0) continue;
    const site = sites[s]!;
    const index = words[2 * s + 1]! | 0;
    return new IndexError(`${site.op}: index ${index} is out of range for axis ${site.axis} of size ${site.bound} (tensor ${site.tensor}); found on the device after the run, whose outputs are discarded`);
  }
  return undefined;
}
