// Sequential and ModuleList: children named 0, 1, 2, ... as in PyTorch.

import { StateError } from '../../ir/errors.js';
import { Module } from './module.js';

export class Sequential extends Module {
  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => this.set(String(i), m));
  }
  get length(): number {
    return this.children().length;
  }
  at(i: number): Module {
    const m = this.get(String(i < 0 ? i + this.length : i));
    if (!(m instanceof Module)) throw new StateError(`Sequential index ${i} is out of range for ${this.length} modules`);
    return m;
  }
  forward(x: unknown): unknown {
    let y = x;
    for (const m of this.children()) y = (m.forward as (v: unknown) => unknown)(y);
    return y;
  }
}

export class ModuleList extends Module {
  constructor(modules: readonly Module[] = []) {
    super();
    modules.forEach((m) => this.append(m));
  }
  get length(): number {
    return this.children().length;
  }
  append(m: Module): this {
    this.set(String(this.length), m);
    return this;
  }
  at(i: number): Module {
    const m = this.get(String(i < 0 ? i + this.length : i));
    if (!(m instanceof Module)) throw new StateError(`ModuleList index ${i} is out of range for ${this.length} modules`);
    return m;
  }
  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }
  forward(): never {
    throw new StateError('ModuleList has no forward; iterate over it in the parent module');
  }
}
