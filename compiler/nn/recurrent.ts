// nn.LSTM and nn.GRU, unrolled over the sequence: PyTorch's parameter names, gate order, num_layers, bidirectional, batch_first.

import { fmtShape, shapesEqual } from '../../ir/shape.js';
import { argError, checkInt } from '../trace/arg-error.js';
import * as ops from '../trace/ops.js';
import { Tensor } from '../trace/tensor.js';
import { dropout } from './functional.js';
import { uniform } from './init.js';
import { Module, Parameter } from './module.js';

/** Constructor options of nn.LSTM and nn.GRU (torch's keyword arguments and defaults). */
export interface RecurrentOptions {
  /** Stacked layers, each reading the previous one's output (default 1). */
  numLayers?: number;
  /** bias_ih and bias_hh parameters (default true). */
  bias?: boolean;
  /** Input and output are [N, L, H] instead of [L, N, H] (default false; states stay [D*layers, N, H]). */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training mode. */
  dropout?: number;
  /** A second direction per layer, run from the last step back (default false). */
  bidirectional?: boolean;
}

interface Cell {
  wIh: Tensor;
  wHh: Tensor;
  bIh?: Tensor;
  bHh?: Tensor;
}

/** One step: the input projection of this step (with b_ih) and the state in, the state out (h first). */
type Step = (xProj: Tensor, state: Tensor[], cell: Cell) => Tensor[];

const linearT = (x: Tensor, w: Tensor, b?: Tensor): Tensor => {
  const y = ops.matmul(x, ops.transpose(w, 0, 1));
  return b ? y.add(b) : y;
};

/** i, f, g, o gates; c' = f c + i g; h' = o tanh(c'). */
const lstmStep: Step = (xp, [h, c], cell) => {
  const [i, f, g, o] = xp.add(linearT(h!, cell.wHh, cell.bHh)).chunk(4, -1) as [Tensor, Tensor, Tensor, Tensor];
  const c2 = f.sigmoid().mul(c!).add(i.sigmoid().mul(g.tanh()));
  return [o.sigmoid().mul(c2.tanh()), c2];
};

/** r, z, n gates; n = tanh(x_n + r (W_hn h + b_hn)); h' = (1 - z) n + z h. */
const gruStep: Step = (xp, [h], cell) => {
  const [xr, xz, xn] = xp.chunk(3, -1) as [Tensor, Tensor, Tensor];
  const [hr, hz, hn] = linearT(h!, cell.wHh, cell.bHh).chunk(3, -1) as [Tensor, Tensor, Tensor];
  const r = xr.add(hr).sigmoid(), z = xz.add(hz).sigmoid();
  const n = xn.add(r.mul(hn)).tanh();
  return [n.sub(z.mul(n)).add(z.mul(h!))];
};

/** LSTM and GRU: parameters, initial states and the unrolled layers; the cell step differs. */
abstract class RecurrentBase extends Module {
  /** Stacked layers. */
  readonly numLayers: number;
  /** 2 when bidirectional, else 1. */
  readonly numDirections: number;
  /**
   * @param kind Which cell.
   * @param inputSize Features of the input.
   * @param hiddenSize Features of the hidden state.
   * @param options numLayers, bias, batchFirst, dropout, bidirectional.
   */
  constructor(readonly kind: 'LSTM' | 'GRU', readonly inputSize: number, readonly hiddenSize: number, readonly options: RecurrentOptions) {
    super();
    checkInt(inputSize, 1, `${kind}: input_size`);
    checkInt(hiddenSize, 1, `${kind}: hidden_size`);
    this.numLayers = checkInt(options.numLayers ?? 1, 1, `${kind}: num_layers`);
    const p = options.dropout ?? 0;
    if (!(p >= 0 && p <= 1)) throw argError(`${kind}: dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got ${p}`);
    this.numDirections = options.bidirectional ? 2 : 1;
    const gates = (kind === 'LSTM' ? 4 : 3) * hiddenSize;
    const k = 1 / Math.sqrt(hiddenSize);
    // torch's order: per layer, per direction: weight_ih, weight_hh, bias_ih, bias_hh.
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < this.numDirections; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const inF = l === 0 ? inputSize : hiddenSize * this.numDirections;
        this.registerParameter(`weight_ih${sfx}`, uniform([gates, inF], -k, k));
        this.registerParameter(`weight_hh${sfx}`, uniform([gates, hiddenSize], -k, k));
        if (options.bias ?? true) {
          this.registerParameter(`bias_ih${sfx}`, uniform([gates], -k, k));
          this.registerParameter(`bias_hh${sfx}`, uniform([gates], -k, k));
        }
      }
    }
  }

  private cell(l: number, d: number): Cell {
    const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
    const get = (n: string): Tensor | undefined => this.get(`${n}${sfx}`) as Tensor | undefined;
    return { wIh: get('weight_ih')!, wHh: get('weight_hh')!, ...(get('bias_ih') ? { bIh: get('bias_ih')!, bHh: get('bias_hh')! } : {}) };
  }

  /** Checks an initial state [D*num_layers, N, H] and splits it per layer and direction. */
  private initial(t: Tensor | undefined, n: number, name: string, dtype: Tensor['dtype']): Tensor[] {
    const ld = this.numLayers * this.numDirections;
    if (!t) return Array.from({ length: ld }, () => ops.full([n, this.hiddenSize], 0, dtype));
    const want = [ld, n, this.hiddenSize];
    if (!shapesEqual(t.shape, want)) throw argError(`${this.kind}: Expected ${name} size ${fmtShape(want)}, got ${fmtShape(t.shape)}`);
    return Array.from({ length: ld }, (_, i) => ops.select(t, 0, i));
  }

  /** @internal Runs every layer and direction; x is time-major [L, N, Hin]; states are [layers*dirs][nState] of [N, H]. */
  protected run(x: Tensor, init: Tensor[][], step: Step): [out: Tensor, finals: Tensor[][]] {
    const steps = x.shape[0]!;
    const finals: Tensor[][] = [];
    let layerIn = x;
    for (let l = 0; l < this.numLayers; l++) {
      const dirOuts: Tensor[] = [];
      for (let d = 0; d < this.numDirections; d++) {
        const cell = this.cell(l, d);
        // All steps' input projections in one matmul: [L, N, G*H].
        const xProj = linearT(layerIn, cell.wIh, cell.bIh);
        let state = init[l * this.numDirections + d]!;
        const hs: Tensor[] = Array<Tensor>(steps);
        for (let s = 0; s < steps; s++) {
          const t = d === 0 ? s : steps - 1 - s;
          state = step(ops.select(xProj, 0, t), state, cell);
          hs[t] = state[0]!;
        }
        finals.push(state);
        dirOuts.push(ops.stack(hs, 0));
      }
      layerIn = dirOuts.length === 1 ? dirOuts[0]! : ops.cat(dirOuts, -1);
      const p = this.options.dropout ?? 0;
      if (this.training && p > 0 && l < this.numLayers - 1) layerIn = dropout(layerIn, p, true);
    }
    return [layerIn, finals];
  }

  /** Input to time-major [L, N, Hin], with the checks torch makes; unbatched [L, Hin] gets N = 1. */
  protected prepare(input: Tensor): [x: Tensor, unbatched: boolean] {
    if (input.ndim !== 2 && input.ndim !== 3) throw argError(`${this.kind}: Expected input to be 2D or 3D, got ${input.ndim}D tensor ${fmtShape(input.shape)}`);
    if (input.shape[input.ndim - 1] !== this.inputSize) {
      throw argError(`${this.kind}: input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${input.shape[input.ndim - 1]} (input ${fmtShape(input.shape)})`);
    }
    const unbatched = input.ndim === 2;
    const x = unbatched ? ops.unsqueeze(input, 1) : this.options.batchFirst ? ops.transpose(input, 0, 1) : input;
    return [x, unbatched];
  }

  /** Output back to the caller's layout. */
  protected finish(out: Tensor, unbatched: boolean): Tensor {
    return unbatched ? ops.squeeze(out, 1) : this.options.batchFirst ? ops.transpose(out, 0, 1) : out;
  }

  /** The initial states of every layer and direction from a caller's [D*num_layers, N, H] tensor (zeros if none). */
  protected states(t: Tensor | undefined, unbatched: boolean, n: number, name: string, dtype: Tensor['dtype']): Tensor[] {
    if (t && unbatched) {
      if (t.ndim !== 2) throw argError(`${this.kind}: For unbatched 2-D input, ${name} should also be 2-D but got ${t.ndim}-D tensor ${fmtShape(t.shape)}`);
      t = ops.unsqueeze(t, 1);
    }
    return this.initial(t, n, name, dtype);
  }

  /** The final states (entry k of each layer and direction's state) stacked as [D*num_layers, N, H]. */
  protected stackFinal(finals: Tensor[][], k: number, unbatched: boolean): Tensor {
    const s = ops.stack(finals.map((f) => f[k]!), 0);
    return unbatched ? ops.squeeze(s, 1) : s;
  }
}

/** torch.nn.LSTM, unrolled over the sequence; parameters weight_ih_l{k}[_reverse], weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}, gates i, f, g, o. */
export class LSTM extends RecurrentBase {
  /**
   * @param inputSize Features of the input.
   * @param hiddenSize Features of h and c.
   * @param options numLayers, bias, batchFirst, dropout, bidirectional.
   */
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) { super('LSTM', inputSize, hiddenSize, options); }

  /** input [L, N, Hin] ([N, L, Hin] with batchFirst, or [L, Hin]); hx [h0, c0] each [D*num_layers, N, H]. Returns [output, [h_n, c_n]]. */
  forward(input: Tensor, hx?: readonly [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
    const [x, unbatched] = this.prepare(input);
    const n = x.shape[1]!;
    const h0 = this.states(hx?.[0], unbatched, n, 'hidden', x.dtype);
    const c0 = this.states(hx?.[1], unbatched, n, 'cell', x.dtype);
    const [out, finals] = this.run(x, h0.map((h, i) => [h, c0[i]!]), lstmStep);
    return [this.finish(out, unbatched), [this.stackFinal(finals, 0, unbatched), this.stackFinal(finals, 1, unbatched)]];
  }
}

/** torch.nn.GRU, unrolled over the sequence; PyTorch's parameter names, gates r, z, n. */
export class GRU extends RecurrentBase {
  /**
   * @param inputSize Features of the input.
   * @param hiddenSize Features of h.
   * @param options numLayers, bias, batchFirst, dropout, bidirectional.
   */
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) { super('GRU', inputSize, hiddenSize, options); }

  /** input [L, N, Hin] ([N, L, Hin] with batchFirst, or [L, Hin]); hx [D*num_layers, N, H]. Returns [output, h_n]. */
  forward(input: Tensor, hx?: Tensor): [Tensor, Tensor] {
    const [x, unbatched] = this.prepare(input);
    const h0 = this.states(hx, unbatched, x.shape[1]!, 'hidden', x.dtype);
    const [out, finals] = this.run(x, h0.map((h) => [h]), gruStep);
    return [this.finish(out, unbatched), this.stackFinal(finals, 0, unbatched)];
  }
}
