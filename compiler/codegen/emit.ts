// Index-driven emission: the value of any inlinable node at a symbolic index, as kernel-IR expressions.

import { BackendError } from '../../ir/errors.js';
import type { Node, NodeOf } from '../../ir/node.js';
import { OP_KIND } from '../../ir/op.js';
import { contiguousStrides, fmtShape } from '../../ir/shape.js';
import { fmtType } from '../../ir/print.js';
import type { PlanFaultSite } from '../../runtime/plan.js';
import { emitGather, emitScatterAdd, emitTake } from './emit-index.js';
import {
  add, and, arith, cast, clampIndex, cmp, exprKey, f32, lit, mul, ravel, select, sub, TRUE, unravel, vr, windowPositions,
  type Expr, type Scalar, type Stmt,
} from './kernel-ir.js';

/** Where a materialized tensor lives: a binding of the kernel and an element offset in it. */
export interface Slot {
  readonly buf: string;
  readonly offset: number;
}

export function scalarOf(node: Pick<Node, 'dtype' | 'shape'>): Scalar {
  if (node.dtype === 'f32') return 'f32';
  if (node.dtype === 'i32') return 'i32';
  throw new BackendError(`${node.dtype} tensors (${node.dtype}${fmtShape(node.shape)}) cannot be compiled for a device; use f32 (or i32 for indices)`);
}

/** Where an emitter reports out-of-range indices: a binding, and a site registry giving each check its words. */
export interface IndexChecks {
  readonly buf: string;
  add(site: PlanFaultSite): number;
}

const clampIdx = clampIndex;

/**
 * Emits expressions for nodes of one kernel. Materialized nodes are loads from their slots; nodes bound
 * with `fix` (a matmul accumulator, a row reduction) are those registers; everything else is computed
 * inline. Statements (lets, loops for pools) go into the current block; values are memoised per scope.
 */
export class Emitter {
  private blocks: Stmt[][] = [[]];
  private memos: Map<string, Expr>[] = [new Map()];
  private fixed = new Map<number, Expr>();
  private counter = 0;
  private sites = new Map<number, number>();

  constructor(private readonly slots: ReadonlyMap<number, Slot>, private readonly prefix = 'v', private readonly checks?: IndexChecks) {}

  /** Whether the kernel checks indices (then it binds the faults arena). */
  get checked(): boolean {
    return this.sites.size > 0;
  }

  /** A fresh variable name. */
  fresh(base = this.prefix): string {
    return `${base}${this.counter++}`;
  }

  /** Binds a node to a register regardless of index (its value is computed by the template). */
  fix(node: Node, e: Expr): void {
    this.fixed.set(node.id, e);
  }

  push(stmt: Stmt): void {
    this.blocks[this.blocks.length - 1]!.push(stmt);
  }

  /** Runs fn in a nested block and scope; returns the statements it produced. */
  scoped(fn: () => void): Stmt[] {
    this.blocks.push([]);
    this.memos.push(new Map());
    try {
      fn();
      return this.blocks[this.blocks.length - 1]!;
    } finally {
      this.blocks.pop();
      this.memos.pop();
    }
  }

  /** The statements emitted at the top level so far. */
  get statements(): Stmt[] {
    return this.blocks[0]!;
  }

  private lookup(key: string): Expr | undefined {
    for (let i = this.memos.length - 1; i >= 0; i--) {
      const v = this.memos[i]!.get(key);
      if (v) return v;
    }
    return undefined;
  }

  /** Binds a non-trivial expression to a `let`, so each value is computed once per scope. */
  private bind(key: string, e: Expr): Expr {
    let out = e;
    if (e.k !== 'lit' && e.k !== 'var' && e.k !== 'special') {
      const name = this.fresh();
      this.push({ k: 'decl', name, t: e.t, init: e, mutable: false });
      out = vr(name, e.t);
    }
    this.memos[this.memos.length - 1]!.set(key, out);
    return out;
  }

  private load(node: Node, slot: Slot, index: Expr): Expr {
    return { k: 'load', buf: slot.buf, index: add(lit(slot.offset), index), t: scalarOf(node) };
  }

  /** The value of `node` at flat (row-major) index f. */
  flat(node: Node, f: Expr): Expr {
    const fixed = this.fixed.get(node.id);
    if (fixed) return fixed;
    const key = `${node.id}@f${exprKey(f)}`;
    const known = this.lookup(key);
    if (known) return known;
    const slot = this.slots.get(node.id);
    if (slot) return this.bind(key, this.load(node, slot, f));
    const kind = OP_KIND[node.op];
    if (kind === 'unary' || kind === 'binary' || kind === 'ternary' || kind === 'cast' || node.op === 'reshape' || node.op === 'full' || node.op === 'rand') {
      return this.bind(key, this.compute(node, (x) => this.flat(x, f), f));
    }
    return this.at(node, unravel(f, node.shape));
  }

  /** The value of `node` at multi-index idx. */
  at(node: Node, idx: readonly Expr[]): Expr {
    const fixed = this.fixed.get(node.id);
    if (fixed) return fixed;
    const key = `${node.id}@${idx.map(exprKey).join(',')}`;
    const known = this.lookup(key);
    if (known) return known;
    const slot = this.slots.get(node.id);
    if (slot) {
      const strides = contiguousStrides(node.shape);
      return this.bind(key, this.load(node, slot, idx.reduce((acc, e, i) => add(acc, mul(e, lit(strides[i]!))), lit(0) as Expr)));
    }
    return this.bind(key, this.computeAt(node, idx));
  }

  /** Elementwise ops, full and rand, given how to read an operand at the same position. */
  private compute(node: Node, operand: (x: Node) => Expr, flatIdx: Expr | undefined): Expr {
    const t = node.op === 'constant' || node.op === 'input' ? 'f32' : scalarOf(node);
    switch (OP_KIND[node.op]) {
      case 'unary':
        return { k: 'unary', op: node.op as never, a: operand(node.inputs[0]!), t };
      case 'binary':
        return { k: 'binary', op: node.op as never, a: operand(node.inputs[0]!), b: operand(node.inputs[1]!), t };
      case 'ternary': {
        const c = operand(node.inputs[0]!);
        const zero = c.t === 'f32' ? f32(0) : lit(0, c.t);
        return select(cmp('!=', c, zero), operand(node.inputs[1]!), operand(node.inputs[2]!));
      }
      case 'cast':
        return cast(operand(node.inputs[0]!), t);
      default:
        break;
    }
    if (node.op === 'reshape') return operand(node.inputs[0]!);
    if (node.op === 'full') return lit(node.params.value, t);
    if (node.op === 'rand') return { k: 'rand', dist: node.params.dist, key: node.params.key, index: flatIdx ?? lit(0), t: 'f32' };
    throw new BackendError(`emit: ${node.op} is not elementwise`);
  }

  private computeAt(node: Node, idx: readonly Expr[]): Expr {
    const kind = OP_KIND[node.op];
    if (kind === 'unary' || kind === 'binary' || kind === 'ternary' || kind === 'cast') {
      return this.compute(node, (x) => this.at(x, idx), undefined);
    }
    switch (node.op) {
      case 'full':
        return lit(node.params.value, scalarOf(node));
      case 'rand':
      case 'reshape':
        return this.flat(node, ravel(idx, node.shape));
      case 'constant':
        if (node.params.data.length === 1) return lit(Number(node.params.data[0]), scalarOf(node));
        break;
      case 'permute': {
        const inIdx: Expr[] = new Array(idx.length);
        node.params.perm.forEach((p, i) => (inIdx[p] = idx[i]!));
        return this.at(node.inputs[0]!, inIdx);
      }
      case 'expand': {
        const inShape = node.inputs[0]!.shape;
        return this.at(node.inputs[0]!, idx.map((e, i) => (inShape[i] === 1 ? lit(0) : e)));
      }
      case 'slice':
        return this.at(node.inputs[0]!, idx.map((e, i) => add(e, lit(node.params.starts[i]!))));
      case 'pad':
        return this.pad(node, idx);
      case 'concat':
        return this.concat(node, idx);
      case 'take':
        return emitTake(this, node, idx);
      case 'gather':
        return emitGather(this, node, idx);
      case 'scatter_add':
        return emitScatterAdd(this, node, idx);
      case 'one_hot': {
        const ids = cast(this.at(node.inputs[0]!, idx.slice(0, -1)), 'i32');
        const t = scalarOf(node);
        const one = t === 'f32' ? f32(1) : lit(1, t), zero = t === 'f32' ? f32(0) : lit(0, t);
        return select(cmp('==', ids, idx[idx.length - 1]!), one, zero);
      }
      case 'max_pool':
      case 'avg_pool':
        return this.pool(node, idx);
      default:
        break;
    }
    throw new BackendError(`emit: ${node.op} node ${node.dtype}${fmtShape(node.shape)} cannot be computed inline; the fusion pass should have materialized it`);
  }

  private pad(node: NodeOf<'pad'>, idx: readonly Expr[]): Expr {
    const x = node.inputs[0]!;
    let inside: Expr = TRUE;
    const inIdx = idx.map((e, i) => {
      const [lo, hi] = node.params.pads[i]!;
      if (lo === 0 && hi === 0) return e;
      const shifted = sub(e, lit(lo));
      inside = and(inside, and(cmp('>=', shifted, lit(0)), cmp('<', shifted, lit(x.shape[i]!))));
      return clampIdx(shifted, x.shape[i]!);
    });
    const v = this.at(x, inIdx);
    return select(inside, v, v.t === 'f32' ? f32(0) : lit(0, v.t));
  }

  private concat(node: NodeOf<'concat'>, idx: readonly Expr[]): Expr {
    const a = node.params.axis;
    let start = 0;
    const parts = node.inputs.map((x) => {
      const len = x.shape[a]!;
      const local = idx.map((e, i) => (i === a ? clampIdx(sub(e, lit(start)), len) : e));
      const part = { v: this.at(x, local), end: start + len };
      start += len;
      return part;
    });
    let out = parts[parts.length - 1]!.v;
    for (let i = parts.length - 2; i >= 0; i--) out = select(cmp('<', idx[a]!, lit(parts[i]!.end)), parts[i]!.v, out);
    return out;
  }

  /**
   * An index read from a tensor (take, gather, scatter_add), checked when the kernel checks indices: a
   * kernel cannot throw, so an index outside [0, site.bound) sets its site's flag and the offending
   * index (the runtime raises an IndexError after the run). Returns the index as an i32 expression;
   * callers clamp it before reading with it.
   */
  checkedIndex(node: Node, raw: Expr, site: PlanFaultSite): Expr {
    if (!this.checks) return raw;
    let word = this.sites.get(node.id);
    if (word === undefined) this.sites.set(node.id, (word = this.checks.add(site)));
    let i = raw;
    if (raw.k !== 'var' && raw.k !== 'lit') {
      const name = this.fresh('ix');
      this.push({ k: 'decl', name, t: 'i32', init: raw, mutable: false });
      i = vr(name, 'i32');
    }
    const bad: Expr = { k: 'logic', op: '||', a: cmp('<', i, lit(0)), b: cmp('>=', i, lit(site.bound)), t: 'bool' };
    this.push({ k: 'if', c: bad, then: [
      { k: 'store', buf: this.checks.buf, index: lit(word), e: lit(1) },
      { k: 'store', buf: this.checks.buf, index: lit(word + 1), e: i },
    ] });
    return i;
  }

  private pool(node: NodeOf<'max_pool'> | NodeOf<'avg_pool'>, idx: readonly Expr[]): Expr {
    const x = node.inputs[0]!;
    const p = node.params;
    const s = p.kernel.length;
    const lead = idx.slice(0, idx.length - s);
    const inSp = x.shape.slice(x.shape.length - s);
    const isMax = node.op === 'max_pool';
    const acc = this.fresh('acc');
    const count = this.fresh('cnt');
    this.push({ k: 'decl', name: acc, t: 'f32', init: f32(isMax ? -Infinity : 0), mutable: true });
    if (!isMax) this.push({ k: 'decl', name: count, t: 'f32', init: f32(0), mutable: true });
    const vars = p.kernel.map(() => this.fresh('kk'));
    const inner = this.scoped(() => {
      const { pos, inside } = windowPositions(idx.slice(lead.length), vars.map((v) => vr(v)), p, inSp);
      const body = this.scoped(() => {
        const v = this.at(x, [...lead, ...pos]);
        if (isMax) {
          // NaN wins, as in torch.
          this.push({ k: 'if', c: { k: 'logic', op: '||', a: cmp('>', v, vr(acc, 'f32')), b: cmp('!=', v, v), t: 'bool' }, then: [{ k: 'assign', name: acc, e: v }] });
        } else {
          this.push({ k: 'assign', name: acc, e: { k: 'binary', op: 'add', a: vr(acc, 'f32'), b: v, t: 'f32' } });
          this.push({ k: 'assign', name: count, e: { k: 'binary', op: 'add', a: vr(count, 'f32'), b: f32(1), t: 'f32' } });
        }
      });
      this.push({ k: 'if', c: inside, then: body });
    });
    // Nest one loop per kernel axis around the body.
    let loop: Stmt[] = inner;
    for (let a = s - 1; a >= 0; a--) loop = [{ k: 'for', v: vars[a]!, start: lit(0), end: lit(p.kernel[a]!), step: lit(1), body: loop }];
    for (const st of loop) this.push(st);
    if (isMax) return vr(acc, 'f32');
    if (node.op === 'avg_pool' && node.params.countIncludePad) {
      // Divisor: taps inside the padded input (torch's count_include_pad), known from the output position.
      let divisor: Expr = lit(1);
      for (let a = 0; a < s; a++) {
        const start = sub(mul(idx[lead.length + a]!, lit(p.stride[a]!)), lit(p.padding[a]!));
        const end = arith('min', add(start, lit(p.kernel[a]!)), lit(inSp[a]! + p.padding[a]!));
        divisor = mul(divisor, sub(end, start));
      }
      return { k: 'binary', op: 'div', a: vr(acc, 'f32'), b: cast(divisor, 'f32'), t: 'f32' };
    }
    return { k: 'binary', op: 'div', a: vr(acc, 'f32'), b: vr(count, 'f32'), t: 'f32' };
  }
}
