// The ts-morph project for a model file: the file and its local imports, with 'vmapc' resolved to this copy of vmapc.

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Node, Project, ts, type SourceFile } from 'ts-morph';
import { FormatError } from '../../ir/errors.js';

const HERE = fileURLToPath(import.meta.url);

/** The root of vmapc's library: the checkout (its sources are .ts), or dist/ in the npm package (.js and .d.ts). */
export const VMAPC_ROOT = path.resolve(path.dirname(HERE), '../..');

/**
 * A file of vmapc as the type checker sees it, e.g. `compiler/nn/module` → its .ts source in a
 * checkout, its .d.ts declarations in the npm package (where this file is compiled .js).
 */
export function vmapcTypesFile(rel: string): string {
  return path.join(VMAPC_ROOT, `${rel}${path.extname(HERE) === '.ts' ? '.ts' : '.d.ts'}`);
}

const INTERNAL = ['ir', 'compiler', 'runtime'].map((d) => path.join(VMAPC_ROOT, d) + path.sep);
const INDEX_FILES = ['index.ts', 'index.js', 'index.d.ts'].map((f) => path.join(VMAPC_ROOT, f));

/** vmapc's own sources (what a model file imports from 'vmapc' or '../index.js'): never the user's code. */
export function isVmapcInternal(file: string): boolean {
  const f = path.resolve(file);
  return INDEX_FILES.includes(f) || INTERNAL.some((d) => f.startsWith(d)) || f.split(path.sep).includes('node_modules');
}

export interface ModelProject {
  readonly project: Project;
  readonly entry: SourceFile;
  /** The entry file and every file it imports by a relative path, transitively (vmapc's own files excluded). */
  readonly local: readonly SourceFile[];
}

/** Opens `file` (which must exist) with the type checker set up as the CLI will run it. */
export function openModelProject(file: string): ModelProject {
  const abs = path.resolve(file);
  if (!existsSync(abs)) throw new FormatError(`the model file ${file} does not exist`);
  const project = new Project({
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      types: [],
      lib: ['lib.es2023.d.ts'],
      paths: { vmapc: [vmapcTypesFile('index')] },
    },
  });
  const entry = project.addSourceFileAtPath(abs);
  project.resolveSourceFileDependencies();
  const local: SourceFile[] = [];
  const seen = new Set<SourceFile>();
  const visit = (sf: SourceFile): void => {
    if (seen.has(sf) || isVmapcInternal(sf.getFilePath())) return;
    seen.add(sf);
    local.push(sf);
    for (const decl of [...sf.getImportDeclarations(), ...sf.getExportDeclarations()]) {
      const spec = decl.getModuleSpecifierValue();
      if (!spec || !spec.startsWith('.')) continue;
      const target = decl.getModuleSpecifierSourceFile();
      if (target) visit(target);
    }
  };
  visit(entry);
  return { project, entry, local };
}

/** A path relative to the working directory when it is under it, else absolute. */
export function shortPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** `file:line:column` of a node, the file relative to the working directory. */
export function where(node: Node): { file: string; line: number; column: number } {
  const sf = node.getSourceFile();
  const { line, column } = sf.getLineAndColumnAtPos(node.getStart());
  return { file: shortPath(sf.getFilePath()), line, column };
}
