import type { TargetSpec } from '../client/target/resolveTarget.js';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import type { Scenario } from '../scenario/scenarioSchema.js';

/**
 * What a real org may be asked to do: dvbench never changes records it did not create. A
 * `data:` block is refused (an org is not seeded), and so are update, delete, upsert and mixed
 * workloads; workloads that create records, and script workloads (the user's code), need `allowWrites`. The same rules hold for a dry run.
 */
export function checkTargetSafety(scenario: Scenario, target: TargetSpec, allowWrites: boolean): void {
  if (target.kind !== 'org') return;
  if (Object.keys(scenario.data).length > 0) {
    throw errorCatalogue.DVB_ERR_TARGET_CONFIG(
      "target: a real org is not seeded: remove the data: block (reads use the org's own records; writes create their own).",
    );
  }
  const changing = scenario.workloads.filter(
    (w) => w.kind === 'update' || w.kind === 'delete' || w.kind === 'upsert' || w.kind === 'mixed',
  );
  if (changing.length > 0) {
    throw errorCatalogue.DVB_ERR_TARGET_CONFIG(
      `target: ${changing.map((w) => w.kind).join(', ')} workloads would change or delete records this run did not create; against a real org dvbench only reads and creates its own records (insert, transactional).`,
    );
  }
  if (scenario.workloads.some((w) => w.kind === 'script') && !allowWrites) {
    throw errorCatalogue.DVB_ERR_TARGET_CONFIG(
      `target: a script workload runs your own code against ${target.url}, and dvbench cannot know what it changes; pass --allow-writes to confirm. dvbench does not clean up after it: tag what it creates with ctx.tag and remove it in your code.`,
    );
  }
  const writes = scenario.workloads.some((w) => w.kind === 'insert' || w.kind === 'transactional');
  if (writes && !allowWrites) {
    throw errorCatalogue.DVB_ERR_TARGET_CONFIG(
      `target: this scenario writes into ${target.url}; pass --allow-writes to allow it (the records are tracked in created-records.json and deleted after each repetition; --keep keeps the last ones).`,
    );
  }
}
