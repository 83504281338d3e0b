// Builds every CUDA test case's plan once per matmul mode (shared by the nvcc and the host-emulator tests): layers, torch-reference models, training steps, the op-coverage cases.

import type { CudaMatmul } from '../../compiler/targets/cuda.js';
import { TRAIN_CASES } from '../helpers/backend-cases.js';
import { OP_COVERAGE } from '../helpers/op-coverage-cases.js';
import { buildCase, LAYER_CASES, REFERENCE_NAMES, referenceCase, type BuiltCase } from './cases.js';

export const MODES: readonly CudaMatmul[] = ['exact', 'tf32'];

export async function allCases(mode: CudaMatmul): Promise<BuiltCase[]> {
  const out: BuiltCase[] = [];
  for (const make of LAYER_CASES) out.push(await buildCase(make(), mode));
  for (const name of REFERENCE_NAMES) out.push(await buildCase(referenceCase(name), mode));
  for (const make of TRAIN_CASES) out.push(await buildCase(make(), mode));
  for (const { make } of OP_COVERAGE) out.push(await buildCase(make(), mode));
  return out;
}
