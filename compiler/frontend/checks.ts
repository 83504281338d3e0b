// Finds what vmapc cannot trace, with file:line, before anything runs: value reads in forward, async forward, modules defined in functions.

import { Node, SyntaxKind, type SourceFile, type Type } from 'ts-morph';
import { extendsModule, forwardOf, moduleClassesIn } from './modules.js';
import { isVmapcInternal, where } from './project.js';

export interface Problem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export function fmtProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

const TENSOR_CLASSES = new Set(['Tensor', 'Parameter', 'Buffer']);

/** True when the type is (or may be, for a union) a vmapc Tensor or a subclass. */
function isTensorType(t: Type, depth = 0): boolean {
  if (depth > 16) return false;
  if (t.isUnion()) return t.getUnionTypes().some((u) => isTensorType(u, depth + 1));
  const name = t.getSymbol()?.getName();
  if (name && TENSOR_CLASSES.has(name)) return true;
  return t.getBaseTypes().some((b) => isTensorType(b, depth + 1));
}

const READ_METHODS = new Set(['item', 'toArray', 'tolist']);
const READ_PROPS = new Set(['data', 'value']);
const COMPARISONS = new Set([SyntaxKind.LessThanToken, SyntaxKind.LessThanEqualsToken, SyntaxKind.GreaterThanToken, SyntaxKind.GreaterThanEqualsToken]);

const VALUE_HELP = 'its values are not known while vmapc traces the ensemble; use tensor ops instead (where, masks, reductions), or compute it outside forward';

/** Functions and methods whose bodies run when `root` runs: followed through calls into local (non-vmapc) code. */
function reachable(root: Node): Node[] {
  const out: Node[] = [];
  const seen = new Set<Node>();
  const visit = (fn: Node): void => {
    if (seen.has(fn)) return;
    seen.add(fn);
    out.push(fn);
    fn.forEachDescendant((n) => {
      if (!Node.isCallExpression(n)) return;
      const sym = n.getExpression().getSymbol();
      const real = sym?.isAlias() ? sym.getAliasedSymbol() : sym;
      for (const d of real?.getDeclarations() ?? []) {
        if (isVmapcInternal(d.getSourceFile().getFilePath())) continue;
        if (Node.isMethodDeclaration(d) || Node.isFunctionDeclaration(d)) visit(d);
        else if (Node.isVariableDeclaration(d) || Node.isPropertyDeclaration(d)) {
          const init = d.getInitializer();
          if (init && (Node.isArrowFunction(init) || Node.isFunctionExpression(init))) visit(init);
        }
      }
    });
  };
  visit(root);
  return out;
}

/** Reads of tensor values inside one function body. */
function valueReads(fn: Node, context: string): Problem[] {
  const out: Problem[] = [];
  const add = (n: Node, message: string): void => {
    out.push({ ...where(n), message: `${message} in ${context}: ${VALUE_HELP}` });
  };
  fn.forEachDescendant((n) => {
    if (Node.isPropertyAccessExpression(n)) {
      const name = n.getName();
      const parent = n.getParent();
      const called = Node.isCallExpression(parent) && parent.getExpression() === n;
      if (!(called ? READ_METHODS.has(name) : READ_PROPS.has(name))) return;
      if (!isTensorType(n.getExpression().getType())) return;
      add(n, called ? `.${name}() reads a tensor's values` : `.${name} reads a tensor's values`);
    } else if (Node.isBinaryExpression(n) && COMPARISONS.has(n.getOperatorToken().getKind())) {
      if (isTensorType(n.getLeft().getType()) || isTensorType(n.getRight().getType())) add(n, `'${n.getText()}' compares a tensor's value with a JS operator`);
    } else if (Node.isCallExpression(n) && n.getExpression().getText() === 'Number' && n.getArguments().length === 1) {
      if (isTensorType(n.getArguments()[0]!.getType())) add(n, `'${n.getText()}' converts a tensor to a number`);
    } else if (Node.isPrefixUnaryExpression(n) && (n.getOperatorToken() === SyntaxKind.PlusToken || n.getOperatorToken() === SyntaxKind.MinusToken)) {
      if (isTensorType(n.getOperand().getType())) add(n, `'${n.getText()}' converts a tensor to a number`);
    } else if (Node.isAwaitExpression(n)) {
      add(n, "'await' waits for a value");
    }
  });
  return out;
}

/** The enclosing function of a node, if any (a class inside it is created anew on every call). */
function enclosingFunction(n: Node): Node | undefined {
  return n.getFirstAncestor((a) => Node.isFunctionDeclaration(a) || Node.isFunctionExpression(a) || Node.isArrowFunction(a) || Node.isMethodDeclaration(a) || Node.isConstructorDeclaration(a) || Node.isGetAccessorDeclaration(a) || Node.isSetAccessorDeclaration(a));
}

function functionName(fn: Node): string {
  if (Node.isFunctionDeclaration(fn) || Node.isMethodDeclaration(fn) || Node.isFunctionExpression(fn)) return fn.getName() ?? '<anonymous>';
  if (Node.isConstructorDeclaration(fn)) return 'constructor';
  const v = fn.getFirstAncestorByKind(SyntaxKind.VariableDeclaration);
  return v?.getName() ?? '<anonymous>';
}

type AnyClass = ReturnType<typeof moduleClassesIn>[number];

/** What one module class does that vmapc cannot trace: defined inside a function, an async forward, value reads in what forward runs. */
function classProblems(cls: AnyClass): Problem[] {
  const problems: Problem[] = [];
  const name = cls.getName() ?? '<anonymous>';
  const fn = enclosingFunction(cls);
  if (fn) {
    problems.push({ ...where(cls.getNameNode() ?? cls), message: `module class ${name} is defined inside ${functionName(fn)}(): vmapc builds modules from classes at the top level of a file; move it out and export it` });
  }
  const fwd = forwardOf(cls);
  if (!fwd || isVmapcInternal(fwd.getSourceFile().getFilePath())) return problems;
  if (fwd.isAsync()) problems.push({ ...where(fwd.getNameNode()), message: `${name}.forward is async: forward must compute its result synchronously to be traced; remove async and await` });
  for (const body of reachable(fwd)) {
    const label = body === fwd ? `${name}.forward` : `${functionName(body)}() (called from ${name}.forward)`;
    problems.push(...valueReads(body, label));
  }
  return problems;
}

/** Each problem once, in file order. */
function ordered(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      // One report per construct: a helper reached from two forwards is reported once (the context differs).
      const key = `${p.file}:${p.line}:${p.column}:${p.message.split(' in ')[0]}`;
      return !seen.has(key) && !!seen.add(key);
    })
    .sort((a, b) => (a.file === b.file ? a.line - b.line || a.column - b.column : a.file.localeCompare(b.file)));
}

/** Every construct in the local files that vmapc cannot build, in file order. */
export function findProblems(files: readonly SourceFile[]): Problem[] {
  return ordered(files.flatMap((sf) => moduleClassesIn(sf).flatMap(classProblems)));
}

/** The class a `new X(...)` constructs, when it is a local module class. */
function constructedModule(n: Node): AnyClass | undefined {
  if (!Node.isNewExpression(n)) return undefined;
  const sym = n.getExpression().getSymbol();
  const real = sym?.isAlias() ? sym.getAliasedSymbol() : sym;
  for (const d of real?.getDeclarations() ?? []) {
    if ((Node.isClassDeclaration(d) || Node.isClassExpression(d)) && !isVmapcInternal(d.getSourceFile().getFilePath()) && extendsModule(d)) return d;
  }
  return undefined;
}

/**
 * The local module classes that `cls` builds on: itself, its base classes, and every module class
 * constructed in its body (fields, constructor, methods) or in local functions that body calls, transitively.
 */
export function classesUsedBy(cls: AnyClass): AnyClass[] {
  const out: AnyClass[] = [];
  const visit = (c: AnyClass | undefined): void => {
    if (!c || out.includes(c) || isVmapcInternal(c.getSourceFile().getFilePath())) return;
    out.push(c);
    visit(c.getBaseClass());
    for (const body of reachable(c)) body.forEachDescendant((n) => visit(constructedModule(n)));
  };
  visit(cls);
  return out;
}

/**
 * What keeps one module from being traced: the problems of the classes it uses (classesUsedBy), so
 * an untraceable class elsewhere in the file does not block a traceable one.
 */
export function problemsOfModule(cls: AnyClass): Problem[] {
  // The used classes first, so a construct in a submodule's forward is reported as that class's.
  return ordered(classesUsedBy(cls).reverse().flatMap(classProblems));
}
