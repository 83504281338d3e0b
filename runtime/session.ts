// A running plan: validates and converts inputs, writes them all-or-nothing, runs, and returns user dtypes.

import { convertArray, dtypeOfArray, type DType, type TypedArray } from '../ir/dtype.js';
import { BackendError, ShapeError } from '../ir/errors.js';
import { fmtShape, numelOf, shapesEqual } from '../ir/shape.js';
import type { Executor, RunOptions } from './device.js';

export interface TensorSpec {
  readonly name: string;
  readonly shape: readonly number[];
  /** The dtype the caller sees. */
  readonly dtype: DType;
}

export interface PendingWrite {
  readonly index: number;
  readonly data: TypedArray;
}

export class Session {
  private readonly written = new Set<number>();
  private running = 0;

  constructor(
    readonly executor: Executor,
    readonly inputs: readonly TensorSpec[],
    /** Each input's dtype on the device (i64 inputs live as i32 there). */
    private readonly deviceDTypes: readonly DType[],
    readonly outputs: readonly TensorSpec[],
  ) {}

  /** Checks a value for input `index` and converts it to the device dtype; writes nothing. */
  prepare(index: number, data: TypedArray, shape: readonly number[]): PendingWrite {
    const spec = this.inputs[index];
    if (!spec) throw new ShapeError(`there is no input ${index} (the plan has ${this.inputs.length})`);
    if (!shapesEqual(shape, spec.shape)) throw new ShapeError(`input ${spec.name} has shape ${fmtShape(shape)} but was compiled for ${fmtShape(spec.shape)}`);
    const got = dtypeOfArray(data);
    if (got !== spec.dtype) throw new ShapeError(`input ${spec.name} is ${got} but was compiled for ${spec.dtype}`);
    if (data.length !== numelOf(spec.shape)) throw new ShapeError(`input ${spec.name} holds ${data.length} values but ${fmtShape(spec.shape)} needs ${numelOf(spec.shape)}`);
    const device = this.deviceDTypes[index]!;
    if (device === got) return { index, data };
    if (data instanceof BigInt64Array) {
      for (const v of data) {
        if (v > 2147483647n || v < -2147483648n) throw new ShapeError(`input ${spec.name}: the i64 value ${v} does not fit the device's i32`);
      }
    }
    return { index, data: convertArray(data, device) };
  }

  /** Writes prepared values; call only after every value of a call was prepared, so a bad one writes nothing. */
  commit(writes: readonly PendingWrite[]): void {
    for (const w of writes) {
      this.executor.write(w.index, w.data);
      this.written.add(w.index);
    }
  }

  /** Runs the plan; outputs come back in the caller's dtypes (undefined where not read). */
  async run(seed: number, options: RunOptions = {}): Promise<TypedArray[]> {
    const missing = this.inputs.filter((_, i) => !this.written.has(i)).map((s) => s.name);
    if (missing.length) throw new ShapeError(`no value was ever given for ${missing.join(', ')}`);
    const outs = await this.runOnDevice(seed, options);
    if (outs.length !== this.outputs.length) throw new BackendError(`the device returned ${outs.length} outputs, expected ${this.outputs.length}`);
    return outs.map((o, i) => {
      if (!o) return o as unknown as TypedArray;
      const want = this.outputs[i]!.dtype;
      return dtypeOfArray(o) === want ? o : convertArray(o, want);
    });
  }

  private async runOnDevice(seed: number, options: RunOptions): Promise<(TypedArray | undefined)[]> {
    const ex = this.executor;
    if (!options.feedback?.length && !options.read) return ex.run(seed);
    return ex.runWith(seed, options);
  }

  /** The current device value of input `index`, in the caller's dtype. */
  async readInput(index: number): Promise<TypedArray> {
    const data = await this.executor.readInput(index);
    const want = this.inputs[index]!.dtype;
    return dtypeOfArray(data) === want ? data : convertArray(data, want);
  }

  destroy(): void {
    this.executor.destroy();
  }
}
