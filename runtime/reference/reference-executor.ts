// The CPU reference as an Executor: runs the traced graph with the interpreter (the oracle, and a fallback).

import type { TypedArray } from '../../ir/dtype.js';
import { BackendError } from '../../ir/errors.js';
import type { Graph } from '../../ir/node.js';
import { selectOutputs, type Executor, type RunOptions } from '../device.js';
import { runGraph } from './interpreter.js';

export class ReferenceExecutor implements Executor {
  readonly target = 'reference' as const;
  readonly description = 'the CPU reference interpreter (f64 math, f32 storage)';
  private readonly values: (TypedArray | undefined)[];
  private destroyed = false;

  constructor(private readonly graph: Graph) {
    this.values = graph.inputs.map(() => undefined);
  }

  write(index: number, data: TypedArray): void {
    this.values[index] = data.slice();
  }

  async run(seed: number): Promise<TypedArray[]> {
    if (this.destroyed) throw new BackendError('this compiled ensemble was destroyed');
    const missing = this.graph.inputs.filter((_, i) => !this.values[i]).map((i) => i.params.name);
    if (missing.length) throw new BackendError(`inputs never written: ${missing.join(', ')}`);
    return runGraph(this.graph, this.values as TypedArray[], { seed });
  }

  async runWith(seed: number, options: RunOptions): Promise<(TypedArray | undefined)[]> {
    const outs = await this.run(seed);
    for (const [o, i] of options.feedback ?? []) this.values[i] = outs[o]!.slice();
    return selectOutputs(outs, options.read);
  }

  async readInput(index: number): Promise<TypedArray> {
    const v = this.values[index];
    if (!v) throw new BackendError(`input ${this.graph.inputs[index]?.params.name} was never written`);
    return v.slice();
  }

  destroy(): void {
    this.destroyed = true;
  }
}
