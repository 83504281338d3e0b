// Checks a device's limits against what a package's plan was built to need (the manifest's `requires`).

import { BackendError } from '../../ir/errors.js';

/** Names the first limit of the device that is below what the plan needs. */
export function checkLimits(have: Readonly<Record<string, unknown>>, requires: Readonly<Record<string, number>>, device: string): void {
  for (const [key, need] of Object.entries(requires)) {
    const got = have[key];
    if (typeof got === 'number' && got < need) {
      throw new BackendError(`${device} has ${key} = ${got}, but this package's plan needs ${need}; rebuild the package for this device or use another target`);
    }
  }
}
