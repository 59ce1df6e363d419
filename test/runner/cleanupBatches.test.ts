import { writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startMockServer, type MockConfigInput } from '../../mock-server/index.js';
import { createMockTokenProviders } from '../../src/client/auth/createTokenProviders.js';
import { DataverseClient } from '../../src/client/DataverseClient.js';
import { deleteCreated, type CreatedRecord } from '../../src/target/createdRecords.js';
import { connectMock } from '../helpers/useMockServer.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

/** An org with `count` contacts, a manifest listing them, and the requests the org has served so far. */
async function orgWithContacts(count: number, config: MockConfigInput = {}) {
  const server = await startMockServer({ port: 0, config: { profile: 'zero', ...config } });
  const handle = await connectMock(server);
  await handle.seed({ contact: count });
  const ids = (await handle.api('GET', 'contacts?$select=contactid')).json.value.map(
    (r: { contactid: string }) => r.contactid,
  ) as string[];
  const records: CreatedRecord[] = ids.map((id) => ({ set: 'contacts', id, run: 'r' }));
  const manifest = join(await tempDir('dvbench-cleanup-'), 'created-records.json');
  await writeFile(
    manifest,
    JSON.stringify({ runId: 'r', startedAt: new Date().toISOString(), target: server.url, runs: [], records }),
  );
  const client = new DataverseClient({ url: server.url, identities: createMockTokenProviders(server.url) });
  const served = async (): Promise<number> => (await handle.raw('GET', '/_mock/stats')).json.requests.total as number;
  return { server, client, records, manifest, served };
}

describe('deleting what a run created in an org', () => {
  it('sends $batches of 100 deletes: 250 records cost 3 requests, and the manifest is emptied', async () => {
    const org = await orgWithContacts(250);
    try {
      const before = await org.served();
      const result = await deleteCreated(org.client, org.manifest, org.records);
      expect(result).toEqual({ deleted: 250, failed: [], skipped: [], requests: 3 });
      expect(org.server.context.store.counts().contact).toBe(0);
      expect((await org.served()) - before).toBe(3);
      expect(JSON.parse(await readFile(org.manifest, 'utf8')).records).toEqual([]);
    } finally {
      await org.client.close();
      await org.server.close();
    }
  });

  it('deletes one by one what the batches could not, and counts a record already gone as gone', async () => {
    // Every $batch is refused (503, retried until the client gives up): the single deletes do it all.
    const org = await orgWithContacts(30, { faults: [{ kind: '503', rate: 1, operation: 'batch' }] });
    try {
      const [first] = org.records;
      if (first === undefined || !('id' in first)) throw new Error('no record');
      await org.client.delete('contacts', first.id);
      const result = await deleteCreated(org.client, org.manifest, org.records);
      expect(result.deleted).toBe(29);
      expect(result.failed).toEqual([]);
      expect(org.server.context.store.counts().contact).toBe(0);
      expect(JSON.parse(await readFile(org.manifest, 'utf8')).records).toEqual([]);
    } finally {
      await org.client.close();
      await org.server.close();
    }
  });
});
