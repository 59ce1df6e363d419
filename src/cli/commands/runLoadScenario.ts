import { join } from 'node:path';
import { jobRunOptions, type JobContext, type ScenarioJob } from './scenarioJob.js';
import { rampsOf, totalArrivals, totalMs } from '../../scenario/arrivalSchedule.js';
import type { LoadSpec } from '../../scenario/loadSchema.js';
import { LoadRun } from '../../load/LoadRun.js';
import type { LoadResults } from '../../load/LoadResults.js';
import { attachLoadProgress } from '../../report/load/attachLoadProgress.js';
import { writeLoadReports } from '../../report/load/writeLoadReports.js';
import type { SuiteEntry } from '../../report/writeSuiteSummary.js';
import { describeWindow, windowCount, worstWindow } from '../../report/load/objectiveText.js';
import { throttledByLimit } from '../../report/throttledByLimit.js';
import { timeCompressionNote } from '../../report/timeCompressionNote.js';

export interface LoadFlags {
  readonly allowWrites: boolean;
  readonly quiet: boolean;
  readonly durationMs: number | undefined;
}

function summary(r: LoadResults): string {
  const a = r.arrivals;
  const l = r.latencyMs;
  const compressed = timeCompressionNote(r);
  return [
    `Verdict: ` +
      `${r.verdict.status.toUpperCase()}${r.verdict.reasons.length > 0 ? ` (${r.verdict.reasons.join('; ')})` : ''}`,
    ...(compressed === undefined ? [] : [`${compressed}; ${r.realSeconds.toFixed(1)} s here`]),
    `arrivals: ${a.planned} planned, ` +
      `${a.sent} sent, ` +
      `${a.dropped} dropped at maxInFlight, ${a.late} late${a.interrupted > 0 ? `, ${a.interrupted} cancelled unanswered at the end` : ''}; ${r.operations} operations, ${r.failed} failed, ${r.throttledOps} met a 429`,
    `429s by limit: ${throttledByLimit(r.throttledByCode)}`,
    `latency from intended start: p50 ` +
      `${l.p50.toFixed(1)} ms, p95 ${l.p95.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, max ${l.max.toFixed(1)} ms`,
    ...r.slos.map((s) => {
      const worst = worstWindow(s);
      return (
        `objective ` +
        `${s.ok ? 'met' : 'MISSED'}: ${s.name} (${windowCount(s)}${worst === undefined ? '' : `; worst ${describeWindow(worst)}`})`
      );
    }),
    ...(r.soak.clientRssMb?.growing === true ? ['soak: client memory grew over the run'] : []),
    ...r.warnings.map((w) => `warning: ${w}`),
  ].join('\n');
}

/** A scenario with a `load` section: the load test, its reports and printed summary; the suite entry it makes. */
export async function runLoadScenario(job: ScenarioJob, context: JobContext<LoadFlags>): Promise<SuiteEntry> {
  const { flags, io } = context;
  const { loaded: l, outDir } = job;
  const run = new LoadRun(l, {
    ...jobRunOptions(job, context),
    ...(flags.durationMs === undefined ? {} : { durationMs: flags.durationMs }),
  });
  attachLoadProgress(run, io.stderr, flags.quiet);
  const results = await run.run();
  await writeLoadReports(outDir, results);
  io.stdout.write(
    `\n${l.scenario.name} (load test)\n` +
      `${summary(results)}\nresults: ${run.resultsPath}\nreport: ${join(outDir, 'load.md')} (and load.html, ` +
      `load.png, junit.xml)\n`,
  );
  return {
    file: l.path,
    name: l.scenario.name,
    resultsPath: run.resultsPath,
    results: null,
    error: results.verdict.status === 'failed' ? results.verdict.reasons.join('; ') : null,
  };
}

/** `--dry-run` of a load test: what the stages plan, sending nothing. */
export function describeLoadPlan(name: string, load: LoadSpec, durationMs: number | undefined): string {
  const planned = rampsOf(load);
  const ramps = durationMs === undefined ? planned : rampsOf(load, durationMs / totalMs(planned));
  const stages = ramps.map(
    (r, i) =>
      `  stage ` +
      `${i + 1}: ${(r.durationMs / 1000).toFixed(1)} s, ` +
      `${(r.fromRate * 1000).toFixed(2)} → ${(r.toRate * 1000).toFixed(2)} ops/s`,
  );
  return (
    `${name} (load test): ${totalArrivals(ramps)} arrivals over ` +
    `${(totalMs(ramps) / 1000).toFixed(1)} s, at most ${load.maxInFlight} in flight\n${stages.join('\n')}\n`
  );
}
