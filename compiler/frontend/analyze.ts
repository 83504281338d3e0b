// The front end's entry: a model file's exported modules and every construct in it (and its local imports) that cannot be traced.

import { statSync } from 'node:fs';
import * as path from 'node:path';
import { findProblems, type Problem } from './checks.js';
import { exportedModules, moduleClassesIn, type ModuleDecl } from './modules.js';
import { openModelProject, shortPath } from './project.js';

export interface ModelFileInfo {
  readonly file: string;
  /** The nn.Module subclasses the file exports, in source order. */
  readonly modules: readonly ModuleDecl[];
  /** Module classes in the file that it does not export (named in "no module" errors). */
  readonly unexported: readonly ModuleDecl[];
  /** Local files read (the entry first). */
  readonly files: readonly string[];
  readonly problems: readonly Problem[];
}

/** Results by model file, kept while none of the files read has changed (inspect then build, tests). */
const cache = new Map<string, { stamps: [string, number][]; info: ModelFileInfo }>();

const stamp = (f: string): number => {
  try {
    return statSync(f).mtimeMs;
  } catch {
    return -1;
  }
};

/** Reads a model file with ts-morph; runs nothing. */
export function analyzeModelFile(file: string): ModelFileInfo {
  const key = `${path.resolve(file)}\0${process.cwd()}`;
  const hit = cache.get(key);
  if (hit && hit.stamps.every(([f, t]) => stamp(f) === t)) return hit.info;
  const info = analyze(file);
  cache.set(key, { stamps: info.files.map((f) => [f, stamp(f)]), info });
  return info;
}

function analyze(file: string): ModelFileInfo {
  const { entry, local } = openModelProject(file);
  const modules = exportedModules(entry);
  const exported = new Set(modules.map((m) => m.node));
  const unexported = moduleClassesIn(entry)
    .filter((c) => !exported.has(c))
    .map((c) => ({ name: c.getName() ?? '<anonymous>', exportNames: [], file: shortPath(c.getSourceFile().getFilePath()), line: c.getStartLineNumber(), forward: undefined, ctor: [], node: c }));
  return { file, modules, unexported, files: local.map((sf) => sf.getFilePath()), problems: findProblems(local) };
}

export { fmtProblem, type Problem } from './checks.js';
export type { ModuleDecl, ParamDecl } from './modules.js';
