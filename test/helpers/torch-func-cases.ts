// The torch.func composition cases (test/fixtures/torch-func) as functions of tensors: run eagerly, compiled, or built for CUDA.

import { F, functionalCall, grad, hessian, jacfwd, jacrev, jvp, linearize, nn, stackModuleState, type Tensor, vmap } from '../../index.js';
import * as ops from '../../compiler/trace/ops.js';
import type { EnsembleCase } from './backend-cases.js';
import { loadCase, TORCH_FUNC_DIR } from './reference.js';

type Dict = Record<string, Tensor>;

/** A case: `fn(...args)` returns a record whose keys are the fixture's output names, `expected` holds PyTorch's values. */
export interface TorchFuncCase extends EnsembleCase {
  readonly fixture: string;
  readonly expected: Dict;
}

/** Sequential(Linear(4, 8), Tanh(), Linear(8, 3)), the generator's MLP. */
const mlp = (): nn.Module => new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 3));

function prefixed(prefix: string, d: Dict): Dict {
  return Object.fromEntries(Object.entries(d).map(([k, v]) => [`${prefix}${k}`, v]));
}

/** Loads a fixture: the stacked params of its members, its io tensors, and f(p, x) = functionalCall(mlp, p, [x]). */
function load(fixture: string) {
  const c = loadCase(fixture, TORCH_FUNC_DIR);
  const models = c.members.map((sd) => {
    const m = mlp().eval();
    m.loadStateDict(sd);
    return m;
  });
  const { params } = stackModuleState(models);
  const base = models[0]!;
  const f = (p: Dict, x: Tensor): Tensor => functionalCall(base, p, [x]);
  const loss = (p: Dict, x: Tensor, y: Tensor): Tensor => F.crossEntropy(f(p, x), y);
  const io = c.io;
  const outputs = (c as unknown as { outputs: string[] }).outputs;
  const expected = Object.fromEntries(outputs.map((k) => [k, io[k]!]));
  const pick = (prefix: string): Dict => Object.fromEntries(Object.keys(params).map((k) => [k, io[`${prefix}${k}`]!]));
  return { c, params, f, loss, io, expected, pick };
}

function make(name: string, fixture: string, build: (l: ReturnType<typeof load>) => { fn: (...args: never[]) => Dict; args: unknown[] }): () => TorchFuncCase {
  return () => {
    const l = load(fixture);
    const { fn, args } = build(l);
    return { name, fixture, fn: fn as EnsembleCase['fn'], args, rtol: l.c.rtol, atol: l.c.atol, expected: l.expected };
  };
}

/** The empirical NTK of one member: sum over params of J J^T, J = per-input Jacobians [N, O, P]. */
function ntkOne(f: (p: Dict, x: Tensor) => Tensor, p: Dict, x: Tensor): Tensor {
  const fSingle = (pp: Dict, xi: Tensor): Tensor => f(pp, xi.unsqueeze(0)).squeeze(0);
  const jac = vmap(jacrev(fSingle), [null, 0])(p, x) as Dict;
  const [N, O] = Object.values(jac)[0]!.shape as [number, number];
  let acc: Tensor | undefined;
  for (const j of Object.values(jac)) {
    const rows = j.reshape([N * O, -1]);
    const k = rows.matmul(rows.t()).reshape([N, O, N, O]).permute([0, 2, 1, 3]);
    acc = acc ? acc.add(k) : k;
  }
  return acc!;
}

/** Every composition of issue 14, each against PyTorch. */
export const TORCH_FUNC_CASES: readonly (() => TorchFuncCase)[] = [
  make('vmap(jvp(f)) over members', 'jvp_forward', ({ params, f, io, pick }) => ({
    fn: (p: Dict, tp: Dict, x: Tensor, tx: Tensor): Dict => {
      const [out, tangent] = vmap((pi: Dict, ti: Dict, xi: Tensor, txi: Tensor) => jvp(f, [pi, xi], [ti, txi]), [0, 0, null, null])(p, tp, x, tx);
      return { out, tangent };
    },
    args: [params, pick('tp.'), io['x']!, io['tx']!],
  })),
  make('vmap(linearize(f)) over members (the jvp_forward case)', 'jvp_forward', ({ params, f, io, pick }) => ({
    fn: (p: Dict, tp: Dict, x: Tensor, tx: Tensor): Dict => {
      const [out, tangent] = vmap((pi: Dict, ti: Dict, xi: Tensor, txi: Tensor) => {
        const [o, jvpFn] = linearize(f, pi, xi);
        return [o, jvpFn(ti, txi)];
      }, [0, 0, null, null])(p, tp, x, tx);
      return { out, tangent };
    },
    args: [params, pick('tp.'), io['x']!, io['tx']!],
  })),
  make('vmap(jacrev(f)) over members, wrt the input and wrt the params dict', 'vmap_jacobian', ({ params, f, io }) => ({
    fn: (p: Dict, x: Tensor): Dict => ({
      jac_x: vmap(jacrev(f, 1), [0, null])(p, x),
      ...prefixed('jac_p.', vmap(jacrev(f, 0), [0, null])(p, ops.narrow(x, 0, 0, 2))),
    }),
    args: [params, io['x']!],
  })),
  make('vmap(jacfwd(f)) over members (the vmap_jacobian case)', 'vmap_jacobian', ({ params, f, io }) => ({
    fn: (p: Dict, x: Tensor): Dict => ({
      jac_x: vmap(jacfwd(f, 1), [0, null])(p, x),
      ...prefixed('jac_p.', vmap(jacfwd(f, 0), [0, null])(p, ops.narrow(x, 0, 0, 2))),
    }),
    args: [params, io['x']!],
  })),
  make('vmap(hessian(loss)) of a small MLP, a dict of dicts', 'vmap_hessian', ({ params, loss, io }) => ({
    fn: (p: Dict, x: Tensor, y: Tensor): Dict => {
      const H = vmap(hessian(loss), [0, null, null])(p, x, y) as Record<string, Dict>;
      return Object.fromEntries(Object.entries(H).flatMap(([a, row]) => Object.entries(row).map(([b, h]) => [`hessian/${a}/${b}`, h])));
    },
    args: [params, io['x']!, io['y']!],
  })),
  make('Hessian-vector products: vmap(jvp(grad(loss))) over members', 'hvp', ({ params, loss, io, pick }) => ({
    fn: (p: Dict, v: Dict, x: Tensor, y: Tensor): Dict => prefixed('hvp.', vmap((pi: Dict, vi: Dict) => jvp(grad((pp: Dict) => loss(pp, x, y)), [pi], [vi])[1])(p, v)),
    args: [params, pick('v.'), io['x']!, io['y']!],
  })),
  make('per-sample gradients vmap(grad(loss), [null, 0, 0]) nested in a vmap over members', 'per_sample_grads', ({ params, f, io }) => ({
    fn: (p: Dict, x: Tensor, y: Tensor): Dict => {
      const lossOne = (pp: Dict, xi: Tensor, yi: Tensor): Tensor => F.crossEntropy(f(pp, xi.unsqueeze(0)), yi.unsqueeze(0));
      return prefixed('grad.', vmap(vmap(grad(lossOne), [null, 0, 0]), [0, null, null])(p, x, y));
    },
    args: [params, io['x']!, io['y']!],
  })),
  make('empirical NTK of each member of a 4-member MLP ensemble on 8 inputs', 'ntk', ({ params, f, io }) => ({
    fn: (p: Dict, x: Tensor): Dict => ({ ntk: vmap((pi: Dict) => ntkOne(f, pi, x))(p) }),
    args: [params, io['x']!],
  })),
];
