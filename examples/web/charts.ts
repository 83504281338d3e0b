// The demo's charts (Chart.js): the ensemble's mean with every member's probability, one bar chart per member, the loss curves.

import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip,
} from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip);
// Charts draw their final state at once: nothing to wait for in a screenshot or a test.
Chart.defaults.animation = false;
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';
Chart.defaults.color = '#6b7385';

const CLASSES = Array.from({ length: 10 }, (_, i) => String(i));
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#9c755f', '#bab0ac'];

/** Member i's colour. */
export const memberColor = (i: number): string => PALETTE[i % PALETTE.length]!;

const alpha = (hex: string, a: number): string => `${hex}${Math.round(a * 255).toString(16).padStart(2, '0')}`;
const percent = (v: number | string): string => `${Math.round(Number(v) * 100)}%`;

/** The ensemble's chart: the mean probability per class (bars), each member's (dots) and their range (pale bars). */
export function ensembleChart(canvas: HTMLCanvasElement, members: number): Chart {
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: CLASSES,
      datasets: [
        { type: 'bar', label: 'ensemble mean', data: [], backgroundColor: '#4f46e5', borderRadius: 3, barPercentage: 0.5, grouped: false, order: 2 },
        { type: 'bar', label: 'range over members', data: [], backgroundColor: 'rgba(79, 70, 229, 0.14)', borderRadius: 3, barPercentage: 0.9, grouped: false, order: 3 },
        ...Array.from({ length: members }, (_, m) => ({
          type: 'line' as const, label: `member ${m}`, data: [] as number[], showLine: false, pointRadius: 3, pointHoverRadius: 4,
          pointBackgroundColor: memberColor(m), pointBorderColor: '#fff', pointBorderWidth: 1, order: 1,
        })),
      ],
    },
    options: {
      responsive: true, maintainAspectRatio: false,
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${Array.isArray(c.raw) ? (c.raw as number[]).map(percent).join('–') : percent(c.raw as number)}` } } },
      scales: { y: { min: 0, max: 1, ticks: { callback: percent, maxTicksLimit: 5 }, grid: { color: '#eef0f6' } }, x: { grid: { display: false } } },
    },
  });
}

/** Puts one run's probabilities (probs[m][class]) into the ensemble chart; returns the mean. */
export function showEnsemble(chart: Chart, probs: readonly (readonly number[])[]): number[] {
  const mean = CLASSES.map((_, c) => probs.reduce((s, p) => s + p[c]!, 0) / probs.length);
  const ds = chart.data.datasets;
  ds[0]!.data = mean;
  ds[1]!.data = CLASSES.map((_, c) => [Math.min(...probs.map((p) => p[c]!)), Math.max(...probs.map((p) => p[c]!))]);
  probs.forEach((p, m) => (ds[m + 2]!.data = [...p]));
  chart.update();
  return mean;
}

/** One member's bar chart of its class probabilities, in the member's colour. */
export function memberChart(canvas: HTMLCanvasElement, m: number): Chart {
  return new Chart(canvas, {
    type: 'bar',
    data: { labels: CLASSES, datasets: [{ label: `member ${m}`, data: [], backgroundColor: [], borderRadius: 2, barPercentage: 0.85, categoryPercentage: 0.95 }] },
    options: {
      responsive: true, maintainAspectRatio: false,
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => percent(c.raw as number) } } },
      scales: { y: { min: 0, max: 1, display: false }, x: { grid: { display: false }, ticks: { font: { size: 9 }, padding: 0 } } },
    },
  });
}

/** Puts a member's probabilities into its chart, the predicted class in full colour. */
export function showMember(chart: Chart, m: number, p: readonly number[]): void {
  const top = p.indexOf(Math.max(...p));
  const ds = chart.data.datasets[0]!;
  ds.data = [...p];
  ds.backgroundColor = p.map((_, c) => (c === top ? memberColor(m) : alpha(memberColor(m), 0.3)));
  chart.update();
}

/** Each member's training loss (smoothed), labelled with its learning rate. */
export function lossChart(canvas: HTMLCanvasElement, loss: readonly (readonly number[])[], every: number, lrs: readonly number[]): Chart {
  const all = loss.flat();
  // A log scale when the losses span a wide range; its ticks labelled at 1, 2 and 5 times a power of ten.
  const log = Math.max(...all) / Math.min(...all) > 4;
  const tick = (v: number | string): string => {
    const m = Number(v) / 10 ** Math.floor(Math.log10(Number(v)) + 1e-9);
    return !log || [1, 2, 5].some((k) => Math.abs(m - k) < 1e-6) ? Number(Number(v).toPrecision(2)).toString() : '';
  };
  return new Chart(canvas, {
    type: 'line',
    data: {
      datasets: loss.map((l, m) => ({
        label: `member ${m} · lr ${lrs[m]!.toExponential(1)}`, data: l.map((y, i) => ({ x: (i + 1) * every, y })), borderColor: memberColor(m), backgroundColor: memberColor(m),
        borderWidth: 1.8, pointRadius: 0, tension: 0.25,
      })),
    },
    options: {
      responsive: true, maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 10, boxHeight: 10, font: { size: 10.5 }, padding: 8 } } },
      scales: {
        y: { type: log ? 'logarithmic' : 'linear', title: { display: true, text: 'cross-entropy' }, grid: { color: '#eef0f6' }, ticks: { callback: tick } },
        x: { type: 'linear', min: 0, title: { display: true, text: 'training step' }, grid: { display: false }, ticks: { maxTicksLimit: 8 } },
      },
    },
  });
}
