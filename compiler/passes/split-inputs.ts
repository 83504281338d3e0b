// Splits graph inputs too large for one device binding into per-chunk inputs, where vmap's chunkSize sliced them.

import { asNode, makeNode, topoSort, type Graph, type Node, type NodeOf } from '../../ir/node.js';
import { numelOf } from '../../ir/shape.js';

/** Where a piece input comes from: elements [start, end) of the flat data of input `source`. */
export interface InputPiece {
  readonly source: string;
  readonly start: number;
  readonly end: number;
}

const pieces = new WeakMap<Node, InputPiece>();

/** The original input a piece input was cut from, if it is one. */
export function pieceOf(node: Node): InputPiece | undefined {
  return pieces.get(node);
}

/** A slice along axis 0 only: a contiguous range of the flat data. */
function leadingRange(s: NodeOf<'slice'>, shape: readonly number[]): [number, number] | undefined {
  const { starts, ends } = s.params;
  const whole = shape.every((d, i) => i === 0 || (starts[i] === 0 && ends[i] === d));
  if (!whole) return undefined;
  const inner = numelOf(shape.slice(1));
  return [starts[0]! * inner, ends[0]! * inner];
}

/**
 * An input larger than `maxWords` whose every use is a slice along axis 0 (what vmap's chunkSize does
 * to mapped inputs) becomes one input per slice, each small enough to bind. Other inputs are unchanged;
 * the memory planner reports those that still do not fit.
 */
export function splitLargeInputs(graph: Graph, maxWords: number): Graph {
  const order = topoSort(graph);
  const users = new Map<number, Node[]>();
  for (const n of order) for (const i of n.inputs) users.set(i.id, [...(users.get(i.id) ?? []), n]);
  const replace = new Map<number, Node>();
  const inputs: NodeOf<'input'>[] = [];
  for (const inp of graph.inputs) {
    const uses = users.get(inp.id) ?? [];
    const ranges = uses.map((u) => (u.op === 'slice' ? leadingRange(u, inp.shape) : undefined));
    const splittable = numelOf(inp.shape) > maxWords && uses.length > 0 && !graph.outputs.includes(asNode(inp)) && ranges.every((r) => r !== undefined);
    if (!splittable) {
      inputs.push(inp);
      continue;
    }
    const made = new Map<string, NodeOf<'input'>>();
    uses.forEach((u, k) => {
      const [start, end] = ranges[k]!;
      const key = `${start}:${end}`;
      let piece = made.get(key);
      if (!piece) {
        piece = makeNode('input', [], { name: `${inp.params.name}[${start}:${end}]` }, { shape: u.shape, dtype: inp.dtype });
        pieces.set(asNode(piece), { source: inp.params.name, start, end });
        made.set(key, piece);
        inputs.push(piece);
      }
      replace.set(u.id, asNode(piece));
    });
  }
  if (!replace.size) return graph;
  const env = new Map<number, Node>();
  for (const n of order) {
    const r = replace.get(n.id);
    if (r) {
      env.set(n.id, r);
      continue;
    }
    if (n.op === 'input') {
      env.set(n.id, n);
      continue;
    }
    const ins = n.inputs.map((i) => env.get(i.id)!);
    const same = ins.every((x, i) => x === n.inputs[i]);
    env.set(n.id, same ? n : asNode(makeNode(n.op, ins, n.params as never, n.op === 'full' || n.op === 'rand' || n.op === 'constant' ? { shape: n.shape, dtype: n.dtype } : undefined, n.loc)));
  }
  return { inputs, outputs: graph.outputs.map((o) => env.get(o.id)!) };
}
