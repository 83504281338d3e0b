// PyTorch's SGD/Adam/AdamW update rules written out per element in plain numbers, for the optimizer tests.

export interface SgdHyper { lr: number; momentum: number; dampening: number; weightDecay: number; nesterov: boolean; maximize: boolean }
export interface AdamHyper { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; amsgrad: boolean; maximize: boolean; decoupled: boolean }

/** torch.optim.SGD's _single_tensor_sgd for one tensor over a sequence of gradients. */
export function sgdReference(p0: readonly number[], grads: readonly (readonly number[])[], h: SgdHyper): number[] {
  const p = [...p0];
  let buf: number[] | undefined;
  for (const g of grads) {
    const d = g.map((gi, i) => (h.maximize ? -gi : gi) + (h.weightDecay !== 0 ? h.weightDecay * p[i]! : 0));
    let step = d;
    if (h.momentum !== 0) {
      buf = buf === undefined ? [...d] : buf.map((b, i) => h.momentum * b + (1 - h.dampening) * d[i]!);
      step = h.nesterov ? d.map((di, i) => di + h.momentum * buf![i]!) : buf;
    }
    for (let i = 0; i < p.length; i++) p[i] = p[i]! - h.lr * step[i]!;
  }
  return p;
}

/** torch.optim.Adam / AdamW's _single_tensor_adam(w) for one tensor over a sequence of gradients. */
export function adamReference(p0: readonly number[], grads: readonly (readonly number[])[], h: AdamHyper): number[] {
  const p = [...p0];
  const m = p.map(() => 0), v = p.map(() => 0), vmax = p.map(() => 0);
  let t = 0;
  for (const g0 of grads) {
    t += 1;
    if (h.decoupled) for (let i = 0; i < p.length; i++) p[i] = p[i]! * (1 - h.lr * h.weightDecay);
    const g = g0.map((gi, i) => (h.maximize ? -gi : gi) + (!h.decoupled && h.weightDecay !== 0 ? h.weightDecay * p[i]! : 0));
    const bc1 = 1 - h.beta1 ** t, bc2 = 1 - h.beta2 ** t;
    for (let i = 0; i < p.length; i++) {
      m[i] = h.beta1 * m[i]! + (1 - h.beta1) * g[i]!;
      v[i] = h.beta2 * v[i]! + (1 - h.beta2) * g[i]! * g[i]!;
      vmax[i] = Math.max(vmax[i]!, v[i]!);
      const denom = Math.sqrt(h.amsgrad ? vmax[i]! : v[i]!) / Math.sqrt(bc2) + h.eps;
      p[i] = p[i]! - (h.lr / bc1) * (m[i]! / denom);
    }
  }
  return p;
}
