import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attachProgressReporter } from '../../src/report/attachProgressReporter.js';
import { ScenarioRun } from '../../src/runner/ScenarioRun.js';
import { loadScenario } from '../../src/index.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

describe('progress on a plain log (CI)', () => {
  it("says the run's estimated time, an ETA after each repetition, and a line during a long one", async () => {
    const loaded = await loadScenario({
      name: 'progress',
      mock: { latency: { default: { baseMs: 5, distribution: 'none' } } },
      data: { account: 10 },
      workloads: [{ kind: 'read', mode: 'retrieve', table: 'account', count: 80 }],
      strategies: ['sequential'],
      repetitions: 2,
      warmup: 0,
    });
    const run = new ScenarioRun(loaded, {
      outDir: join(await tempDir('dvbench-progress-'), 'out'),
      target: { kind: 'mock' },
    });
    const log = new PassThrough();
    let text = '';
    log.on('data', (chunk: Buffer) => (text += chunk.toString()));
    attachProgressReporter(run, log, { plainEveryMs: 100 });
    await run.run();
    expect(text).toMatch(
      /^dvbench: progress: 1 strategy, 80 operations each, target http:\/\/127\.0\.0\.1:\d+; (about \d+ s|under a second) by the cost model$/m,
    );
    expect(text).toMatch(/^ {2}repetition 1: \d+\/80 operations so far$/m);
    expect(text).toMatch(/^ {2}repetition 1: \d+ ms, [\d.]+ ops\/s \(run: (about \d+ s|under a second) left\)$/m);
    expect(text).toMatch(/^ {2}repetition 2: \d+ ms, [\d.]+ ops\/s \(run: under a second left\)$/m);
  });
});
