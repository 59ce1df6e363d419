import { request } from 'undici';
import { parseMockConfig, type MockConfigInput } from '../../mock-server/index.js';
import { startEmbeddedMock } from '../../src/target/startEmbeddedMock.js';
import { startDelayProxy } from './startDelayProxy.js';

export interface StandInOrg {
  /** The org's URL as a client sees it: through the delay proxy. */
  readonly url: string;
  /** A bearer token from the stand-in's own token endpoint, as DATAVERSE_TOKEN carries one. */
  readonly token: string;
  /** The mock's own origin, behind the proxy: for the admin endpoints a test reads the truth from. */
  readonly mockUrl: string;
  close(): Promise<void>;
}

/**
 * A stand-in for a real org: the mock in its own process with costs the caller keeps to
 * itself, behind a proxy that adds a network round trip, reached by URL and bearer token as an
 * org is. `dvbench calibrate` is tested against stand-ins whose costs it is never told.
 */
export async function startStandInOrg(config: MockConfigInput, roundTripMs: number): Promise<StandInOrg> {
  const mock = await startEmbeddedMock(parseMockConfig(config));
  const proxy = await startDelayProxy(mock.url, roundTripMs);
  try {
    const res = await request(`${proxy.url}/standin-tenant/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'stand-in-app',
        client_secret: 'stand-in-secret',
        scope: `${proxy.url}/.default`,
      }).toString(),
    });
    const body = (await res.body.json()) as { access_token?: string };
    if (res.statusCode !== 200 || body.access_token === undefined)
      throw new Error(`the stand-in's token endpoint answered ${res.statusCode}`);
    return {
      url: proxy.url,
      token: body.access_token,
      mockUrl: mock.url,
      async close() {
        await proxy.close();
        await mock.stop();
      },
    };
  } catch (error) {
    await proxy.close();
    await mock.stop();
    throw error;
  }
}
