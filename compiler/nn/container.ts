// Sequential, ModuleList and ModuleDict: typed containers whose children are named as PyTorch names them (0, 1, ... or the keys).

import { StateError } from '../../ir/errors.js';
import type { Tensor } from '../trace/tensor.js';
import { Module, type Slot } from './module.js';

/** The input of a Sequential of `Ms`: its first module's forward's first argument; a Tensor for a list of unknown length. */
export type SequentialInput<Ms extends readonly Module[]> = Ms extends readonly [infer First, ...unknown[]]
  ? First extends {
      /** The first module's forward. */
      forward(x: infer X, ...rest: never[]): unknown;
    }
    ? X
    : Tensor
  : Tensor;
/** The output of a Sequential of `Ms`: what its last module's forward returns; a Tensor for a list of unknown length. */
export type SequentialOutput<Ms extends readonly Module[]> = Ms extends readonly [...unknown[], infer Last]
  ? Last extends {
      /** The last module's forward. */
      forward(...args: never[]): infer Y;
    }
    ? Y
    : Tensor
  : Tensor;

/**
 * torch.nn.Sequential: runs its modules in order, each on the previous one's output. Children are
 * named `0`, `1`, ..., so parameters are `0.weight`, `2.bias` as in PyTorch. With the modules written
 * out, `forward` is typed by the first module's input and the last one's output:
 * `new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU())`.
 */
export class Sequential<Ms extends readonly Module[] = Module[]> extends Module {
  /** The modules, in the order they run. */
  constructor(...modules: Ms) {
    super();
    modules.forEach((m, i) => this.set(String(i), m));
  }

  /** How many modules there are (len(seq)). */
  get length(): number {
    return this.children().length;
  }

  /** The module at `i` (negative counts from the end), as seq[i]; out of range is a StateError. */
  at(i: number): Ms[number] {
    const m = this.get(String(i < 0 ? i + this.length : i));
    if (!(m instanceof Module)) throw new StateError(`Sequential index ${i} is out of range for ${this.length} modules`);
    return m as Ms[number];
  }

  /** The modules in order. */
  [Symbol.iterator](): Iterator<Ms[number]> {
    return (this.children() as Ms[number][])[Symbol.iterator]();
  }

  /** Runs every module on the previous one's output. */
  forward(x: SequentialInput<Ms>): SequentialOutput<Ms> {
    let y: unknown = x;
    for (const m of this.children()) y = (m.forward as (v: unknown) => unknown)(y);
    return y as SequentialOutput<Ms>;
  }
}

/**
 * torch.nn.ModuleList: modules held in a list, named `0`, `1`, ... Iterating gives them with their own
 * type (`new nn.ModuleList([new nn.Linear(4, 4), new nn.Linear(4, 4)])` iterates `Linear`s), so the
 * parent's forward calls each one's typed forward. It has no forward of its own.
 */
export class ModuleList<M extends Module = Module> extends Module {
  /** The modules, in order. */
  constructor(modules: Iterable<M> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  /** How many modules there are. */
  get length(): number {
    return this.children().length;
  }

  /** Adds a module at the end. */
  append(m: M): this {
    if (!(m instanceof Module)) throw new StateError(`ModuleList.append: expected an nn.Module, got ${describe(m)}`);
    this.set(String(this.length), m);
    return this;
  }

  /** Adds each module at the end, in order. */
  extend(modules: Iterable<M>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /** The module at `i` (negative counts from the end); out of range is a StateError. */
  at(i: number): M {
    const m = this.get(String(i < 0 ? i + this.length : i));
    if (!(m instanceof Module)) throw new StateError(`ModuleList index ${i} is out of range for ${this.length} modules`);
    return m as M;
  }

  /** The modules in order. */
  [Symbol.iterator](): Iterator<M> {
    return (this.children() as M[])[Symbol.iterator]();
  }

  /** A ModuleList is not called: iterate over it in the parent module's forward. */
  forward(): never {
    throw new StateError('ModuleList has no forward; iterate over it in the parent module');
  }
}

/** One [key, module] pair of a ModuleDict of `T`, typed per key. */
export type ModuleDictEntry<T extends Record<string, Module>> = { [K in keyof T & string]: [K, T[K]] }[keyof T & string];

/**
 * torch.nn.ModuleDict: modules under string keys, in insertion order; each is a child named by its
 * key (`heads.cls.weight`). `get(key)` is typed per key when the keys are written out:
 * `new nn.ModuleDict({ cls: new nn.Linear(8, 10), box: new nn.Linear(8, 4) }).get('box')` is a Linear.
 * Iterating gives `[key, module]` pairs, as a JavaScript Map does (PyTorch iterates keys: see `keys()`).
 * It has no forward of its own.
 */
export class ModuleDict<T extends Record<string, Module> = Record<string, Module>> extends Module {
  readonly #keys: string[] = [];

  /** The modules under their keys, in the object's order. */
  constructor(modules?: T) {
    super();
    for (const [key, m] of Object.entries(modules ?? {})) this.#add(key, m);
  }

  #add(key: string, m: unknown): void {
    if (!(m instanceof Module)) throw new StateError(`ModuleDict: the value under '${key}' is ${describe(m)}, not an nn.Module`);
    if (key === '' || key.includes('.')) throw new StateError(`ModuleDict: key '${key}' cannot be a module name (empty, or it contains '.')`);
    if (!this.#keys.includes(key) && key in this) throw new StateError(`ModuleDict: key '${key}' is the name of a ModuleDict property; choose another key`);
    if (!this.#keys.includes(key)) this.#keys.push(key);
    this.set(key, m);
  }

  /** How many modules there are. */
  get length(): number {
    return this.#keys.length;
  }

  /** The module under `key`, as dict[key]; a key that is not there is a StateError that lists the keys. */
  override get<K extends keyof T & string>(key: K): T[K] {
    // Other attributes stay readable by name: module.ts reads every child and tensor through get().
    if (this.#keys.includes(key) || key in this) return super.get(key) as T[K];
    throw new StateError(`ModuleDict has no module '${key}'; its keys are ${this.#keys.join(', ') || '(none)'}`);
  }

  /** Whether a module is stored under `key` (key in dict). */
  has(key: string): key is keyof T & string {
    return this.#keys.includes(key);
  }

  /** Adds (or replaces) the module under each key of `modules`, as dict.update(). */
  update(modules: Partial<T>): this {
    for (const [key, m] of Object.entries(modules)) this.#add(key, m);
    return this;
  }

  /** The keys in insertion order. */
  keys(): (keyof T & string)[] {
    return [...this.#keys] as (keyof T & string)[];
  }

  /** The modules in insertion order. */
  values(): T[keyof T & string][] {
    return this.#keys.map((k) => super.get(k) as T[keyof T & string]);
  }

  /** [key, module] pairs in insertion order. */
  entries(): ModuleDictEntry<T>[] {
    return this.#keys.map((k) => [k, super.get(k)] as ModuleDictEntry<T>);
  }

  /** [key, module] pairs in insertion order. */
  [Symbol.iterator](): Iterator<ModuleDictEntry<T>> {
    return this.entries()[Symbol.iterator]();
  }

  /** @internal Children in insertion order (an object lists integer-like keys first; PyTorch keeps the order given). */
  protected override slots(): Slot[] {
    const own = super.slots();
    const rest = own.filter((s) => !this.#keys.includes(s.key));
    return [...rest, ...this.#keys.flatMap((k) => own.filter((s) => s.key === k))];
  }

  /** A ModuleDict is not called: pick modules from it in the parent module's forward. */
  forward(): never {
    throw new StateError('ModuleDict has no forward; call the modules it holds in the parent module');
  }
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'object') return `a ${(v as object).constructor?.name ?? 'object'}`;
  return `a ${typeof v}`;
}
