// The batched ONNX graph of an ensemble of tutorial MLPs: stacked, transposed weights as initializers.

import type { Tensor } from '../../index.js';
import { encodeOnnxModel, type OnnxNode, type OnnxTensor } from './proto.js';

/** [M, out, in] (nn.Linear's layout, stacked) -> [M, in, out], so that x @ W is a batched MatMul. */
function transposeStacked(w: Tensor): Float32Array {
  const [M, O, I] = w.shape as [number, number, number];
  const src = w.data as Float32Array;
  const dst = new Float32Array(M * I * O);
  for (let m = 0; m < M; m++) for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) dst[(m * I + i) * O + o] = src[(m * O + o) * I + i]!;
  return dst;
}

/**
 * y[m] = fc3(relu(fc2(relu(fc1(x))))) for every member m as one graph: MatMul broadcasts the shared
 * x [B, 784] against [M, 784, 128], so the whole ensemble is three batched MatMuls.
 */
export function mlpEnsembleOnnx(params: Record<string, Tensor>, batch: number, layers = ['fc1', 'fc2', 'fc3']): Uint8Array {
  const inits: OnnxTensor[] = [];
  const nodes: OnnxNode[] = [];
  let cur = 'x';
  let M = 0, outDim = 0;
  layers.forEach((name, l) => {
    const w = params[`${name}.weight`]!, b = params[`${name}.bias`]!;
    const [m, o, i] = w.shape as [number, number, number];
    M = m;
    outDim = o;
    inits.push({ name: `${name}_wt`, dims: [m, i, o], data: transposeStacked(w) }, { name: `${name}_b`, dims: [m, 1, o], data: new Float32Array(b.data as Float32Array) });
    const last = l === layers.length - 1;
    nodes.push({ op: 'MatMul', inputs: [cur, `${name}_wt`], outputs: [`${name}_mm`] });
    nodes.push({ op: 'Add', inputs: [`${name}_mm`, `${name}_b`], outputs: [last ? 'y' : `${name}_pre`] });
    if (!last) nodes.push({ op: 'Relu', inputs: [`${name}_pre`], outputs: [`${name}_out`] });
    cur = `${name}_out`;
  });
  const inDim = params[`${layers[0]}.weight`]!.shape[2]!;
  return encodeOnnxModel({ name: 'mlp_ensemble', nodes, initializers: inits, inputs: [{ name: 'x', dims: [batch, inDim] }], outputs: [{ name: 'y', dims: [M, batch, outDim] }] });
}
