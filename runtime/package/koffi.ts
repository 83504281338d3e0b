// Inside a package bundle, stands in for `koffi` (the FFI the cpu and cuda runtimes call C through): the koffi module the loader found.

import { BackendError } from '../../ir/errors.js';
import { findNodePackage } from './node-deps.js';

type KoffiModule = Record<string, unknown> & { load: (...a: unknown[]) => unknown };

let chosen: KoffiModule | undefined;

const isKoffi = (m: unknown): m is KoffiModule => !!m && typeof (m as KoffiModule).load === 'function' && typeof (m as Record<string, unknown>)['alloc'] === 'function';

/** Sets the koffi module that `koffi` imports in the bundle resolve to. */
export async function useKoffi(packageUrl: URL, given?: unknown): Promise<void> {
  chosen ??= await findNodePackage('koffi', packageUrl, given, isKoffi, 'koffi');
}

/** Forwards every member to the chosen module, bound to it; the runtimes touch koffi only after useKoffi. */
const koffi = new Proxy({} as KoffiModule, {
  get(_, key) {
    if (!chosen) throw new BackendError('koffi was not loaded: call the package loader, which finds it first');
    const v = Reflect.get(chosen, key);
    return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(chosen) : v;
  },
});

export default koffi;
