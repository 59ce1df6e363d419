import { describeMockCosts } from '../../mock-server/index.js';
import type { RunResults } from '../runner/RunResults.js';
import { timeCompressionNote } from './timeCompressionNote.js';

export interface RunFact {
  readonly label: string;
  /** Plain text; each renderer escapes it for its format. */
  readonly text: string;
  /** A URL or id a renderer may set as code. */
  readonly code?: string;
}

/** What was run, where and on what: the same facts at the top of every report. */
export function runFacts(results: RunResults): RunFact[] {
  const e = results.environment;
  const byKind = Object.entries(results.plan.byKind)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  const measured = results.strategies[0]?.repetitions.length ?? 0;
  const compressed = timeCompressionNote(results);
  return [
    { label: 'Target', text: results.target.kind === 'mock' ? 'embedded mock' : 'org', code: results.target.url },
    ...(results.mockCosts === null ? [] : [{ label: 'Mock costs', text: describeMockCosts(results.mockCosts) }]),
    ...(compressed === undefined ? [] : [{ label: 'Time', text: compressed }]),
    {
      label: 'Plan',
      text:
        `${results.plan.operations} operations per repetition (` +
        `${byKind})${results.scenario.phases ? ', as phases in order' : ''}, ${measured} measured repetition(s) after ${results.scenario.warmup} warm-up; allowed ` +
        `error rate ${(results.scenario.maxErrorRate * 100).toFixed(1)}%`,
    },
    ...(results.setup === undefined ||
    results.setup === null ||
    results.target.kind !== 'org' ||
    results.setup.requests === 0
      ? []
      : [
          {
            label: 'Set-up (not measured)',
            text:
              `the scenario's data created before the first repetition and put back between ` +
              `repetitions (${results.setup.created} record(s)), ${results.setup.deleted} record(s) the run ` +
              `created deleted; ${results.setup.requests} request(s), ${(results.setup.ms / 1000).toFixed(1)} s`,
          },
        ]),
    {
      label: 'Environment',
      text:
        `dvbench ` +
        `${e.dvbenchVersion}, Node ${e.node}, ${e.os} ${e.arch}, ${e.cpuModel} × ${e.cores}${e.ci ? ', CI' : ''}`,
    },
    { label: 'Run', text: `${results.runId}, started ${results.startedAt}` },
  ];
}
