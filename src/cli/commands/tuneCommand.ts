import { writeFileAtomic } from '../../output/writeJsonAtomic.js';
import { folderTimestamp } from '../../output/folderTimestamp.js';
import { join, resolve } from 'node:path';
import { describeTarget } from '../../target/describeTarget.js';
import { resolveTarget } from '../../target/resolveTarget.js';
import { EXIT } from '../../errors/errorCatalogue.js';
import { renderTuneChart } from '../../report/charts/tuneChart.js';
import { WorkerTuner } from '../../runner/WorkerTuner.js';
import { loadScenario } from '../../scenario/loadScenario.js';
import { defineCommand, onePositional, intFlag } from '../parseCommandArgs.js';

export const tuneHelp = `Usage: dvbench tune <scenario> [--max N] [--out DIR] [--repeat R] [--target mock|URL]

Answers "how many workers should I use?": runs the scenario's work with 1, 2, 4, ... up to N
concurrent workers (stopping once throughput falls or 429s start), then up to three counts
between the doubling points around the knee. Fits both the Universal Scalability Law
X(N) = λN / (1 + σ(N−1) + κN(N−1)) and a capacity bound min(N·λ, C), keeps the one that
explains the points better, and reports the knee with the range the points bracket. Recommends
the fewest workers within 5% of the best measured throughput with no 429s, set against
x-ms-dop-hint and the concurrency limit. Writes DIR/tune.json and DIR/tune.png, and prints one
sentence.

Options:
  --max <n>       largest worker count to try (default 64)
  --out <dir>     output folder (default reports/<scenario>-tune-<timestamp>/)
  --repeat <n>    measured repetitions per worker count (default: the scenario's, at most 2)
  --target <t>    mock (default) or an org URL
  -h, --help      show this help

Exit codes: 0 a recommendation, 1 none (every count failed or met 429s, or the run stopped),
2 invalid input, 130 interrupted.
`;

const TUNE_OPTIONS = {
  max: { type: 'string' },
  out: { type: 'string' },
  repeat: { type: 'string' },
  target: { type: 'string' },
} as const;

export const tuneCommand = defineCommand(
  { name: 'tune', help: tuneHelp, options: TUNE_OPTIONS, positionals: true },
  async ({ values, positionals }, io) => {
    const file = onePositional('tune', positionals, 'scenario file');
    const max = intFlag('tune', 'max', values.max, 1, 4096) ?? 64;
    const repetitions = intFlag('tune', 'repeat', values.repeat, 1, 100);
    const loaded = await loadScenario(file);
    const target = resolveTarget({ flag: values.target, env: process.env });
    const outDir = resolve(values.out ?? `reports/` + `${loaded.scenario.name}-tune-${folderTimestamp()}`);
    const controller = new AbortController();
    const stop = (): void => {
      controller.abort('interrupted');
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      const tuner = new WorkerTuner(loaded, {
        outDir,
        target,
        max,
        signal: controller.signal,
        repetitions,
      });
      io.stderr.write(
        `dvbench tune: ${loaded.scenario.name}: 1, 2, 4, … up to ${max} workers, then the counts ` +
          `around the knee; target ${describeTarget(target)}\n`,
      );
      tuner.on('point', (p) =>
        io.stderr.write(
          `  ${String(p.workers).padStart(4)} ${p.workers === 1 ? 'worker: ' : 'workers:'} ${p.opsPerSec.toFixed(1)} ops/s, p95 ${p.p95Ms.toFixed(1)} ms${p.throttled > 0 ? `, ${p.throttled} 429s` : ''}${p.errors > 0 ? `, ${p.errors} errors` : ''}\n`,
        ),
      );
      const result = await tuner.run();
      const png = result.points.length > 0 ? renderTuneChart(result) : undefined;
      const chart = png === undefined ? undefined : join(outDir, 'tune.png');
      if (chart !== undefined && png !== undefined) await writeFileAtomic(chart, png);
      io.stdout.write(
        `${result.sentence}\ntune.json: ` +
          `${join(outDir, 'tune.json')}${chart === undefined ? '' : `\ntune.png: ${chart}`}\n`,
      );
      return result.recommendedWorkers === null ? EXIT.failed : EXIT.ok;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
);
