// A minimal protobuf writer and the ONNX messages the CPU benchmark needs (ModelProto and below).

/** Appends protobuf fields to a growing byte buffer. */
export class ProtoWriter {
  private bytes: number[] = [];
  private chunks: Uint8Array[] = [];

  private flush(): void {
    if (this.bytes.length) this.chunks.push(Uint8Array.from(this.bytes));
    this.bytes = [];
  }

  private varint(v: number | bigint): void {
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.bytes.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.bytes.push(Number(x));
  }

  private key(field: number, wire: 0 | 1 | 2 | 5): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, v: number | bigint): this {
    this.key(field, 0);
    this.varint(v);
    return this;
  }

  float(field: number, v: number): this {
    this.key(field, 5);
    const b = new Uint8Array(new Float32Array([v]).buffer);
    this.bytes.push(...b);
    return this;
  }

  bytesField(field: number, data: Uint8Array): this {
    this.key(field, 2);
    this.varint(data.length);
    this.flush();
    this.chunks.push(data.slice());
    return this;
  }

  string(field: number, s: string): this {
    return this.bytesField(field, new TextEncoder().encode(s));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytesField(field, inner.finish());
  }

  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

// ---- ONNX (onnx.proto3 field numbers) -----------------------------------------------------------

const FLOAT = 1;

export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

export interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly ints?: Readonly<Record<string, readonly number[]>>;
  readonly int?: Readonly<Record<string, number>>;
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  readonly inputs: readonly { name: string; dims: readonly number[] }[];
  readonly outputs: readonly { name: string; dims: readonly number[] }[];
}

function valueInfo(w: ProtoWriter, field: number, v: { name: string; dims: readonly number[] }): void {
  w.message(field, (vi) => {
    vi.string(1, v.name);
    vi.message(2, (tp) => tp.message(1, (tt) => {
      tt.int(1, FLOAT);
      tt.message(2, (sh) => v.dims.forEach((d) => sh.message(1, (dim) => dim.int(1, d))));
    }));
  });
}

/** Serializes a float32 ONNX model (opset 13) with raw-data initializers. */
export function encodeOnnxModel(g: OnnxGraph): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, 8); // ir_version
  w.string(2, 'vmapc-bench');
  w.message(8, (op) => op.string(1, '').int(2, 13)); // opset_import
  w.message(7, (gw) => {
    g.nodes.forEach((n, i) => gw.message(1, (nw) => {
      n.inputs.forEach((s) => nw.string(1, s));
      n.outputs.forEach((s) => nw.string(2, s));
      nw.string(3, `${n.op.toLowerCase()}${i}`);
      nw.string(4, n.op);
      for (const [name, vals] of Object.entries(n.ints ?? {})) nw.message(5, (a) => { a.string(1, name); vals.forEach((v) => a.int(8, v)); a.int(20, 7); });
      for (const [name, v] of Object.entries(n.int ?? {})) nw.message(5, (a) => { a.string(1, name); a.int(3, v); a.int(20, 2); });
    }));
    gw.string(2, g.name);
    for (const t of g.initializers) {
      gw.message(5, (tw) => {
        t.dims.forEach((d) => tw.int(1, d));
        tw.int(2, FLOAT);
        tw.string(8, t.name);
        tw.bytesField(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
      });
    }
    g.inputs.forEach((v) => valueInfo(gw, 11, v));
    g.outputs.forEach((v) => valueInfo(gw, 12, v));
  });
  return w.finish();
}
