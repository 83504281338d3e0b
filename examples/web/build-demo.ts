// The demo page's build: trains the MNIST ensemble in Node, writes it as a vmapc package, picks the digit strip, and bundles the page with Vite.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as viteBuild } from 'vite';
import { functionalCall, serializeSafetensors, Tensor, vmap, type CompileTarget } from '../../index.js';
import { buildPackage } from '../../compiler/package/build-package.js';
import { compilerVersion } from '../../compiler/package/version.js';
import { loadDigits, PIXELS, type DigitSplit } from '../train-mnist-ensemble/data.js';
import type { DigitMLP } from '../train-mnist-ensemble/model.js';
import { trainEnsemble } from '../train-mnist-ensemble/train.js';
import { encodePixels, type DemoData, type StripDigit } from './demo-data.js';
import { DigitProbabilities } from './model.js';

/** The page's sources: index.html, main.ts and the modules beside them. */
export const WEB_DIR = path.dirname(fileURLToPath(import.meta.url));

export interface DemoBuildOptions {
  /** Where the built page goes (Vite's outDir): index.html and assets/, ready to serve as static files. */
  readonly out: string;
  /** Where the generated inputs of the page go: the package (model/), data.js, the members' checkpoints. */
  readonly work: string;
  readonly members?: number;
  readonly hidden?: number;
  readonly epochs?: number;
  readonly trainPerDigit?: number;
  readonly testPerDigit?: number;
  readonly seed?: number;
  /** Where the training step runs ('auto': the C backend on a machine without a GPU). */
  readonly target?: CompileTarget;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export interface DemoBuild {
  readonly data: DemoData;
  /** The package folder (work/model): what the page imports through browser.js. */
  readonly packageDir: string;
  /** Seconds per stage. */
  readonly seconds: { readonly train: number; readonly package: number; readonly page: number };
}

type Dict = Record<string, Tensor>;

/** Member i's tensors from the stacked [M, ...] ones. */
function memberState(params: Dict, i: number): Dict {
  return Object.fromEntries(Object.entries(params).map(([k, t]) => {
    const n = t.numel() / t.shape[0]!;
    return [k, Tensor.fromArray((t.data as Float32Array).slice(i * n, (i + 1) * n), t.shape.slice(1), 'f32')];
  }));
}

/** Exponential moving average of a loss curve, sampled every `every` steps. */
function smooth(values: readonly number[], every: number): number[] {
  const out: number[] = [];
  let ema = values[0] ?? 0;
  values.forEach((v, i) => {
    ema = 0.9 * ema + 0.1 * v;
    if (i % every === every - 1 || i === values.length - 1) out.push(Number(ema.toPrecision(4)));
  });
  return out;
}

/**
 * The strip: for every class, the held-out digit the members agree on most (ensemble right), then the
 * six on which they disagree most (highest mutual information between member and prediction).
 */
function pickStrip(model: DigitMLP, params: Dict, test: DigitSplit): StripDigit[] {
  const probs = vmap((p: Dict) => functionalCall<Tensor>(model, p, [test.x]))(params).softmax(-1).toArray();
  const labels = test.y.toArray();
  const M = probs.length / (labels.length * 10), N = labels.length;
  const entropy = (p: ArrayLike<number>): number => -Array.from(p).reduce((s, v) => s + (v > 0 ? v * Math.log(v) : 0), 0);
  const scored = labels.map((label, n) => {
    const member = (m: number): number[] => probs.slice((m * N + n) * 10, (m * N + n + 1) * 10);
    const mean = Array.from({ length: 10 }, (_, c) => Array.from({ length: M }, (_, m) => member(m)[c]!).reduce((a, b) => a + b, 0) / M);
    const expected = Array.from({ length: M }, (_, m) => entropy(member(m))).reduce((a, b) => a + b, 0) / M;
    return { n, label, mi: entropy(mean) - expected, right: mean.indexOf(Math.max(...mean)) === label };
  });
  const clear = Array.from({ length: 10 }, (_, d) => scored.filter((s) => s.label === d && s.right).sort((a, b) => a.mi - b.mi)[0]).filter((s) => s !== undefined);
  const taken = new Set(clear.map((s) => s.n));
  const hard = scored.filter((s) => !taken.has(s.n)).sort((a, b) => b.mi - a.mi).slice(0, 6).sort((a, b) => a.label - b.label);
  const x = test.x.data as Float32Array;
  return [...clear.map((s) => ({ ...s, hard: false })), ...hard.map((s) => ({ ...s, hard: true }))].map((s) => ({
    label: s.label,
    pixels: encodePixels(x.subarray(s.n * PIXELS, (s.n + 1) * PIXELS)),
    hard: s.hard,
  }));
}

/** Trains, packages and bundles the demo page; see examples/web/README.md. */
export async function buildDemo(o: DemoBuildOptions): Promise<DemoBuild> {
  const log = o.log ?? (() => {});
  const members = o.members ?? 8, hidden = o.hidden ?? 32, epochs = o.epochs ?? 3, batchSize = 64, seed = o.seed ?? 1;
  const lrs = Array.from({ length: members }, (_, i) => 3e-4 * (1e-2 / 3e-4) ** (members === 1 ? 0 : i / (members - 1)));
  const t0 = performance.now();
  const digits = loadDigits({ trainPerDigit: o.trainPerDigit ?? 400, testPerDigit: o.testPerDigit ?? 100, seed });
  log(`training ${members} MLPs 784-${hidden}-10 for ${epochs} epochs on ${digits.train.y.shape[0]} digits`);
  const trained = await trainEnsemble(digits, { members, hidden, epochs, batchSize, seed, lrs, target: o.target ?? 'auto' });
  const t1 = performance.now();

  rmSync(o.work, { recursive: true, force: true });
  mkdirSync(path.join(o.work, 'checkpoints'), { recursive: true });
  const files = Array.from({ length: members }, (_, i) => {
    const file = path.join(o.work, 'checkpoints', `member${i}.safetensors`);
    writeFileSync(file, serializeSafetensors(memberState(trained.params, i)));
    return file;
  });
  const packageDir = path.join(o.work, 'model');
  log(`writing the package ${path.relative(process.cwd(), packageDir)} (webgpu and cpu)`);
  await buildPackage({
    cls: DigitProbabilities, module: 'DigitProbabilities', source: 'examples/web/model.ts', args: [hidden], members,
    init: { kind: 'checkpoints', files }, inputs: [{ name: 'x', dtype: 'f32', shape: [1, PIXELS], inDim: null }], targets: ['webgpu', 'cpu'], out: packageDir,
  });
  const steps = trained.losses[0]?.length ?? 0;
  const lossEvery = Math.max(1, Math.ceil(steps / 150));
  const data: DemoData = {
    members, hidden, epochs, batchSize, lrs, seeds: trained.seeds, lossEvery,
    trainDigits: digits.train.y.shape[0]!, testDigits: digits.test.y.shape[0]!,
    accuracy: { members: trained.evaluation.members, ensemble: trained.evaluation.ensemble },
    loss: trained.losses.map((l) => smooth(l, lossEvery)),
    digits: pickStrip(trained.model, trained.params, digits.test),
    trainedOn: trained.device,
    vmapcVersion: compilerVersion(),
  };
  writeFileSync(path.join(o.work, 'data.js'), `// Generated by examples/web/build-demo.ts.\nexport default ${JSON.stringify(data)};\n`);
  const t2 = performance.now();

  log(`bundling the page with Vite into ${path.relative(process.cwd(), o.out) || o.out}`);
  await viteBuild({
    root: WEB_DIR, configFile: false, base: './', logLevel: 'warn', publicDir: false,
    resolve: { alias: [{ find: /^demo-generated\/(.*)$/, replacement: `${o.work.split(path.sep).join('/')}/$1` }] },
    build: { outDir: o.out, emptyOutDir: true, reportCompressedSize: false, chunkSizeWarningLimit: 1000 },
  });
  return { data, packageDir, seconds: { train: (t1 - t0) / 1000, package: (t2 - t1) / 1000, page: (performance.now() - t2) / 1000 } };
}
