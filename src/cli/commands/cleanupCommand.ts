import { join } from 'node:path';
import { createOrgTokenProviders } from '../../client/auth/createTokenProviders.js';
import { DataverseClient } from '../../client/DataverseClient.js';
import { resolveTarget } from '../../target/resolveTarget.js';
import { EXIT, errorCatalogue } from '../../errors/errorCatalogue.js';
import { deleteCreated, provenByManifest, readManifest } from '../../target/createdRecords.js';
import { defineCommand, onePositional } from '../parseCommandArgs.js';

export const cleanupHelp = `Usage: dvbench cleanup <run dir> [--target URL]

Deletes the records a run against an org created and did not delete (an interrupted run, or
--keep), as listed in <run dir>/created-records.json. Only records the run can be shown to
carry the run's proof are deleted: every id a run creates is made from a secret of the run
(kept in the manifest) and carries an HMAC of it, which no other record's id can; others are
listed as skipped and left alone, whatever the file says. A record already gone counts as
deleted.
Credentials come from the environment, as for 'dvbench run', and go only to DATAVERSE_URL or
--target: a manifest naming another URL is refused.

Exit codes: 0 done, 1 some records could not be deleted, 2 invalid input.
`;

export const cleanupCommand = defineCommand(
  { name: 'cleanup', help: cleanupHelp, options: { target: { type: 'string' } }, positionals: true },
  async ({ values, positionals }, io) => {
    const dir = onePositional('cleanup', positionals, 'run folder');
    const path = join(dir, 'created-records.json');
    const manifest = await readManifest(path);
    if (manifest === undefined)
      throw errorCatalogue.DVB_ERR_USAGE(
        `dvbench cleanup: ${path}: no list of created records, or not one dvbench wrote (only ` +
          `runs against an org write one).`,
      );
    if (manifest.records.length === 0) {
      io.stdout.write(`nothing to delete: every record of run ${manifest.runId} is already gone\n`);
      return EXIT.ok;
    }
    const target = resolveTarget({
      ...(values.target === undefined ? {} : { flag: values.target }),
      fromFile: { url: manifest.target, what: 'the manifest' },
      env: process.env,
    });
    if (target.kind !== 'org') throw errorCatalogue.DVB_ERR_USAGE(`dvbench cleanup: ${path} names no org.`);
    if (new URL(manifest.target).origin !== target.url)
      throw errorCatalogue.DVB_ERR_TARGET_CONFIG(
        `dvbench cleanup: ${path} lists records of ${manifest.target}, not of ${target.url}.`,
      );
    const client = new DataverseClient({
      url: target.url,
      identities: await createOrgTokenProviders(target.url, target.identities, { authorityHost: target.authorityHost }),
      connections: 8,
    });
    try {
      const result = await deleteCreated(client, path, manifest.records, (r) => provenByManifest(manifest, r));
      const gone = manifest.records.length - result.deleted - result.failed.length - result.skipped.length;
      io.stdout.write(
        `deleted ` +
          `${result.deleted} record(s) of run ` +
          `${manifest.runId}; ${gone} were already gone; ${result.skipped.length} skipped (not shown ` +
          `to be this run's)\n`,
      );
      for (const k of result.skipped) io.stderr.write(`skipped ${k}\n`);
      for (const f of result.failed) io.stderr.write(`could not delete ${f}\n`);
      return result.failed.length > 0 ? EXIT.failed : EXIT.ok;
    } finally {
      await client.close();
    }
  },
);
