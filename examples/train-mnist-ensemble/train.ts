// Training an ensemble of digit MLPs: the pure training step, batching, evaluation and the epoch loop.

import { compileTrainStep, F, functionalCall, initEnsemble, optim, Tensor, valueAndGrad, vmap, Generator, type CompileTarget } from '../../index.js';
import { PIXELS, permutation, type Digits, type DigitSplit } from './data.js';
import { DigitMLP } from './model.js';

type Dict = Record<string, Tensor>;

export interface TrainConfig {
  readonly members: number;
  readonly hidden: number;
  readonly epochs: number;
  readonly batchSize: number;
  /** One Adam learning rate per member. */
  readonly lrs: readonly number[];
  /** Member i is initialised from seed + i; member i also shuffles its batches with its own stream. */
  readonly seed: number;
  /** Where the compiled training step runs: 'auto' (the default) picks the fastest target here. */
  readonly target?: CompileTarget;
  /** Called with progress text; `final` marks the end of an epoch. */
  readonly report?: (text: string, final: boolean) => void;
}

export interface StepResult {
  readonly params: Dict;
  readonly opt: optim.AdamState;
  /** The batch loss of every member [M]. */
  readonly loss: Tensor;
}

/**
 * The whole training step as one pure function of tensors: per-member loss and gradients through
 * vmap(valueAndGrad(...)), then one Adam update with a learning rate per member. It keeps no state of
 * its own, so a compiled version (compileTrainStep) can trace exactly this function.
 */
export function makeStep(model: DigitMLP, lrs: readonly number[]): (params: Dict, opt: optim.AdamState, x: Tensor, y: Tensor) => StepResult {
  const loss = (p: Dict, x: Tensor, y: Tensor): Tensor => F.crossEntropy(functionalCall(model, p, [x]), y);
  const perMember = vmap(valueAndGrad(loss));
  return (params, opt, x, y) => {
    const [losses, grads] = perMember(params, x, y);
    const r = optim.adam(params, grads, opt, { lr: lrs });
    return { params: r.params, opt: r.state, loss: losses };
  };
}

/** Stacks one batch per member: rows order[m][start .. start+B) of the split, as x [M, B, 784] and y [M, B]. */
function memberBatches(data: DigitSplit, orders: readonly number[][], start: number, size: number): [Tensor, Tensor] {
  const xs = data.x.data as Float32Array, ys = data.y.toArray();
  const M = orders.length;
  const x = new Float32Array(M * size * PIXELS);
  const y = new Array<number>(M * size);
  orders.forEach((order, m) => {
    for (let b = 0; b < size; b++) {
      const row = order[start + b]!;
      x.set(xs.subarray(row * PIXELS, (row + 1) * PIXELS), (m * size + b) * PIXELS);
      y[m * size + b] = ys[row]!;
    }
  });
  return [Tensor.fromArray(x, [M, size, PIXELS], 'f32'), Tensor.fromArray(y, [M, size], 'i64')];
}

export function progressBar(done: number, total: number, width = 24): string {
  const k = Math.round((done / total) * width);
  return `[${'#'.repeat(k)}${'.'.repeat(width - k)}] ${String(done).padStart(String(total).length)}/${total}`;
}

export interface Evaluation {
  /** Accuracy of each member on the held-out split. */
  readonly members: number[];
  /** Accuracy of the mean of the members' softmax outputs. */
  readonly ensemble: number;
}

/** Per-member and ensemble (mean of probabilities) accuracy on a split, all members in one vmap. */
export function evaluate(model: DigitMLP, params: Dict, data: DigitSplit): Evaluation {
  const logits = vmap((p: Dict) => functionalCall<Tensor>(model, p, [data.x]))(params);
  const labels = data.y.toArray();
  const accuracy = (pred: number[]): number => pred.filter((c, i) => c === labels[i]).length / labels.length;
  const M = logits.shape[0]!;
  const perMember = logits.argmax(-1).toArray();
  const n = labels.length;
  const members = Array.from({ length: M }, (_, m) => accuracy(perMember.slice(m * n, (m + 1) * n)));
  const ensemble = accuracy(logits.softmax(-1).mean(0).argmax(-1).toArray());
  return { members, ensemble };
}

export interface TrainResult {
  readonly params: Dict;
  readonly seeds: readonly number[];
  readonly model: DigitMLP;
  readonly evaluation: Evaluation;
  /** The device the compiled step ran on. */
  readonly device: string;
  /** Each member's batch loss at every step, in order: losses[m][step]. */
  readonly losses: readonly (readonly number[])[];
}

interface State {
  readonly params: Dict;
  readonly opt: optim.AdamState;
}

/**
 * Initialises M members with their own seeds and trains them together for the configured epochs. The
 * step is compiled once (compileTrainStep): params and Adam state stay on the device, and only the
 * per-member losses come back each step.
 */
export async function trainEnsemble(digits: Digits, config: TrainConfig): Promise<TrainResult> {
  const M = config.members;
  if (config.lrs.length !== M) throw new Error(`got ${config.lrs.length} learning rates for ${M} members`);
  const ens = initEnsemble(DigitMLP, M, { seed: config.seed, args: [config.hidden] });
  const step = makeStep(ens.model, config.lrs);
  const n = digits.train.y.shape[0]!;
  const steps = Math.floor(n / config.batchSize);
  const shufflers = ens.seeds.map((s) => new Generator(s ^ 0x9e3779b9));
  const initial: State = { params: ens.params, opt: optim.adamInit(ens.params) };
  const example = memberBatches(digits.train, shufflers.map(() => [...Array(n).keys()]), 0, config.batchSize);
  const trainer = await compileTrainStep((s: State, x: Tensor, y: Tensor): [State, Tensor] => {
    const r = step(s.params, s.opt, x, y);
    return [{ params: r.params, opt: r.opt }, r.loss];
  }, { target: config.target ?? 'auto', example: [initial, ...example] });
  await trainer.setState(initial);
  const losses: number[][] = Array.from({ length: M }, () => []);
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    const orders = shufflers.map((g) => permutation(n, g));
    const t0 = Date.now();
    let lossSum = 0;
    for (let s = 0; s < steps; s++) {
      const [x, y] = memberBatches(digits.train, orders, s * config.batchSize, config.batchSize);
      const loss = await trainer.step(x, y);
      loss.toArray().forEach((v, m) => losses[m]!.push(v));
      lossSum += loss.mean().item();
      const done = s + 1 === steps;
      config.report?.(`epoch ${epoch + 1}/${config.epochs} ${progressBar(s + 1, steps)}  mean loss ${(lossSum / (s + 1)).toFixed(4)}${done ? `  (${((Date.now() - t0) / 1000).toFixed(1)} s)` : ''}`, done);
    }
  }
  const { params } = await trainer.state();
  trainer.destroy();
  return { params, seeds: ens.seeds, model: ens.model, evaluation: evaluate(ens.model, params, digits.test), device: trainer.device, losses };
}
