// The IR's public surface.
export * from './dtype.js';
export * from './errors.js';
export * from './op.js';
export type { OpParams } from './params.js';
export * from './node.js';
export * from './shape.js';
export { INFER, inferNode } from './infer.js';
export { printGraph, fmtType, fmtNumber } from './print.js';
export { parseGraph } from './parse.js';
export { verifyGraph } from './verify.js';
