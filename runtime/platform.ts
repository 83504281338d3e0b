// Node or a browser: the test, and Node's built-in modules reached without an import that a browser bundler would follow.

import { BackendError } from '../ir/errors.js';

/** True in Node (Node 21+ also has a global `navigator`, so Node is recognised by `process.versions`). */
export const isNode: boolean = typeof process !== 'undefined' && !!process.versions?.node;

/**
 * A Node built-in module, e.g. `nodeBuiltin<typeof import('node:fs')>('node:fs', 'loadSafetensors(path)')`,
 * loaded synchronously with `process.getBuiltinModule` (Node 20.16 and later). There is no `import`
 * of `node:*` for a bundler to see, so vmapc's browser bundles hold no Node module. `what` names the
 * feature in the error thrown outside Node, `instead` what to do there.
 */
export function nodeBuiltin<T>(name: string, what: string, instead = 'docs/browser.md says what runs in a browser'): T {
  if (!isNode) throw new BackendError(`${what} runs in Node only: it needs ${name}; ${instead}`);
  const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (typeof get !== 'function') throw new BackendError(`${what} needs Node 20.16 or later (process.getBuiltinModule); this is Node ${process.versions.node}`);
  return get(name) as T;
}

/** Throws a BackendError saying that `target` runs in Node only, unless this is Node. */
export function requireNode(target: string, why: string): void {
  if (!isNode) throw new BackendError(`the ${target} target runs in Node only (${why}); in a browser use the webgpu target`);
}
