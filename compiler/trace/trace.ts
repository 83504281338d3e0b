// Trace contexts: the stack of active traces, the module-path stack, and where user code called from.

import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import type { NodeOf } from '../../ir/node.js';
import type { SourceLoc } from '../../ir/errors.js';

/** One recording of a function into a graph. Inner traces (vmap inside vmap) have higher levels. */
export class Trace {
  readonly inputs: NodeOf<'input'>[] = [];
  /** Values from enclosing traces used here; they become extra graph inputs, bound by the caller. */
  readonly captures: { outer: unknown; input: NodeOf<'input'> }[] = [];
  active = true;
  private randKeys = 0;
  constructor(readonly level: number, readonly label: string) {}
  nextRandKey(): number {
    return this.randKeys++;
  }
}

const traceStack: Trace[] = [];

export function innermostTrace(): Trace | undefined {
  return traceStack[traceStack.length - 1];
}

/** Runs fn with a new innermost trace; the trace is closed afterwards even if fn throws. */
export function withNewTrace<T>(label: string, fn: (trace: Trace) => T): T {
  const trace = new Trace(traceStack.length + 1, label);
  traceStack.push(trace);
  try {
    return fn(trace);
  } finally {
    trace.active = false;
    traceStack.pop();
  }
}

// ---- module paths -------------------------------------------------------------------------

interface ModuleFrame {
  readonly module: object;
  readonly path: string;
  readonly className: string;
}

const moduleStack: ModuleFrame[] = [];

/**
 * The dotted name under which `parent` holds `child`: an own attribute, or a deeper path when the
 * child sits in a container whose forward is not called (a ModuleList: `blocks.1`).
 */
function childName(parent: object, child: object): string | undefined {
  for (const [k, v] of Object.entries(parent)) {
    if (v === child) return k;
  }
  const tree = (parent as { namedModules?: () => [string, object][] }).namedModules;
  if (typeof tree !== 'function') return undefined;
  return tree.call(parent).find(([name, m]) => name !== '' && m === child)?.[0];
}

export function withModule<T>(module: object, fn: () => T): T {
  const parent = moduleStack[moduleStack.length - 1];
  let p: string;
  if (!parent) p = '';
  else {
    const name = childName(parent.module, module) ?? `<${module.constructor.name}>`;
    p = parent.path ? `${parent.path}.${name}` : name;
  }
  moduleStack.push({ module, path: p, className: module.constructor.name });
  try {
    return fn();
  } finally {
    moduleStack.pop();
  }
}

/** The module whose forward is running, as `path (Class)`, or undefined outside any forward. */
export function currentModulePath(): string | undefined {
  const top = moduleStack[moduleStack.length - 1];
  if (!top) return undefined;
  return top.path ? `${top.path} (${top.className})` : `<root> (${top.className})`;
}

// ---- source sites -----------------------------------------------------------------------------

const here = path.dirname(fileURLToPath(import.meta.url));
const packageRoot = path.resolve(here, '..', '..');
const internalDirs = ['ir', 'compiler', 'runtime'].map((d) => path.join(packageRoot, d) + path.sep);
const internalFiles = new Set(['index.ts', 'index.js'].map((f) => path.join(packageRoot, f)));

function frameFile(frame: string): { file: string; line: string; col: string } | undefined {
  const m = /\(?((?:file:\/\/)?[^()\s]+?):(\d+):(\d+)\)?\s*$/.exec(frame);
  if (!m) return undefined;
  const file = m[1]!.startsWith('file://') ? fileURLToPath(m[1]!) : m[1]!;
  return { file, line: m[2]!, col: m[3]! };
}

/** The first stack frame outside vmapc itself: the user's line that asked for this op. */
export function userSite(): string | undefined {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  Error.stackTraceLimit = limit;
  for (const frame of stack) {
    const f = frameFile(frame);
    if (!f) continue;
    if (f.file.startsWith('node:') || f.file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    if (internalFiles.has(f.file) || internalDirs.some((d) => f.file.startsWith(d))) continue;
    return `${path.relative(process.cwd(), f.file) || f.file}:${f.line}:${f.col}`;
  }
  return undefined;
}

export function currentLoc(): SourceLoc {
  const module = currentModulePath();
  const site = userSite();
  return { ...(module ? { module } : {}), ...(site ? { site } : {}) };
}
