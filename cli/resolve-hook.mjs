// Node module hooks for the CLI: 'vmapc' in a model file resolves to the CLI's own vmapc, and a model
// file outside any ES-module package (no package.json "type" near it) still loads as an ES module.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

let index;

export function initialize(data) {
  index = data.index;
}

/** The "type" of the nearest package.json above a file, or undefined when there is none or it says nothing. */
function packageType(file) {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const pj = path.join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        return JSON.parse(readFileSync(pj, 'utf8')).type;
      } catch {
        return undefined;
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

export async function resolve(specifier, context, next) {
  if (specifier === 'vmapc') return { url: index, format: 'module', shortCircuit: true };
  const r = await next(specifier, context);
  // Model files are written as ES modules (import/export); without "type": "module" near them, Node
  // would treat a .ts file as CommonJS. Only an explicit "type": "commonjs" keeps that.
  if (r.url.startsWith('file:') && /\.tsx?$/.test(r.url) && typeof r.format === 'string' && r.format.includes('commonjs')) {
    const file = fileURLToPath(r.url);
    if (!file.split(path.sep).includes('node_modules') && packageType(file) === undefined) return { ...r, format: 'module' };
  }
  return r;
}
