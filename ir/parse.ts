// Reads the printed text form back into a Graph, so pass tests can be written as Before/Expected text.

import { arrayFrom, isDType, type DType } from './dtype.js';
import { ParseError, ShapeError } from './errors.js';
import { asNode, makeNode, type Graph, type Node, type NodeOf } from './node.js';
import { isOp, type Op } from './op.js';
import type { OpParams } from './params.js';

type Value = number | string | boolean | Value[];

class Cursor {
  pos = 0;
  constructor(readonly text: string, readonly line: number) {}
  fail(msg: string): never {
    throw new ParseError(`line ${this.line}: ${msg} at column ${this.pos + 1}: ${this.text.trim()}`);
  }
  ws(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }
  peek(): string {
    this.ws();
    return this.text[this.pos] ?? '';
  }
  eat(s: string): void {
    this.ws();
    if (!this.text.startsWith(s, this.pos)) this.fail(`expected '${s}'`);
    this.pos += s.length;
  }
  tryEat(s: string): boolean {
    this.ws();
    if (!this.text.startsWith(s, this.pos)) return false;
    this.pos += s.length;
    return true;
  }
  match(re: RegExp, what: string): string {
    this.ws();
    const m = re.exec(this.text.slice(this.pos));
    if (!m || m.index !== 0) this.fail(`expected ${what}`);
    this.pos += m[0].length;
    return m[0];
  }
  done(): boolean {
    this.ws();
    return this.pos >= this.text.length || this.text[this.pos] === '#';
  }
}

function parseName(c: Cursor): string {
  c.eat('%');
  if (c.peek() === '"') return JSON.parse(c.match(/"(?:[^"\\]|\\.)*"/, 'a quoted name')) as string;
  return c.match(/[A-Za-z0-9_][\w.\-]*/, 'a value name');
}

function parseType(c: Cursor): { dtype: DType; shape: number[] } {
  const dtype = c.match(/[a-z][a-z0-9]*/, 'a dtype');
  if (!isDType(dtype)) c.fail(`unknown dtype '${dtype}'`);
  c.eat('[');
  const shape: number[] = [];
  while (!c.tryEat(']')) {
    shape.push(Number(c.match(/\d+/, 'a dimension')));
    c.tryEat(',');
  }
  return { dtype, shape };
}

function parseValue(c: Cursor): Value {
  const ch = c.peek();
  if (ch === '[') {
    c.eat('[');
    const items: Value[] = [];
    while (!c.tryEat(']')) {
      items.push(parseValue(c));
      c.tryEat(',');
    }
    return items;
  }
  if (ch === '"') return JSON.parse(c.match(/"(?:[^"\\]|\\.)*"/, 'a string')) as string;
  const tok = c.match(/-?(inf|nan|true|false|[0-9.eE+\-]+)/, 'a value');
  if (tok === 'true' || tok === 'false') return tok === 'true';
  if (tok === 'inf') return Infinity;
  if (tok === '-inf') return -Infinity;
  if (tok === 'nan' || tok === '-nan') return NaN;
  const n = Number(tok);
  if (Number.isNaN(n)) c.fail(`bad number '${tok}'`);
  return n;
}

function parseParams(c: Cursor, op: Op, dtype: DType): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  if (!c.tryEat('{')) return params;
  while (!c.tryEat('}')) {
    const key = c.match(/[A-Za-z_]\w*/, 'a param name');
    c.eat('=');
    params[key] = parseValue(c);
    c.tryEat(',');
  }
  if (op === 'constant') params['data'] = arrayFrom(dtype, params['data'] as number[]);
  return params;
}

/** Parses the output of printGraph. Every node is rebuilt through makeNode, so types are re-checked. */
export function parseGraph(text: string): Graph {
  const lines = text.split('\n').map((t, i) => ({ t: t.replace(/#.*$/, '').trim(), n: i + 1 })).filter((l) => l.t);
  const header = lines.shift();
  if (!header) throw new ParseError('empty graph text');
  const values = new Map<string, Node>();
  const inputs: NodeOf<'input'>[] = [];
  const hc: Cursor = new Cursor(header.t, header.n);
  hc.eat('graph');
  hc.eat('(');
  while (!hc.tryEat(')')) {
    const name = parseName(hc);
    hc.eat(':');
    const t = parseType(hc);
    const node = makeNode('input', [], { name }, t);
    if (values.has(name)) hc.fail(`duplicate input %${name}`);
    values.set(name, asNode(node));
    inputs.push(node);
    hc.tryEat(',');
  }
  hc.eat('{');
  let outputs: Node[] | undefined;
  for (const { t, n } of lines) {
    const c: Cursor = new Cursor(t, n);
    if (c.tryEat('}')) break;
    if (c.tryEat('return')) {
      outputs = [];
      while (!c.done()) {
        const name = parseName(c);
        const v = values.get(name);
        if (!v) c.fail(`unknown value %${name}`);
        outputs.push(v);
        c.tryEat(',');
      }
      continue;
    }
    const name = parseName(c);
    c.eat(':');
    const type = parseType(c);
    c.eat('=');
    const op = c.match(/[a-z_][a-z0-9_]*/, 'an op name');
    if (!isOp(op)) c.fail(`unknown op '${op}'`);
    c.eat('(');
    const operands: Node[] = [];
    while (!c.tryEat(')')) {
      const ref = parseName(c);
      const v = values.get(ref);
      if (!v) c.fail(`unknown value %${ref}`);
      operands.push(v);
      c.tryEat(',');
    }
    const params = parseParams(c, op, type.dtype) as OpParams[typeof op];
    try {
      values.set(name, asNode(makeNode(op, operands, params, type)));
    } catch (e) {
      if (e instanceof ShapeError) throw new ParseError(`line ${n}: ${e.message}`);
      throw e;
    }
  }
  if (!outputs) throw new ParseError('graph has no return line');
  return { inputs, outputs };
}
