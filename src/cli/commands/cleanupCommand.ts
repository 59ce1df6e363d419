import { join } from 'node:path';
import { createOrgTokenProviders } from '../../client/auth/createTokenProviders.js';
import { DataverseClient } from '../../client/DataverseClient.js';
import { resolveTarget } from '../../client/target/resolveTarget.js';
import { EXIT, errorCatalogue } from '../../errors/errorCatalogue.js';
import { deleteCreated, readManifest } from '../../runner/createdRecords.js';
import { parseCommandArgs } from '../parseCommandArgs.js';

export const cleanupHelp = `Usage: dvbench cleanup <run dir>

Deletes the records a run against an org created and did not delete (an interrupted run, or
--keep), as listed in <run dir>/created-records.json; a record already gone counts as deleted.
Credentials come from the environment, as for 'dvbench run'.
`;

export async function cleanupCommand(argv: readonly string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  const { values, positionals } = parseCommandArgs('cleanup', argv, { help: { type: 'boolean', short: 'h' } }, true);
  if (values.help === true) {
    io.stdout.write(cleanupHelp);
    return EXIT.ok;
  }
  const [dir, extra] = positionals;
  if (dir === undefined || extra !== undefined) throw errorCatalogue.DVB_ERR_USAGE("dvbench cleanup: give exactly one run folder. See 'dvbench cleanup --help'.");
  const path = join(dir, 'created-records.json');
  const manifest = await readManifest(path);
  if (manifest === undefined) throw errorCatalogue.DVB_ERR_USAGE(`dvbench cleanup: ${path}: no list of created records (only runs against an org write one).`);
  if (manifest.records.length === 0) {
    io.stdout.write(`nothing to delete: every record of run ${manifest.runId} is already gone\n`);
    return EXIT.ok;
  }
  const target = resolveTarget({ flag: manifest.target, env: process.env });
  if (target.kind !== 'org') throw errorCatalogue.DVB_ERR_USAGE(`dvbench cleanup: ${path} names no org.`);
  const client = new DataverseClient({ url: target.url, identities: await createOrgTokenProviders(target.url, target.identities), connections: 8 });
  try {
    const result = await deleteCreated(client, path, manifest.records);
    io.stdout.write(`deleted ${result.deleted} record(s) of run ${manifest.runId}; ${manifest.records.length - result.deleted - result.failed.length} were already gone\n`);
    for (const f of result.failed) io.stderr.write(`could not delete ${f}\n`);
    return result.failed.length > 0 ? EXIT.failed : EXIT.ok;
  } finally {
    await client.close();
  }
}
