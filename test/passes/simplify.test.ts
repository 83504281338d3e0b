// Before/Expected printed IR for the simplify pass (movement folding, identities, CSE).

import { describe, expect, it } from 'vitest';
import { parseGraph, printGraph, verifyGraph } from '../../ir/index.js';
import { simplify } from '../../compiler/passes/simplify.js';
import { dedent } from '../helpers/ir.js';

function expectSimplified(before: string, expected: string): void {
  const out = verifyGraph(simplify(parseGraph(dedent(before))), 'simplify');
  expect(printGraph(out)).toBe(dedent(expected));
}

describe('simplify', () => {
  it('folds reshape chains and drops identity movement', () => {
    expectSimplified(`
      graph(%x: f32[2,3,4]) {
        %0: f32[6,4] = reshape(%x) {shape=[6,4]}
        %1: f32[24] = reshape(%0) {shape=[24]}
        %2: f32[24] = reshape(%1) {shape=[24]}
        %3: f32[24] = expand(%2) {shape=[24]}
        return %3
      }`, `
      graph(%x: f32[2,3,4]) {
        %0: f32[24] = reshape(%x) {shape=[24]}
        return %0
      }`);
  });

  it('composes permutes, and a permute pair that cancels disappears', () => {
    expectSimplified(`
      graph(%x: f32[2,3,4]) {
        %0: f32[3,4,2] = permute(%x) {perm=[1,2,0]}
        %1: f32[2,3,4] = permute(%0) {perm=[2,0,1]}
        %2: f32[4,2,3] = permute(%1) {perm=[2,0,1]}
        return %2
      }`, `
      graph(%x: f32[2,3,4]) {
        %0: f32[4,2,3] = permute(%x) {perm=[2,0,1]}
        return %0
      }`);
  });

  it('folds movement and casts of a constant fill into the fill', () => {
    expectSimplified(`
      graph(%x: f32[4,3]) {
        %0: f32[1,3] = full() {value=2}
        %1: f32[4,3] = expand(%0) {shape=[4,3]}
        %2: i32[4,3] = cast(%1) {to="i32"}
        %3: f32[4,3] = cast(%2) {to="f32"}
        %4: f32[4,3] = mul(%x, %3)
        return %4
      }`, `
      graph(%x: f32[4,3]) {
        %0: f32[4,3] = full() {value=2}
        %1: f32[4,3] = mul(%x, %0)
        return %1
      }`);
  });

  it('merges common subexpressions but never two random draws', () => {
    expectSimplified(`
      graph(%x: f32[3]) {
        %0: f32[3] = exp(%x)
        %1: f32[3] = exp(%x)
        %2: f32[3] = add(%0, %1)
        %3: f32[3] = rand() {key=0, dist="uniform"}
        %4: f32[3] = rand() {key=1, dist="uniform"}
        %5: f32[3] = add(%3, %4)
        %6: f32[3] = add(%2, %5)
        return %6
      }`, `
      graph(%x: f32[3]) {
        %0: f32[3] = exp(%x)
        %1: f32[3] = add(%0, %0)
        %2: f32[3] = rand() {key=0, dist="uniform"}
        %3: f32[3] = rand() {key=1, dist="uniform"}
        %4: f32[3] = add(%2, %3)
        %5: f32[3] = add(%1, %4)
        return %5
      }`);
  });
});
