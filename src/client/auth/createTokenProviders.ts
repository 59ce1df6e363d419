import type { AuthSpec } from './AuthSpec.js';
import { CachedTokenProvider } from './CachedTokenProvider.js';
import {
  clientCertificateSource,
  clientSecretSource,
  deviceCodeSource,
  usernamePasswordSource,
  type MsalCommon,
} from './msalSources.js';
import { mockTokenSource, staticTokenSource } from './simpleSources.js';
import type { TokenProvider, TokenSource } from './TokenProvider.js';

/** One cached token provider per identity of a real org. */
export async function createOrgTokenProviders(
  url: string,
  identities: readonly AuthSpec[],
  options: {
    authorityHost?: string | undefined;
    authorityMetadata?: string | undefined;
    print?: (message: string) => void;
  } = {},
): Promise<TokenProvider[]> {
  return Promise.all(
    identities.map(async (spec): Promise<TokenProvider> => {
      let source: TokenSource;
      if (spec.method === 'token') source = staticTokenSource(spec.token);
      else {
        const common: MsalCommon = {
          tenantId: spec.tenantId,
          clientId: spec.clientId,
          orgUrl: url,
          authorityHost: options.authorityHost,
          authorityMetadata: options.authorityMetadata,
        };
        if (spec.method === 'client-secret') source = clientSecretSource(common, spec.clientSecret);
        else if (spec.method === 'certificate') source = await clientCertificateSource(common, spec.certificatePath);
        else if (spec.method === 'device-code')
          source = deviceCodeSource(common, options.print ?? ((m) => process.stderr.write(`${m}\n`)));
        else source = usernamePasswordSource(common, spec.username, spec.password);
      }
      return new CachedTokenProvider(source);
    }),
  );
}

/** `count` distinct identities on the mock (apps `dvbench-1` … `dvbench-N`), each with its own limits. */
export function createMockTokenProviders(origin: string, count = 1, timeScale = 1): TokenProvider[] {
  // The mock's tokens live `timeScale` times shorter: so does the margin they are renewed within.
  const renewBeforeMs = 300_000 / timeScale;
  return Array.from(
    { length: count },
    (_, i) =>
      new CachedTokenProvider(mockTokenSource(origin, `dvbench-${i + 1}`, 'dvbench-mock-secret'), { renewBeforeMs }),
  );
}
