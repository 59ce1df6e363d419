import { compare, run } from 'dvbench';

// A scenario as an object: the same keys as a scenario file, checked by the same schema.
const scenario = {
  name: 'update-from-code',
  mock: { profile: 'default' },
  data: { account: 100 },
  workloads: [{ kind: 'update', table: 'account', count: 12, set: { telephone1: '+1-555-{i}' } }],
  strategies: ['sequential', { kind: 'async', workers: 4 }],
  repetitions: 2,
  warmup: 0,
};

const base = await run(scenario, { outDir: 'out/base', reports: false });
const current = await run(scenario, { outDir: 'out/current' });

for (const s of current.strategies) {
  console.log(`${s.name}: ${s.throughput.opsPerSec.toFixed(1)} ops/s, verdict ${s.verdict.status}`);
}
console.log(`fastest: ${current.fastest}, run verdict: ${current.verdict.status}`);

const comparison = await compare(base, 'out/current');
console.log(`regressions: ${comparison.regressions}`);
