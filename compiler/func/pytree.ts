// Pytrees: nested arrays and plain records of leaves, flattened to a list and rebuilt from one.

export type TreeDef =
  | { readonly kind: 'leaf' }
  | { readonly kind: 'array'; readonly children: readonly TreeDef[] }
  | { readonly kind: 'record'; readonly keys: readonly string[]; readonly children: readonly TreeDef[] };

export function isPlainRecord(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export interface Flat {
  readonly leaves: unknown[];
  /** Dotted path of each leaf, e.g. `0.l1.weight` for args[0]['l1.weight']. */
  readonly paths: string[];
  readonly def: TreeDef;
}

export function flatten(tree: unknown, prefix = ''): Flat {
  const leaves: unknown[] = [];
  const paths: string[] = [];
  const walk = (v: unknown, path: string): TreeDef => {
    const join = (k: string): string => (path ? `${path}.${k}` : k);
    if (Array.isArray(v)) return { kind: 'array', children: v.map((c, i) => walk(c, join(String(i)))) };
    if (isPlainRecord(v)) {
      const keys = Object.keys(v);
      return { kind: 'record', keys, children: keys.map((k) => walk(v[k], join(k))) };
    }
    leaves.push(v);
    paths.push(path || 'arg');
    return { kind: 'leaf' };
  };
  const def = walk(tree, prefix);
  return { leaves, paths, def };
}

export function unflatten(def: TreeDef, leaves: readonly unknown[]): unknown {
  let i = 0;
  const build = (d: TreeDef): unknown => {
    switch (d.kind) {
      case 'leaf': return leaves[i++];
      case 'array': return d.children.map(build);
      case 'record': return Object.fromEntries(d.keys.map((k, j) => [k, build(d.children[j]!)]));
      default: return d satisfies never;
    }
  };
  const out = build(def);
  if (i !== leaves.length) throw new Error(`unflatten: tree has ${i} leaves but ${leaves.length} were given`);
  return out;
}

export function countLeaves(def: TreeDef): number {
  switch (def.kind) {
    case 'leaf': return 1;
    case 'array':
    case 'record': return def.children.reduce((n, c) => n + countLeaves(c), 0);
    default: return def satisfies never;
  }
}

/** A compact picture of a tree's structure for error messages: `[*, {a: *, b: *}]`. */
export function fmtTreeDef(def: TreeDef): string {
  switch (def.kind) {
    case 'leaf': return '*';
    case 'array': return `[${def.children.map(fmtTreeDef).join(', ')}]`;
    case 'record': return `{${def.keys.map((k, i) => `${k}: ${fmtTreeDef(def.children[i]!)}`).join(', ')}}`;
    default: return def satisfies never;
  }
}

/**
 * Broadcasts a prefix tree (e.g. in_dims) over a full tree: a leaf of the prefix applies to every leaf
 * below it. Returns undefined when the structures do not match.
 */
export function broadcastPrefix<T>(prefix: unknown, def: TreeDef, isPrefixLeaf: (v: unknown) => v is T): T[] | undefined {
  const out: T[] = [];
  const walk = (p: unknown, d: TreeDef): boolean => {
    if (isPrefixLeaf(p)) {
      for (let n = countLeaves(d); n > 0; n--) out.push(p);
      return true;
    }
    if (Array.isArray(p)) {
      return d.kind === 'array' && d.children.length === p.length && d.children.every((c, i) => walk(p[i], c));
    }
    if (isPlainRecord(p)) {
      const keys = Object.keys(p);
      return d.kind === 'record' && d.keys.length === keys.length && d.keys.every((k, i) => k in p && walk(p[k], d.children[i]!));
    }
    return false;
  };
  return walk(prefix, def) ? out : undefined;
}
