// Elementwise math as functions, as torch.* spells them (torch.maximum(a, b), torch.exp(x)); the Tensor methods do the same.

import * as ops from './ops.js';
import type { Tensor } from './tensor.js';

type TensorLike = ops.TensorLike;

/** a + b, broadcast (torch.add). */
export const add = (a: TensorLike, b: TensorLike): Tensor => ops.binary('add', a, b);
/** a - b, broadcast (torch.sub). */
export const sub = (a: TensorLike, b: TensorLike): Tensor => ops.binary('sub', a, b);
/** a * b, broadcast (torch.mul). */
export const mul = (a: TensorLike, b: TensorLike): Tensor => ops.binary('mul', a, b);
/** a / b, broadcast; true division for floats (torch.div); integer tensors need a cast to float first. */
export const div = (a: TensorLike, b: TensorLike): Tensor => ops.binary('div', a, b);
/** a ** b, broadcast (torch.pow). */
export const pow = (a: TensorLike, b: TensorLike): Tensor => ops.binary('pow', a, b);
/** The larger of a and b per element; NaN if either is NaN (torch.maximum). */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => ops.binary('maximum', a, b);
/** The smaller of a and b per element; NaN if either is NaN (torch.minimum). */
export const minimum = (a: TensorLike, b: TensorLike): Tensor => ops.binary('minimum', a, b);

/** x limited to [min, max]; either bound may be left out (torch.clamp). */
export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  return x.clamp(min, max);
}

/** a < b per element, as a 0/1 tensor of the operands' dtype (vmapc has no bool dtype). */
export const lt = (a: TensorLike, b: TensorLike): Tensor => ops.binary('cmp_lt', a, b);
/** a <= b per element, as a 0/1 tensor of the operands' dtype. */
export const le = (a: TensorLike, b: TensorLike): Tensor => ops.binary('cmp_le', a, b);
/** a > b per element, as a 0/1 tensor of the operands' dtype. */
export const gt = (a: TensorLike, b: TensorLike): Tensor => ops.binary('cmp_gt', a, b);
/** a >= b per element, as a 0/1 tensor of the operands' dtype. */
export const ge = (a: TensorLike, b: TensorLike): Tensor => ops.binary('cmp_ge', a, b);
/** a == b per element, as a 0/1 tensor of the operands' dtype. */
export const eq = (a: TensorLike, b: TensorLike): Tensor => ops.binary('cmp_eq', a, b);
/** a != b per element, as a 0/1 tensor of the operands' dtype. */
export const ne = (a: TensorLike, b: TensorLike): Tensor => ops.binary('cmp_ne', a, b);

/** -x (torch.neg). */
export const neg = (x: Tensor): Tensor => x.neg();
/** |x| (torch.abs). */
export const abs = (x: Tensor): Tensor => x.abs();
/** -1, 0 or 1 by the sign of x (torch.sign). */
export const sign = (x: Tensor): Tensor => x.sign();
/** e^x (torch.exp). */
export const exp = (x: Tensor): Tensor => x.exp();
/** The natural logarithm (torch.log). */
export const log = (x: Tensor): Tensor => x.log();
/** The square root (torch.sqrt). */
export const sqrt = (x: Tensor): Tensor => x.sqrt();
/** 1 / sqrt(x) (torch.rsqrt). */
export const rsqrt = (x: Tensor): Tensor => x.rsqrt();
/** 1 / x (torch.reciprocal). */
export const reciprocal = (x: Tensor): Tensor => x.reciprocal();
/** The sine (torch.sin). */
export const sin = (x: Tensor): Tensor => x.sin();
/** The cosine (torch.cos). */
export const cos = (x: Tensor): Tensor => x.cos();
/** The hyperbolic tangent (torch.tanh). */
export const tanh = (x: Tensor): Tensor => x.tanh();
/** The error function (torch.erf). */
export const erf = (x: Tensor): Tensor => x.erf();
/** 1 / (1 + e^-x) (torch.sigmoid). */
export const sigmoid = (x: Tensor): Tensor => x.sigmoid();
/** max(x, 0) (torch.relu). */
export const relu = (x: Tensor): Tensor => x.relu();
