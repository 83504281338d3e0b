// The fusion pass on printed graphs: which kernels it forms, and what each reads.

import { describe, expect, it } from 'vitest';
import { parseGraph, topoSort } from '../../ir/index.js';
import { describeGroup, fuse } from '../../compiler/passes/fuse.js';
import { dedent } from '../helpers/ir.js';

function kernelsOf(text: string): string[] {
  const g = parseGraph(dedent(text));
  const order = topoSort(g);
  return fuse(g).groups.map((grp) => `${describeGroup(grp, order)} reads ${grp.reads.map((r) => (r.op === 'input' ? r.params.name : r.op)).join(',')}`);
}

describe('fuse', () => {
  it('a vmapped Linear + ReLU is one matmul kernel whose epilogue holds the bias and the activation', () => {
    expect(kernelsOf(`
      graph(%w: f32[5,4,3], %b: f32[5,4], %x: f32[64,3]) {
        %0: f32[1,64,3] = reshape(%x) {shape=[1,64,3]}
        %1: f32[5,64,3] = expand(%0) {shape=[5,64,3]}
        %2: f32[5,3,4] = permute(%w) {perm=[0,2,1]}
        %3: f32[5,64,4] = matmul(%1, %2)
        %4: f32[5,1,4] = reshape(%b) {shape=[5,1,4]}
        %5: f32[5,64,4] = expand(%4) {shape=[5,64,4]}
        %6: f32[5,64,4] = add(%3, %5)
        %7: f32[5,64,4] = relu(%6)
        return %7
      }`)).toEqual(['matmul(matmul+add+relu) -> f32[5,64,4] reads x,w,b']);
  });

  it('softmax is one row kernel; its input computation fuses in', () => {
    expect(kernelsOf(`
      graph(%x: f32[4,7]) {
        %0: f32[4,7] = mul(%x, %x)
        %1: f32[4,1] = max(%0) {axes=[1]}
        %2: f32[4,7] = expand(%1) {shape=[4,7]}
        %3: f32[4,7] = sub(%0, %2)
        %4: f32[4,7] = exp(%3)
        %5: f32[4,1] = sum(%4) {axes=[1]}
        %6: f32[4,7] = expand(%5) {shape=[4,7]}
        %7: f32[4,7] = div(%4, %6)
        return %7
      }`)).toEqual(['row(mul+max+sub+exp+sum+div) -> f32[4,7] reads x']);
  });

  it('a value used by two kernels is materialized once', () => {
    expect(kernelsOf(`
      graph(%x: f32[4,8], %w: f32[8,8]) {
        %0: f32[4,8] = tanh(%x)
        %1: f32[4,8] = matmul(%0, %w)
        %2: f32[4,8] = add(%1, %0)
        return %2
      }`)).toEqual(['pointwise(tanh) -> f32[4,8] reads x', 'matmul(matmul+add) -> f32[4,8] reads tanh,w']);
  });

  it('a reduction over other axes than the kernel row starts its own kernel', () => {
    expect(kernelsOf(`
      graph(%x: f32[4,8]) {
        %0: f32[1,8] = sum(%x) {axes=[0]}
        %1: f32[4,8] = expand(%0) {shape=[4,8]}
        %2: f32[4,8] = sub(%x, %1)
        %3: f32[4,1] = sum(%2) {axes=[1]}
        return %3
      }`)).toEqual(['row(sum) -> f32[1,8] reads x', 'row(sub+sum) -> f32[4,1] reads x,sum']);
  });

  it('graph outputs are kernel results even when they are views or inputs', () => {
    expect(kernelsOf(`
      graph(%x: f32[2,3]) {
        %0: f32[3,2] = permute(%x) {perm=[1,0]}
        return %0, %x
      }`)).toEqual(['pointwise(input) -> f32[2,3] reads x', 'pointwise(permute) -> f32[3,2] reads x']);
  });
});

describe('fuse: shared values broadcast to members', () => {
  it('a layer norm of an unmapped input is computed once in one row kernel, then the per-member affine reads it', () => {
    expect(kernelsOf(`
      graph(%w: f32[5,32], %x: f32[8,32]) {
        %0: f32[8,1] = sum(%x) {axes=[1]}
        %1: f32[8,1] = full() {value=32}
        %2: f32[8,1] = div(%0, %1)
        %3: f32[8,32] = expand(%2) {shape=[8,32]}
        %4: f32[8,32] = sub(%x, %3)
        %5: f32[8,32] = mul(%4, %4)
        %6: f32[8,1] = sum(%5) {axes=[1]}
        %7: f32[8,1] = div(%6, %1)
        %8: f32[8,1] = rsqrt(%7)
        %9: f32[8,32] = expand(%8) {shape=[8,32]}
        %10: f32[8,32] = mul(%4, %9)
        %11: f32[1,8,32] = reshape(%10) {shape=[1,8,32]}
        %12: f32[5,8,32] = expand(%11) {shape=[5,8,32]}
        %13: f32[5,1,32] = reshape(%w) {shape=[5,1,32]}
        %14: f32[5,8,32] = expand(%13) {shape=[5,8,32]}
        %15: f32[5,8,32] = mul(%12, %14)
        return %15
      }`)).toEqual(['row(sum+div+sub+mul+sum+div+rsqrt+mul) -> f32[8,32] reads x', 'pointwise(mul) -> f32[5,8,32] reads mul,w']);
  });
});

describe('fuse: scans, gathers and scatters', () => {
  it('a cumsum is a scan kernel with its elementwise producers inside; its consumers read it back', () => {
    expect(kernelsOf(`
      graph(%x: f32[4,8]) {
        %0: f32[4,8] = exp(%x)
        %1: f32[4,8] = cumsum(%0) {axis=1, reverse=false}
        %2: f32[4,8] = mul(%1, %x)
        return %2
      }`)).toEqual(['scan(exp+cumsum) -> f32[4,8] reads x', 'pointwise(mul) -> f32[4,8] reads cumsum,x']);
  });

  it('a scan takes no reduction in: the sum is a row kernel of its own, the division joins the scan', () => {
    expect(kernelsOf(`
      graph(%x: f32[4,8]) {
        %0: f32[4,1] = sum(%x) {axes=[1]}
        %1: f32[4,8] = expand(%0) {shape=[4,8]}
        %2: f32[4,8] = div(%x, %1)
        %3: f32[4,8] = cumsum(%2) {axis=1, reverse=true}
        return %3
      }`)).toEqual(['row(sum) -> f32[4,1] reads x', 'scan(div+cumsum) -> f32[4,8] reads x,sum']);
  });

  it('a gather of an input is free (inlined into its reader); a scatter_add is computed inline where it is read', () => {
    expect(kernelsOf(`
      graph(%x: f32[4,8], %i: i32[4,2], %s: f32[4,2]) {
        %0: f32[4,2] = gather(%x, %i) {axis=1}
        %1: f32[4,2] = mul(%0, %s)
        %2: f32[4,8] = scatter_add(%x, %i, %1) {axis=1}
        %3: f32[4,8] = relu(%2)
        %4: f32[4,1] = prod(%3) {axes=[1]}
        return %4
      }`)).toEqual(['row(mul+scatter_add+relu+prod) -> f32[4,1] reads x,i,s']);
  });
});
