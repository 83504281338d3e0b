// Trace contexts: the stack of active traces, the module-path stack, and where user code called from.

import type { NodeOf } from '../../ir/node.js';
import type { SourceLoc } from '../../ir/errors.js';
import { isNode, nodeBuiltin } from '../../runtime/platform.js';

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

/**
 * vmapc's root folder as a URL, when this file is in vmapc's source or dist/ layout; undefined inside
 * a bundle, where vmapc and the user's code share one file and a user's line cannot be told apart.
 */
const ROOT = /^(.*\/)compiler\/trace\/trace\.[cm]?[jt]s(?:\?.*)?$/.exec(import.meta.url)?.[1];
const INTERNAL = ['ir/', 'compiler/', 'runtime/'].map((d) => ROOT + d);
const INTERNAL_FILES = new Set(['index.ts', 'index.js'].map((f) => ROOT + f));
const nodeUrl = isNode ? nodeBuiltin<typeof import('node:url')>('node:url', 'source sites') : undefined;
const nodePath = isNode ? nodeBuiltin<typeof import('node:path')>('node:path', 'source sites') : undefined;

/** A stack frame's file, line and column, the file as a URL (file:, http:, ...) or a `node:` name. */
function frameFile(frame: string): { url: string; line: string; col: string } | undefined {
  const m = /\(?((?:[a-z][a-z0-9+.-]*:\/\/)?[^()\s]+?):(\d+):(\d+)\)?\s*$/i.exec(frame);
  if (!m) return undefined;
  const file = m[1]!;
  const url = /^[a-z][a-z0-9+.-]*:/i.test(file) && !/^[a-z]:[\\/]/i.test(file) ? file : nodeUrl?.pathToFileURL(file).href ?? file;
  return { url, line: m[2]!, col: m[3]! };
}

/** The first stack frame outside vmapc itself: the user's line that asked for this op. */
export function userSite(): string | undefined {
  if (ROOT === undefined) return undefined;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  Error.stackTraceLimit = limit;
  for (const frame of stack) {
    const f = frameFile(frame);
    if (!f) continue;
    if (f.url.startsWith('node:') || f.url.includes('/node_modules/')) continue;
    if (INTERNAL_FILES.has(f.url) || INTERNAL.some((d) => f.url.startsWith(d))) continue;
    if (nodeUrl && nodePath && f.url.startsWith('file:')) {
      const file = nodeUrl.fileURLToPath(f.url);
      return `${nodePath.relative(process.cwd(), file) || file}:${f.line}:${f.col}`;
    }
    return `${f.url}:${f.line}:${f.col}`;
  }
  return undefined;
}

export function currentLoc(): SourceLoc {
  const module = currentModulePath();
  const site = userSite();
  return { ...(module ? { module } : {}), ...(site ? { site } : {}) };
}
