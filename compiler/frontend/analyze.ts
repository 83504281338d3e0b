// The front end's entry: a model file's exported modules and every construct in it (and its local imports) that cannot be traced.

import { statSync } from 'node:fs';
import * as path from 'node:path';
import { FormatError } from '../../ir/errors.js';
import { findProblems, problemsOfModule, type Problem } from './checks.js';
import { exportedModules, moduleClassesIn, type ModuleDecl } from './modules.js';
import { openModelProject, shortPath, type ModelProject } from './project.js';

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

/**
 * Reads a model file with ts-morph; runs nothing. A syntax error in the file or its local imports is a
 * FormatError that gives each error's file:line:column.
 */
export function analyzeModelFile(file: string): ModelFileInfo {
  const key = `${path.resolve(file)}\0${process.cwd()}`;
  const hit = cache.get(key);
  if (hit && hit.stamps.every(([f, t]) => stamp(f) === t)) return hit.info;
  const info = analyze(file);
  cache.set(key, { stamps: info.files.map((f) => [f, stamp(f)]), info });
  return info;
}

/** TypeScript's syntax errors in the local files, each as file:line:column: message. */
function syntaxErrors({ project, local }: ModelProject): string[] {
  const program = project.getProgram().compilerObject;
  return local.flatMap((sf) =>
    program.getSyntacticDiagnostics(sf.compilerNode).map((d) => {
      const { line, character } = sf.compilerNode.getLineAndCharacterOfPosition(d.start ?? 0);
      const text = typeof d.messageText === 'string' ? d.messageText : d.messageText.messageText;
      return `${shortPath(sf.getFilePath())}:${line + 1}:${character + 1}: ${text}`;
    }),
  );
}

function analyze(file: string): ModelFileInfo {
  const opened = openModelProject(file);
  const bad = syntaxErrors(opened);
  if (bad.length) {
    throw new FormatError(`${file} is not valid TypeScript (nothing was run):\n${bad.map((e) => `  ${e}`).join('\n')}`);
  }
  const { entry, local } = opened;
  const modules = exportedModules(entry);
  const exported = new Set(modules.map((m) => m.node));
  const unexported = moduleClassesIn(entry)
    .filter((c) => !exported.has(c))
    .map((c) => ({ name: c.getName() ?? '<anonymous>', exportNames: [], file: shortPath(c.getSourceFile().getFilePath()), line: c.getStartLineNumber(), forward: undefined, ctor: [], node: c }));
  return { file, modules, unexported, files: local.map((sf) => sf.getFilePath()), problems: findProblems(local) };
}

/** What keeps `mod` from being traced: problems in the classes it uses only (not in other classes of the file). */
export function problemsFor(mod: ModuleDecl): Problem[] {
  return problemsOfModule(mod.node);
}

export { fmtProblem, type Problem } from './checks.js';
export type { ModuleDecl, ParamDecl } from './modules.js';
