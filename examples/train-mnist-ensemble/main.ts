// Trains M=8 digit MLPs as one ensemble with a compiled training step, each with its own seed and learning rate.
//
//   npm run train:mnist                       (defaults below)
//   EPOCHS=2 TRAIN_PER_DIGIT=300 TARGET=webgpu npm run train:mnist

import type { CompileTarget } from '../../index.js';
import { loadDigits } from './data.js';
import { trainEnsemble } from './train.js';

const env = (name: string, dflt: number): number => {
  const v = process.env[name];
  return v === undefined ? dflt : Number(v);
};

const members = env('MEMBERS', 8);
const config = {
  members,
  hidden: env('HIDDEN', 32),
  epochs: env('EPOCHS', 4),
  batchSize: env('BATCH', 64),
  seed: env('SEED', 1),
  target: (process.env['TARGET'] ?? 'auto') as CompileTarget,
  // Learning rates spread log-uniformly from 3e-4 to 1e-2, one per member.
  lrs: Array.from({ length: members }, (_, i) => 3e-4 * (1e-2 / 3e-4) ** (members === 1 ? 0 : i / (members - 1))),
};
const trainPerDigit = env('TRAIN_PER_DIGIT', 600);
const testPerDigit = env('TEST_PER_DIGIT', 200);

const digits = loadDigits({ trainPerDigit, testPerDigit, seed: config.seed });
console.log(`MNIST digits from the mnist package: ${digits.train.y.shape[0]} for training, ${digits.test.y.shape[0]} held out`);
console.log(`${members} MLPs 784-${config.hidden}-10, Adam, batch ${config.batchSize} per member, ${config.epochs} epochs, target ${config.target}\n`);

const tty = process.stdout.isTTY === true;
const result = await trainEnsemble(digits, {
  ...config,
  report: (text, final) => {
    if (tty) process.stdout.write(`\r${text}${final ? '\n' : ''}`);
    else if (final) console.log(text);
  },
});

console.log(`trained on ${result.device}`);
const { members: accs, ensemble } = result.evaluation;
console.log('\nmember  seed  lr        held-out accuracy');
accs.forEach((a, i) => console.log(`${String(i).padStart(6)}  ${String(result.seeds[i]).padStart(4)}  ${config.lrs[i]!.toExponential(2)}  ${(100 * a).toFixed(2)}%`));
const sorted = [...accs].sort((a, b) => a - b);
const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
console.log(`\nmedian member: ${(100 * median).toFixed(2)}%   best member: ${(100 * sorted[sorted.length - 1]!).toFixed(2)}%`);
console.log(`ensemble (mean of the members' probabilities): ${(100 * ensemble).toFixed(2)}%`);
if (ensemble > median) {
  console.log('the ensemble beats its median member');
} else {
  console.log('the ensemble does NOT beat its median member');
  process.exitCode = 1;
}
