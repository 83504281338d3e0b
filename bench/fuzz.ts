// The long fuzz run: `npm run fuzz -- --graphs 1000 [--seed N] [--backends webgpu,cpu] [--target jvp] [--no-shrink]`; prints graphs run and failed.

import { activeBackends } from '../test/fuzz/backends.js';
import { runCampaign } from '../test/fuzz/campaign.js';
import { FUZZ_TARGETS, isFuzzTarget } from '../test/fuzz/targets.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const graphs = Number(arg('graphs') ?? 1000);
const seed = Number(arg('seed') ?? Date.now() % 2 ** 31);
const backends = activeBackends(arg('backends')?.split(','));
const shrink = !process.argv.includes('--no-shrink');
const target = arg('target') ?? 'ensemble';
if (!isFuzzTarget(target)) throw new Error(`--target must be one of ${Object.keys(FUZZ_TARGETS).join(', ')}, got ${target}`);

console.log(`fuzzing ${graphs} graphs (target ${target}), seed ${seed}, backends ${backends.map((b) => `${b.target} (${b.mode})`).join(', ')}`);
const r = await runCampaign({ graphs, seed, backends, shrink, target, log: (l) => console.log(l) });
console.log(`\ngraphs run: ${r.graphs}`);
console.log(`graphs failed: ${r.failed}`);
console.log(`graphs refused by a backend as expected (f64 on a device): ${r.refused}`);
for (const [k, n] of [...r.compared.entries()].sort()) console.log(`  ${k}: ${n}`);
for (const f of r.failures) console.log(`failure at run ${f.index} (${f.signature}), shrunk to path ${f.path}${f.file ? `: ${f.file}` : ''}`);
console.log(`time: ${(r.ms / 1000).toFixed(1)} s`);
process.exit(r.failed ? 1 : 0);
