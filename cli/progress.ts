// The build's progress display: a live line per stage on a terminal, plain lines (one per finished stage) elsewhere.

import type { BuildProgress } from '../compiler/package/build-package.js';

export interface Output {
  write(s: string): void;
  readonly isTTY: boolean;
}

const WIDTH = 8;

export function progressDisplay(out: Output): (p: BuildProgress) => void {
  return (p) => {
    const label = p.stage.padEnd(WIDTH);
    if (p.phase === 'start') {
      if (out.isTTY) out.write(`  … ${label}${p.detail}`);
      return;
    }
    const time = p.ms === undefined ? '' : `  (${p.ms < 1000 ? `${p.ms.toFixed(0)} ms` : `${(p.ms / 1000).toFixed(2)} s`})`;
    out.write(`${out.isTTY ? '\r\x1b[K' : ''}  ✓ ${label}${p.detail}${time}\n`);
  };
}
