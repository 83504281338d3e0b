// The demo page: loads the MNIST ensemble package on WebGPU, runs it on a drawn or picked digit, and shows every member and their disagreement.

import type { Chart } from 'chart.js';
import { load, type DigitEnsemble } from 'demo-generated/model/browser.js';
import generated from 'demo-generated/data.js';
import { ensembleChart, lossChart, memberChart, memberColor, showEnsemble, showMember } from './charts.js';
import { decodePixels, type DemoData } from './demo-data.js';
import { drawingPad, paintDigit, toMnist, type DrawingPad } from './drawing.js';

const data = generated as DemoData;
const M = data.members;
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
const argmax = (p: readonly number[]): number => p.indexOf(Math.max(...p));
const entropy = (p: readonly number[]): number => -p.reduce((s, v) => s + (v > 0 ? v * Math.log(v) : 0), 0);

/** What the page shows after a run, for people and for the browser test. */
interface Shown {
  /** Which digit: its index in the strip, or 'drawn'. */
  readonly input: number | 'drawn';
  /** Every member's probabilities, probs[m][class], as run() returned them. */
  readonly probs: number[][];
  readonly mean: number[];
  /** What each chart holds: the ensemble's mean bars and each member's bars. */
  readonly charts: { readonly mean: number[]; readonly members: number[][] };
}

let ensemble: DigitEnsemble | undefined;
let shown: Shown | undefined;
const memberCharts: Chart[] = [];
let ensChart: Chart;

function setState(state: 'loading' | 'ready' | 'running' | 'error'): void {
  document.body.dataset['state'] = state;
}

/** Member cards: colour, learning rate, held-out accuracy, prediction and a bar chart each. */
function buildMembers(): void {
  const root = $('members');
  for (let m = 0; m < M; m++) {
    const card = document.createElement('div');
    card.className = 'member';
    card.dataset['member'] = String(m);
    card.style.setProperty('--c', memberColor(m));
    card.innerHTML = `<header><span class="name">member ${m}</span><span class="pred">–</span></header>
      <div class="meta">lr ${data.lrs[m]!.toExponential(1)} · test ${pct(data.accuracy.members[m]!)}</div>
      <div class="conf">&nbsp;</div><div class="chart"><canvas></canvas></div>`;
    root.append(card);
    memberCharts.push(memberChart(card.querySelector('canvas')!, m));
  }
}

/** The strip of held-out digits; clicking one runs the ensemble on it. */
function buildStrip(): void {
  const root = $('strip');
  data.digits.forEach((d, i) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = `digit${d.hard ? ' hard' : ''}`;
    b.dataset['index'] = String(i);
    b.title = d.hard ? `a ${d.label} the members disagree on` : `a ${d.label}`;
    const c = document.createElement('canvas');
    paintDigit(c, decodePixels(d.pixels));
    const label = document.createElement('span');
    label.textContent = `label ${d.label}`;
    b.append(c, label);
    b.addEventListener('click', () => void pick(i));
    root.append(b);
  });
}

/** Runs all members on one 28x28 digit and updates every chart and number. */
async function classify(pixels: Float32Array, input: number | 'drawn'): Promise<void> {
  if (!ensemble) return;
  setState('running');
  paintDigit($<HTMLCanvasElement>('preview'), pixels);
  const t0 = performance.now();
  const out = await ensemble.run({ x: pixels });
  const ms = performance.now() - t0;
  const probs = Array.from({ length: M }, (_, m) => Array.from(out.subarray(m * 10, (m + 1) * 10)));
  const mean = showEnsemble(ensChart, probs);
  const top = argmax(mean);
  const agree = probs.filter((p) => argmax(p) === top).length;
  const h = entropy(mean);
  const mi = h - probs.reduce((s, p) => s + entropy(p), 0) / M;
  $('ens-pred').textContent = String(top);
  $('ens-conf').textContent = `${pct(mean[top]!)} on average`;
  $('ens-agree').textContent = `${agree} of ${M} members agree`;
  $('mi-val').textContent = mi.toFixed(2);
  $('h-val').textContent = h.toFixed(2);
  $('mi-bar').style.width = `${Math.min(100, (100 * mi) / Math.log(10))}%`;
  $('h-bar').style.width = `${Math.min(100, (100 * h) / Math.log(10))}%`;
  probs.forEach((p, m) => {
    const card = document.querySelector<HTMLElement>(`.member[data-member="${m}"]`)!;
    const k = argmax(p);
    card.querySelector('.pred')!.textContent = String(k);
    card.querySelector('.conf')!.textContent = `${pct(p[k]!)} sure`;
    card.classList.toggle('dissent', k !== top);
    showMember(memberCharts[m]!, m, p);
  });
  $('run-time').textContent = `(one run of all ${M} members: ${ms.toFixed(1)} ms)`;
  shown = {
    input, probs, mean,
    charts: { mean: [...(ensChart.data.datasets[0]!.data as number[])], members: memberCharts.map((c) => [...(c.data.datasets[0]!.data as number[])]) },
  };
  document.body.dataset['input'] = String(input);
  setState('ready');
}

let pad: DrawingPad;

/** Selects strip digit i, shows it on the pad and classifies it. */
async function pick(i: number): Promise<void> {
  document.querySelectorAll('.digit').forEach((el) => el.classList.toggle('selected', el.getAttribute('data-index') === String(i)));
  const pixels = decodePixels(data.digits[i]!.pixels);
  pad.show(pixels);
  await classify(pixels, i);
}

async function main(): Promise<void> {
  $('members-count').textContent = String(M);
  $('train-info').textContent = `(${data.epochs} epoch${data.epochs === 1 ? '' : 's'} on ${data.trainDigits} digits in Node; held-out accuracy of the ensemble ${pct(data.accuracy.ensemble)})`;
  $('train-info').title = `trained on ${data.trainedOn} with vmapc ${data.vmapcVersion}`;
  ensChart = ensembleChart($<HTMLCanvasElement>('ens-chart'), M);
  lossChart($<HTMLCanvasElement>('loss-chart'), data.loss, data.lossEvery, data.lrs);
  buildMembers();
  buildStrip();
  pad = drawingPad($<HTMLCanvasElement>('pad'), () => {
    const x = toMnist($<HTMLCanvasElement>('pad'));
    document.querySelectorAll('.digit').forEach((el) => el.classList.remove('selected'));
    if (x) void classify(x, 'drawn');
  });
  $('clear').addEventListener('click', () => pad.clear());
  try {
    ensemble = await load();
    // One run first: the driver compiles the kernels' pipelines then, so the time shown is a steady run's.
    await ensemble.run({ x: new Float32Array(28 * 28) });
    $('device').textContent = `WebGPU · ${ensemble.device.replace(/ via navigator\.gpu$/, '')}`;
  } catch (e) {
    $('device').textContent = `${(e as Error).name}: ${(e as Error).message}`;
    setState('error');
    return;
  }
  const firstHard = data.digits.findIndex((d) => d.hard);
  await pick(firstHard >= 0 ? firstHard : 0);
}

/** For the browser test: what is shown, and picking a digit as a click would. */
(window as unknown as { vmapcDemo: unknown }).vmapcDemo = { shown: () => shown, pick, digits: data.digits };
void main();
