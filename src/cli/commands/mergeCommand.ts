import { join } from 'node:path';
import { EXIT, errorCatalogue } from '../../errors/errorCatalogue.js';
import { formatSummaryTable } from '../../report/formatSummaryTable.js';
import { mergeShards } from '../../report/mergeShards.js';
import { writeJsonAtomic } from '../../output/writeJsonAtomic.js';
import { writeReports } from '../../report/writeReports.js';
import { defineCommand } from '../parseCommandArgs.js';
import { readResults } from '../../report/readResults.js';

export const mergeHelp = `Usage: dvbench merge <shard results.json|dir>... --out <dir>

Combines the results of 'dvbench run --shard 1/n' ... '--shard n/n' into one run, exactly:
latency histograms are merged (not averaged), operations, requests, errors, 429s and retries
are summed, and each repetition's wall time is its slowest shard's. Writes <out>/results.json
and every report, with verdicts judged on the merged figures. Exit code 1 if the merged verdict is
failed, a merged threshold is missed or an audit failed.
`;

export const mergeCommand = defineCommand(
  { name: 'merge', help: mergeHelp, options: { out: { type: 'string' } }, positionals: true },
  async ({ values, positionals }, io) => {
    if (positionals.length < 2 || values.out === undefined)
      throw errorCatalogue.DVB_ERR_USAGE(
        "dvbench merge: give every shard's results and --out <dir>. See 'dvbench merge --help'.",
      );
    const shards = await Promise.all(
      positionals.map((p) => readResults(p.endsWith('.json') ? p : join(p, 'results.json'))),
    );
    const merged = mergeShards(shards);
    await writeJsonAtomic(join(values.out, 'results.json'), merged);
    const reports = await writeReports(values.out, merged);
    io.stdout.write(
      `${merged.scenario.name} (${shards.length} shards merged)\n` +
        `${formatSummaryTable(merged)}results: ${join(values.out, 'results.json')}\n`,
    );
    const missed = reports.thresholds.filter((t) => !t.passed && !t.skipped);
    for (const t of missed) io.stderr.write(`threshold missed: ${t.message}\n`);
    return missed.length > 0 || !merged.integrity.ok || merged.verdict.status === 'failed' ? EXIT.failed : EXIT.ok;
  },
);
