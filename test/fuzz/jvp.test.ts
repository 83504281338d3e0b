// The jvp fuzz target: it notices a wrong jvp rule, and a quick budget of random graphs agrees (reference, then every backend).

import { afterEach, describe, expect, it } from 'vitest';
import { UNARY_OPS } from '../../ir/op.js';
import { JVP_RULES, type JvpRule } from '../../compiler/passes/jvp-rules.js';
import { activeBackends } from './backends.js';
import { TEMPLATES } from './build.js';
import { runCampaign } from './campaign.js';
import { checkJvp } from './jvp-check.js';

const rules = JVP_RULES as unknown as Record<string, JvpRule<'tanh'> | JvpRule<'max'>>;
const original = { tanh: rules['tanh']!, max: rules['max']! };
afterEach(() => Object.assign(rules, original));

describe('the jvp fuzz target notices a wrong rule', () => {
  const program = { members: 3, mode: 'eval', randomness: 'error', dataSeed: 3, inputs: [{ dims: [4], kind: 0, mapping: 0, axis: 0, bound: 1 }], nest: 0, prefixDims: false, steps: [], outputs: [{ value: 0, dim: 0 }] } as const;
  const step = (template: string, b: number) => ({ op: TEMPLATES.findIndex((t) => t.name === template), a: 0, b, c: 0, d: 0 });

  it("tanh's tangent off by 1%: 'jvp vs finite differences'", async () => {
    const tanh = { ...program, steps: [step('unary', UNARY_OPS.indexOf('tanh'))] };
    expect((await checkJvp(tanh, { backends: [] })).failures).toEqual([]);
    const right = original.tanh;
    rules['tanh'] = ((ctx, node, ts) => ctx.emit('mul', [(right as JvpRule<'tanh'>)(ctx, node, ts)!, ctx.emit('full', [], { value: 1.01 }, { shape: node.shape, dtype: node.dtype })], {})) as JvpRule<'tanh'>;
    const v = await checkJvp(tanh, { backends: [] });
    expect(v.failures.map((f) => f.split(':')[0])).toEqual(['jvp vs finite differences', 'jvp vs vjp']);
  });

  it("amax summing the tangents of tied maxima (not averaging them, as the vjp does): 'jvp vs vjp', which sees the ties finite differences skip", async () => {
    // Integer-valued inputs make ties; amax over all of them.
    const tied = { ...program, inputs: [{ dims: [5, 2], kind: 1, mapping: 0, axis: 0, bound: 1 }], steps: [{ op: TEMPLATES.findIndex((t) => t.name === 'reduce'), a: 0, b: 2, c: 0, d: 0 }] };
    expect((await checkJvp(tied, { backends: [] })).failures).toEqual([]);
    rules['max'] = ((ctx, node, [t]) => {
      const x = node.inputs[0]!;
      const hit = ctx.emit('cmp_eq', [x, ctx.emit('expand', [node], { shape: [...x.shape] })], {});
      return ctx.emit('sum', [ctx.emit('mul', [hit, t!], {})], node.params);
    }) as JvpRule<'max'>;
    const v = await checkJvp(tied, { backends: [] });
    expect(v.failures.map((f) => f.split(':')[0])).toEqual(['jvp vs vjp']);
  });
});

describe('jvp fuzzing, quick budget', () => {
  it('random ensembles: jvp agrees with finite differences, the vjp and the jvp API on the CPU reference', async () => {
    const lines: string[] = [];
    const r = await runCampaign({ target: 'jvp', graphs: 40, seed: 20_250_714, backends: activeBackends(['reference']), shrinkTimeLimitMs: 60_000, write: false, log: (l) => lines.push(l) });
    expect(r.failures.map((f) => `${f.signature}\n${f.verdict.plan}\n${f.verdict.failures.join('\n')}`), lines.join('\n')).toEqual([]);
    expect(r.compared.get('jvp vs finite differences') ?? 0).toBeGreaterThan(30);
    expect(r.compared.get('jvp vs vjp') ?? 0).toBeGreaterThan(25);
    expect(r.compared.get('jvp api vs pass') ?? 0).toBeGreaterThan(20);
  }, 300_000);

  it('compiled jvps of random ensembles agree with eager on every runnable target', async () => {
    const backends = activeBackends(process.env['FUZZ_BACKENDS']?.split(','));
    const lines: string[] = [];
    const r = await runCampaign({ target: 'jvp', graphs: 10, seed: 20_250_715, backends, shrinkTimeLimitMs: 60_000, write: false, log: (l) => lines.push(l) });
    expect(r.failures.map((f) => `${f.signature}\n${f.verdict.plan}\n${f.verdict.failures.join('\n')}`), lines.join('\n')).toEqual([]);
    for (const b of backends.filter((x) => x.mode === 'run' && x.target !== 'reference')) {
      expect(r.compared.get(`${b.target} jvp vs eager`) ?? 0, `${b.target} was compared`).toBeGreaterThan(2);
    }
  }, 300_000);
});
