// The deterministic text form of a graph: what pass tests compare and what `ens.plan` shows.

import { toNumbers } from './dtype.js';
import { topoSort, type Graph, type Node } from './node.js';
import type { Shape } from './shape.js';

export function fmtNumber(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Object.is(v, -0)) return '-0';
  return String(v);
}

export function fmtType(dtype: string, shape: Shape): string {
  return `${dtype}[${shape.join(',')}]`;
}

function fmtValue(v: unknown): string {
  if (typeof v === 'number') return fmtNumber(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return String(v);
  if (ArrayBuffer.isView(v)) return `[${toNumbers(v as never).map(fmtNumber).join(',')}]`;
  if (Array.isArray(v)) return `[${v.map(fmtValue).join(',')}]`;
  throw new Error(`cannot print param value ${String(v)}`);
}

export function fmtInputName(name: string): string {
  return /^[A-Za-z_][\w.\-]*$/.test(name) ? `%${name}` : `%${JSON.stringify(name)}`;
}

export function fmtParams(params: object): string {
  const entries = Object.entries(params);
  if (!entries.length) return '';
  return ` {${entries.map(([k, v]) => `${k}=${fmtValue(v)}`).join(', ')}}`;
}

export interface PrintOptions {
  /** Append each node's module path and source site as a comment. */
  readonly locations?: boolean;
}

/** Prints a graph; equal graphs print equal text, whatever their node ids. */
export function printGraph(graph: Graph, options: PrintOptions = {}): string {
  const names = new Map<number, string>();
  for (const inp of graph.inputs) names.set(inp.id, fmtInputName(inp.params.name));
  const args = graph.inputs.map((i) => `${names.get(i.id)}: ${fmtType(i.dtype, i.shape)}`);
  const lines = [`graph(${args.join(', ')}) {`];
  let k = 0;
  for (const node of topoSort(graph)) {
    if (node.op === 'input') {
      if (!names.has(node.id)) throw new Error(`input ${node.params.name} is used but is not a graph input`);
      continue;
    }
    const name = `%${k++}`;
    names.set(node.id, name);
    const operands = node.inputs.map((i: Node) => names.get(i.id)!).join(', ');
    let line = `  ${name}: ${fmtType(node.dtype, node.shape)} = ${node.op}(${operands})${fmtParams(node.params)}`;
    if (options.locations && node.loc) line += `  # ${[node.loc.module, node.loc.site].filter(Boolean).join(' ')}`;
    lines.push(line);
  }
  lines.push(`  return ${graph.outputs.map((o) => names.get(o.id)!).join(', ')}`);
  lines.push('}');
  return lines.join('\n');
}
