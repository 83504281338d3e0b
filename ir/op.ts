// The op set of the IR: string values grouped by kind. Every rule table is keyed by these.

export const LEAF_OPS = ['input', 'constant', 'full', 'rand'] as const;
export const UNARY_OPS = [
  'neg', 'abs', 'sign', 'exp', 'log', 'sqrt', 'rsqrt', 'recip', 'sin', 'cos',
  'tanh', 'erf', 'sigmoid', 'relu', 'gelu', 'gelu_tanh', 'silu',
  'floor', 'ceil', 'round', 'log1p', 'expm1',
] as const;
export const BINARY_OPS = [
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum',
  'cmp_lt', 'cmp_le', 'cmp_gt', 'cmp_ge', 'cmp_eq', 'cmp_ne',
] as const;
export const TERNARY_OPS = ['where'] as const;
export const CAST_OPS = ['cast'] as const;
export const REDUCE_OPS = ['sum', 'max', 'argmax', 'prod', 'min', 'argmin'] as const;
/** Scans: every output element combines the operand's elements up to it along one axis. */
export const SCAN_OPS = ['cumsum'] as const;
export const CONTRACT_OPS = ['matmul', 'conv'] as const;
export const WINDOW_OPS = ['max_pool', 'avg_pool'] as const;
export const MOVEMENT_OPS = ['reshape', 'permute', 'expand', 'slice', 'pad', 'concat'] as const;
export const INDEX_OPS = ['take', 'one_hot', 'gather'] as const;
/** Scatters: operand elements are added at positions an index tensor names (the transpose of a gather). */
export const SCATTER_OPS = ['scatter_add'] as const;

export type LeafOp = (typeof LEAF_OPS)[number];
export type UnaryOp = (typeof UNARY_OPS)[number];
export type BinaryOp = (typeof BINARY_OPS)[number];
export type TernaryOp = (typeof TERNARY_OPS)[number];
export type ReduceOp = (typeof REDUCE_OPS)[number];
export type ScanOp = (typeof SCAN_OPS)[number];
export type ContractOp = (typeof CONTRACT_OPS)[number];
export type WindowOp = (typeof WINDOW_OPS)[number];
export type MovementOp = (typeof MOVEMENT_OPS)[number];
export type IndexOp = (typeof INDEX_OPS)[number];
export type ScatterOp = (typeof SCATTER_OPS)[number];

export type Op =
  | LeafOp | UnaryOp | BinaryOp | TernaryOp | 'cast' | ReduceOp | ScanOp
  | ContractOp | WindowOp | MovementOp | IndexOp | ScatterOp;

export type OpKind =
  | 'leaf' | 'unary' | 'binary' | 'ternary' | 'cast' | 'reduce' | 'scan'
  | 'contract' | 'window' | 'movement' | 'index' | 'scatter';

function kindsOf<K extends OpKind, O extends Op>(kind: K, ops: readonly O[]): Record<O, K> {
  return Object.fromEntries(ops.map((o) => [o, kind])) as Record<O, K>;
}

/** The kind of every op. Passes that treat a whole kind alike (fusion, the generic batchers) read this. */
export const OP_KIND: { readonly [O in Op]: OpKind } = {
  ...kindsOf('leaf', LEAF_OPS),
  ...kindsOf('unary', UNARY_OPS),
  ...kindsOf('binary', BINARY_OPS),
  ...kindsOf('ternary', TERNARY_OPS),
  ...kindsOf('cast', CAST_OPS),
  ...kindsOf('reduce', REDUCE_OPS),
  ...kindsOf('scan', SCAN_OPS),
  ...kindsOf('contract', CONTRACT_OPS),
  ...kindsOf('window', WINDOW_OPS),
  ...kindsOf('movement', MOVEMENT_OPS),
  ...kindsOf('index', INDEX_OPS),
  ...kindsOf('scatter', SCATTER_OPS),
};

export const ALL_OPS = Object.keys(OP_KIND) as Op[];

export function isOp(s: string): s is Op {
  return Object.prototype.hasOwnProperty.call(OP_KIND, s);
}

/** Elementwise ops: the output element at an index depends only on the inputs at that same index. */
export function isElementwise(op: Op): boolean {
  const k = OP_KIND[op];
  return k === 'unary' || k === 'binary' || k === 'ternary' || k === 'cast';
}

/** Binary ops whose result is a 0/1 mask in the operands' dtype. */
export function isComparison(op: Op): boolean {
  return op.startsWith('cmp_');
}

/** Reductions that return the index (i32) of an extreme element instead of a value. */
export function isArgReduce(op: Op): op is 'argmax' | 'argmin' {
  return op === 'argmax' || op === 'argmin';
}
