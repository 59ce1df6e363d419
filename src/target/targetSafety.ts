import type { TargetSpec } from './resolveTarget.js';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import { CHANGING_KINDS, ownRecordsBefore } from '../scenario/ownRecords.js';
import type { Scenario } from '../scenario/scenarioSchema.js';

const CREATING: ReadonlySet<string> = new Set(['insert', 'transactional', 'mixed', 'upsert']);

/**
 * What a real org may be asked to do: dvbench never changes records it did not create. The
 * scenario's data: is created in the org before the run (client-chosen ids, listed in
 * created-records.json first) and deleted after it; update, delete, upsert and mixed work gets
 * only those records. Anything that writes needs `allowWrites`. The same rules hold for a dry run.
 */
export function checkTargetSafety(scenario: Scenario, target: TargetSpec, allowWrites: boolean): void {
  if (target.kind !== 'org') return;
  // Every refusal names the org, where it came from, and the way back to the mock.
  const back =
    ` (The target is the org ${target.url}, from ${target.source ?? 'DATAVERSE_URL'}; to run on the ` +
    `embedded mock instead, pass --target mock.)`;
  const foreign = scenario.workloads.filter(
    (w, i) => CHANGING_KINDS.has(w.kind) && 'table' in w && ownRecordsBefore(scenario, i, w.table) === 0,
  );
  if (foreign.length > 0) {
    const w = foreign[0];
    const table = w !== undefined && 'table' in w ? w.table : '';
    throw errorCatalogue.DVB_ERR_TARGET_CONFIG(
      `target: ${foreign.map((x) => x.kind).join(', ')} workloads would change records this run ` +
        `did not create; against an org they work only on the run's own records: add data.${table} (created before ` +
        `the run, deleted after it).${back}`,
    );
  }
  if (scenario.workloads.some((w) => w.kind === 'script') && !allowWrites) {
    throw errorCatalogue.DVB_ERR_TARGET_CONFIG(
      `target: a script workload runs your own code against ${target.url}, and dvbench cannot ` +
        `know what it changes; pass --allow-writes to confirm. dvbench does not clean up after ` +
        `it: tag what it creates with ctx.tag and remove it in your code.${back}`,
    );
  }
  const seeded = Object.values(scenario.data).reduce((a, n) => a + n, 0);
  const writes = seeded > 0 || scenario.workloads.some((w) => CREATING.has(w.kind) || CHANGING_KINDS.has(w.kind));
  if (writes && !allowWrites) {
    const what =
      seeded > 0
        ? `creates the scenario's data (${seeded} record(s)) in ${target.url} before measuring, ` +
          `and its workloads write there`
        : `writes into ${target.url}`;
    throw errorCatalogue.DVB_ERR_TARGET_CONFIG(
      `target: this scenario ${what}; pass --allow-writes to allow it (every record is listed ` +
        `in created-records.json before it is sent and deleted after the run; --keep keeps them).${back}`,
    );
  }
}
