import { request } from 'undici';
import { applyProfile, parseMockConfig } from '../../mock-server/index.js';
import { createMockTokenProviders } from '../client/auth/createTokenProviders.js';
import { DataverseClient } from '../client/DataverseClient.js';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import { startEmbeddedMock } from '../target/startEmbeddedMock.js';
import { PROBE_TABLE } from './ProbeRecords.js';

export interface LocalMock {
  readonly client: DataverseClient;
  /** Ids of the seeded accounts. */
  readonly ids: readonly string[];
  stop(): Promise<void>;
}

/**
 * The embedded mock in its own process, as a run starts it, with `accounts` seeded records and
 * a client signed in to it: the reference the org's probes are measured against, and where
 * candidate profiles are tried.
 */
export async function startLocalMock(mock: Record<string, unknown>, accounts: number): Promise<LocalMock> {
  const { input } = applyProfile(mock);
  const server = await startEmbeddedMock(parseMockConfig(input));
  const client = new DataverseClient({
    url: server.url,
    identities: createMockTokenProviders(server.url, 1),
    connections: 64,
  });
  const stop = async (): Promise<void> => {
    await client.close();
    await server.stop();
  };
  try {
    const seeded = await request(`${server.url}/_mock/seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seed: 1, counts: { [PROBE_TABLE.logicalName]: accounts } }),
    });
    await seeded.body.dump();
    const page = await client.send('GET', `${PROBE_TABLE.set}?$select=${PROBE_TABLE.key}&$top=${accounts}`);
    if (seeded.statusCode !== 200 || page.status !== 200)
      throw errorCatalogue.DVB_ERR_TARGET_UNREACHABLE(
        `calibrate: the local mock could not be seeded (HTTP ${seeded.statusCode}, ${page.status})`,
      );
    const ids = (JSON.parse(page.text) as { value: Record<string, string>[] }).value.flatMap(
      (r) => r[PROBE_TABLE.key] ?? [],
    );
    return { client, ids, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
