// Finds nn.Module subclasses in a model file: which are exported (and under which names), their forward and constructor.

import * as path from 'node:path';
import { Node, SyntaxKind, type ClassDeclaration, type ClassExpression, type MethodDeclaration, type SourceFile } from 'ts-morph';
import { vmapcTypesFile, where } from './project.js';

type AnyClass = ClassDeclaration | ClassExpression;

export interface ParamDecl {
  readonly name: string;
  /** The declared type as written (or inferred), e.g. `Tensor`. */
  readonly type: string;
  readonly optional: boolean;
  readonly rest: boolean;
}

export interface ModuleDecl {
  /** The class's own name (`<anonymous>` for an unnamed class expression). */
  readonly name: string;
  /** The names it is exported under from the entry file (empty when it is not exported). */
  readonly exportNames: readonly string[];
  readonly file: string;
  readonly line: number;
  /** forward's parameters, from the class or the nearest local base class that defines it; undefined if none does. */
  readonly forward: readonly ParamDecl[] | undefined;
  readonly ctor: readonly ParamDecl[];
  /** @internal The class node, for the checks. */
  readonly node: AnyClass;
}

const MODULE_FILE = vmapcTypesFile('compiler/nn/module');

/** True when the class derives from vmapc's nn.Module (through any chain of base classes). */
export function extendsModule(cls: AnyClass): boolean {
  let current: AnyClass | undefined = cls;
  for (let depth = 0; current && depth < 64; depth++) {
    const heritage = current.getExtends();
    if (!heritage) return false;
    const base: AnyClass | undefined = current.getBaseClass();
    if (!base) return /(^|\.)Module$/.test(heritage.getExpression().getText());
    if (base.getName() === 'Module' && path.resolve(base.getSourceFile().getFilePath()) === MODULE_FILE) return true;
    current = base;
  }
  return false;
}

function params(fn: { getParameters(): import('ts-morph').ParameterDeclaration[] } | undefined): ParamDecl[] {
  return (fn?.getParameters() ?? []).map((p) => ({
    name: p.getName(),
    type: p.getTypeNode()?.getText() ?? p.getType().getText(p),
    optional: p.isOptional() || p.hasInitializer(),
    rest: p.isRestParameter(),
  }));
}

/** The forward method the class runs: its own, or the nearest base class's. */
export function forwardOf(cls: AnyClass): MethodDeclaration | undefined {
  let current: AnyClass | undefined = cls;
  for (let depth = 0; current && depth < 64; depth++) {
    const m = current.getInstanceMethod('forward');
    if (m) return m as MethodDeclaration;
    current = current.getBaseClass();
  }
  return undefined;
}

function ctorOf(cls: AnyClass): ParamDecl[] {
  let current: AnyClass | undefined = cls;
  for (let depth = 0; current && depth < 64; depth++) {
    const c = current.getConstructors()[0];
    if (c) return params(c);
    current = current.getBaseClass();
  }
  return [];
}

/** Every class in the file (declarations and expressions, at any depth) that extends nn.Module. */
export function moduleClassesIn(sf: SourceFile): AnyClass[] {
  const out: AnyClass[] = [];
  sf.forEachDescendant((n) => {
    if ((Node.isClassDeclaration(n) || Node.isClassExpression(n)) && extendsModule(n)) out.push(n);
  });
  return out;
}

function describe(cls: AnyClass, exportNames: string[]): ModuleDecl {
  const fwd = forwardOf(cls);
  const at = where(cls.getNameNode() ?? cls);
  return { name: cls.getName() ?? '<anonymous>', exportNames, file: at.file, line: at.line, forward: fwd ? params(fwd) : undefined, ctor: ctorOf(cls), node: cls };
}

/** The module classes the entry file exports (its own or re-exported from local files), each with its export names. */
export function exportedModules(entry: SourceFile): ModuleDecl[] {
  const byClass = new Map<AnyClass, string[]>();
  for (const [name, decls] of entry.getExportedDeclarations()) {
    for (const d of decls) {
      let cls: AnyClass | undefined;
      if (Node.isClassDeclaration(d)) cls = d;
      else if (Node.isVariableDeclaration(d)) cls = d.getInitializerIfKind(SyntaxKind.ClassExpression);
      if (cls && extendsModule(cls)) byClass.set(cls, [...(byClass.get(cls) ?? []), name]);
    }
  }
  return [...byClass].map(([cls, names]) => describe(cls, names)).sort((a, b) => (a.file === b.file ? a.line - b.line : a.file.localeCompare(b.file)));
}
