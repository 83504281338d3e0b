// nn.Module: parameters, buffers and children found on the instance in definition order, as PyTorch names them.

import { StateError } from '../../ir/errors.js';
import { fmtShape, shapesEqual } from '../../ir/shape.js';
import { convertArray } from '../../ir/dtype.js';
import { Tensor } from '../trace/tensor.js';
import { withModule } from '../trace/trace.js';

/** A tensor registered as a learnable parameter of a module (torch.nn.Parameter). */
export class Parameter extends Tensor {
  /** A parameter with t's shape, dtype and values (or trace node); the storage is shared. */
  constructor(t: Tensor) {
    super(t.shape, t.dtype, t.value, t.node, t.trace);
  }
}

/** A tensor registered as module state that is not learned (torch.nn.Buffer). */
export class Buffer extends Tensor {
  /** Whether the buffer is part of the state dict (torch's persistent=True, the default). */
  readonly persistent: boolean;
  /** A buffer with t's shape, dtype and values (or trace node); the storage is shared. */
  constructor(t: Tensor, options: { persistent?: boolean } = {}) {
    super(t.shape, t.dtype, t.value, t.node, t.trace);
    this.persistent = options.persistent ?? true;
  }
}

/** Tensors under their state-dict names (`fc1.weight`), as torch's state_dict. */
export type StateDict = Record<string, Tensor>;

/** @internal An attribute that holds module state (a parameter, buffer or submodule); everything else on an instance is ignored. */
export type Slot = { kind: 'param' | 'buffer' | 'module'; key: string };

/**
 * torch.nn.Module: subclass it, create parameters, buffers and submodules as properties, and write
 * `forward`. Properties are found in definition order, so names and order are PyTorch's (`fc1.weight`,
 * `layers.0.bias`). The constructor wraps `forward` so errors and traced ops know which module they came
 * from.
 */
export abstract class Module {
  /** Training mode (dropout active, batch norm uses batch statistics). */
  training = true;

  constructor() {
    // Wrap this instance's forward so errors and traced nodes know which module they came from.
    const forward = this.forward as (...args: unknown[]) => unknown;
    Object.defineProperty(this, 'forward', {
      value: (...args: unknown[]) => withModule(this, () => forward.apply(this, args)),
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }

  /**
   * The computation, written with Tensor ops; called on concrete tensors (eager) or traced ones (vmap,
   * grad, compile).
   */
  abstract forward(...args: never[]): unknown;

  /** @internal The attributes holding parameters, buffers and submodules, in definition order. */
  protected slots(): Slot[] {
    const out: Slot[] = [];
    for (const [key, v] of Object.entries(this)) {
      if (v instanceof Parameter) out.push({ kind: 'param', key });
      else if (v instanceof Buffer) out.push({ kind: 'buffer', key });
      else if (v instanceof Module) out.push({ kind: 'module', key });
    }
    return out;
  }

  /** The direct submodules with their attribute names, in definition order. */
  namedChildren(): [string, Module][] {
    return this.slots().filter((s) => s.kind === 'module').map((s) => [s.key, this.get(s.key) as Module]);
  }

  /** The direct submodules, in definition order. */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /**
   * Every module in the tree, this one first, depth-first. A module reachable under several names is
   * listed once unless `removeDuplicate` is false (then under each name, as torch's named_modules).
   */
  namedModules(options: { prefix?: string; removeDuplicate?: boolean } = {}): [string, Module][] {
    const removeDuplicate = options.removeDuplicate ?? true;
    const seen = new Set<Module>();
    const out: [string, Module][] = [];
    const walk = (m: Module, prefix: string, path: Set<Module>): void => {
      if (removeDuplicate && seen.has(m)) return;
      if (path.has(m)) throw new StateError(`module ${prefix} (${m.constructor.name}) contains itself`);
      seen.add(m);
      out.push([prefix, m]);
      const inner = new Set(path).add(m);
      for (const [name, child] of m.namedChildren()) walk(child, prefix ? `${prefix}.${name}` : name, inner);
    };
    walk(this, options.prefix ?? '', new Set());
    return out;
  }

  /** Every module in the tree, this one first, depth-first. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  private namedTensors(kind: 'param' | 'buffer', removeDuplicate: boolean): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, mod] of this.namedModules({ removeDuplicate })) {
      for (const s of mod.slots()) {
        if (s.kind !== kind) continue;
        const t = mod.get(s.key) as Tensor;
        if (removeDuplicate && seen.has(t)) continue;
        seen.add(t);
        out.push([prefix ? `${prefix}.${s.key}` : s.key, t]);
      }
    }
    return out;
  }

  /** Parameters under their state-dict names, own first then children (torch's order); tied ones once. */
  namedParameters(options: { removeDuplicate?: boolean } = {}): [string, Parameter][] {
    return this.namedTensors('param', options.removeDuplicate ?? true) as [string, Parameter][];
  }

  /**
   * Buffers under their state-dict names, own first then children's; shared ones once unless
   * removeDuplicate is false.
   */
  namedBuffers(options: { removeDuplicate?: boolean } = {}): [string, Buffer][] {
    return this.namedTensors('buffer', options.removeDuplicate ?? true) as [string, Buffer][];
  }

  /** The parameters, as namedParameters gives them (tied ones once). */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** The buffers, as namedBuffers gives them. */
  buffers(): Buffer[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /**
   * Parameters and persistent buffers under every name (tied weights and shared submodules appear
   * under each), in torch's order: per module its own parameters, then its own buffers, then children.
   */
  stateDict(): StateDict {
    const sd: StateDict = {};
    for (const [prefix, mod] of this.namedModules({ removeDuplicate: false })) {
      const own = mod.slots();
      for (const kind of ['param', 'buffer'] as const) {
        for (const s of own) {
          if (s.kind !== kind) continue;
          const t = mod.get(s.key) as Tensor;
          if (t instanceof Buffer && !t.persistent) continue;
          sd[prefix ? `${prefix}.${s.key}` : s.key] = t;
        }
      }
    }
    return sd;
  }

  /**
   * Copies tensors from a state dict (a PyTorch checkpoint works) into this module. With `strict`
   * (the default), missing and unexpected keys are errors; shape mismatches always are.
   */
  loadStateDict(
    sd: StateDict,
    options: { strict?: boolean } = {},
  ): {
    /** Names the module has that `sd` does not. */
    missingKeys: string[];
    /** Names in `sd` the module does not have. */
    unexpectedKeys: string[];
  } {
    const strict = options.strict ?? true;
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !(k in sd));
    const unexpectedKeys = Object.keys(sd).filter((k) => !(k in own));
    const errors: string[] = [];
    for (const [k, t] of Object.entries(sd)) {
      const cur = own[k];
      if (cur && !shapesEqual(cur.shape, t.shape)) {
        errors.push(`size mismatch for ${k}: copying a param with shape ${fmtShape(t.shape)} from checkpoint, the shape in current model is ${fmtShape(cur.shape)}.`);
      }
    }
    if (strict) {
      if (unexpectedKeys.length) errors.unshift(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}.`);
      if (missingKeys.length) errors.unshift(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}.`);
    }
    if (errors.length) throw new StateError(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join('\n\t')}`);
    // Copy into the existing storage, as torch's param.copy_(): tied weights stay tied and references
    // held elsewhere (an optimizer's parameter list) see the new values.
    for (const [k, t] of Object.entries(sd)) {
      const cur = own[k];
      if (!cur) continue;
      if (!cur.value) throw new StateError(`loadStateDict: ${k} is a traced tensor (inside functionalCall, vmap or a trace); load state outside the transform`);
      if (!t.value) throw new StateError(`loadStateDict: the value given for ${k} is a traced tensor; only concrete tensors can be loaded`);
      cur.value.set((t.dtype === cur.dtype ? t.value : convertArray(t.value, cur.dtype)) as never);
    }
    return { missingKeys, unexpectedKeys };
  }

  /** Finds the module and attribute that a dotted state-dict name points at. */
  resolve(name: string): {
    /** The module that holds the attribute. */
    owner: Module;
    /** The attribute's name on it. */
    key: string;
  } {
    const parts = name.split('.');
    let owner: Module = this;
    for (const p of parts.slice(0, -1)) {
      const next = owner.get(p);
      if (!(next instanceof Module)) throw new StateError(`${this.constructor.name} has no submodule '${p}' (looking up '${name}')`);
      owner = next;
    }
    return { owner, key: parts[parts.length - 1]! };
  }

  /** @internal Reads an attribute by name. */
  get(key: string): unknown {
    return (this as unknown as Record<string, unknown>)[key];
  }

  /** @internal Writes an attribute by name (functionalCall swaps tensors through this). */
  set(key: string, value: unknown): void {
    (this as unknown as Record<string, unknown>)[key] = value;
  }

  /**
   * Stores `t` as a parameter under `name` (wrapped in a Parameter unless it is one), as torch's
   * register_parameter.
   */
  registerParameter(name: string, t: Tensor): Parameter {
    const p = t instanceof Parameter ? t : new Parameter(t);
    this.set(name, p);
    return p;
  }

  /** Stores `t` as a buffer under `name`; a non-persistent buffer is left out of the state dict. */
  registerBuffer(name: string, t: Tensor, options: { persistent?: boolean } = {}): Buffer {
    const b = new Buffer(t, options);
    this.set(name, b);
    return b;
  }

  /** Sets training mode (or eval mode with `false`) on this module and every submodule; returns this. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /**
   * Sets eval mode (dropout off, batch norm uses running statistics) on this module and every submodule;
   * returns this.
   */
  eval(): this {
    return this.train(false);
  }

  /** Calls fn on every submodule (children first) and then this module, as torch's Module.apply. */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }
}
