// Runs a model file (its TypeScript transpiled on import) and returns an exported module class of this vmapc.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { StateError } from '../../ir/errors.js';
import { Module } from '../nn/module.js';
import type { ModuleClass } from '../package/members.js';

/**
 * Imports `file` and returns its export `name`, checked to be a subclass of this vmapc's nn.Module.
 * TypeScript needs a loader that transpiles on import: the vmapc CLI registers tsx (and maps 'vmapc'
 * to its own copy); vitest and tsx do it themselves.
 */
export async function importModuleClass(file: string, name: string): Promise<ModuleClass> {
  let ns: Record<string, unknown>;
  try {
    ns = (await import(pathToFileURL(path.resolve(file)).href)) as Record<string, unknown>;
  } catch (e) {
    const err = e as Error;
    throw new StateError(`running ${file} failed: ${err.name}: ${err.message}`);
  }
  const cls = ns[name];
  if (typeof cls !== 'function') throw new StateError(`${file} has no export '${name}' when it runs (exports: ${Object.keys(ns).join(', ') || 'none'})`);
  if (!(cls.prototype instanceof Module)) {
    throw new StateError(
      `${name} from ${file} does not extend this vmapc's nn.Module when it runs; if it imports vmapc from another copy ` +
        "(a different node_modules), import from 'vmapc' so the CLI can give it its own",
    );
  }
  return cls as ModuleClass;
}
