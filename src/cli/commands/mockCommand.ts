import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  applyProfile,
  describeMockCosts,
  isLoopbackHost,
  mergeConfig,
  MockConfigError,
  parseMockConfig,
  readMockConfigFile,
  selfSignedCertificate,
  startMockServer,
  type MockConfig,
  type MockCosts,
} from '../../../mock-server/index.js';
import { errorCatalogue } from '../../errors/errorCatalogue.js';
import { defineCommand, type CommandValues, intFlag, numberFlag } from '../parseCommandArgs.js';

export const mockHelp = `Usage: dvbench mock [options]

Starts the mock Dataverse Web API server and keeps it running until SIGINT or SIGTERM.
The first line on stdout is "listening on http://HOST:PORT".

Options:
  --port <n>       port to listen on; 0 picks a free one (default 5555)
  --host <h>       address to bind (default 127.0.0.1)
  --config <file>  mock configuration, YAML or JSON (custom tables, auth, ...)
  --profile <p>    costs from a profile, replacing the config's: default (published
                   Dataverse figures), zero (no costs) or a profile file; a config that
                   sets no latency, capacity, serializedFraction or contention gets
                   'default'
  --no-auth        accept requests without a bearer token
  --latency <ms>   base service time of every operation, in ms (lognormal jitter)
  --capacity <n>   operations served in parallel; more wait in a queue
  --time-scale <x> run the org's clock x times faster: every cost, window, Retry-After
                   and token lifetime divided by x (10: a 100 ms create takes 10 ms);
                   answers say their waits in both clocks (x-dvbench-wait-ms)
  --dop-hint <n>   value of the x-ms-dop-hint header (the profile's, else 48)
  --seed <n>       seed for sampled latencies and faults
  --tls            serve HTTPS with a certificate made at start (an authority and a server
                   certificate for localhost, 127.0.0.1, ::1 and --host); the authority's
                   certificate is written to a file (printed; removed on exit) for
                   NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE or SSL_CERT_FILE
  --tls-ca <file>  write the authority's certificate here instead (kept on exit)
  -h, --help       show this help

Web API root: http://HOST:PORT/api/data/v9.2/
Tokens:       POST http://HOST:PORT/<tenant>/oauth2/v2.0/token (or /oauth2/token)
Sign-in:      GET /<tenant>/v2.0/.well-known/openid-configuration, GET /common/discovery/instance:
              with --tls, MSAL and azure-identity take the mock as their authority
Admin:        GET /_mock/health, GET /_mock/stats, POST /_mock/reset, POST /_mock/seed
              (no token; a loopback Host and Origin only, JSON bodies: a web page cannot reach it)
Limits:       bodies 16 MiB each and 128 MiB at once, $batch answers 64 MiB, 500,000 seeded
              records per request (see the README's reliability section)
`;

const MOCK_OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  config: { type: 'string' },
  'no-auth': { type: 'boolean' },
  latency: { type: 'string' },
  capacity: { type: 'string' },
  'time-scale': { type: 'string' },
  'dop-hint': { type: 'string' },
  seed: { type: 'string' },
  profile: { type: 'string' },
  tls: { type: 'boolean' },
  'tls-ca': { type: 'string' },
} as const;

type MockValues = CommandValues<typeof MOCK_OPTIONS>;

/** The config keys the flags set, over the file's (or the defaults). */
function flagOverrides(values: MockValues): Record<string, unknown> {
  const overrides: Record<string, unknown> = {};
  const latency = numberFlag('mock', 'latency', values.latency, 0, 600_000);
  if (latency !== undefined) overrides.latency = { default: { baseMs: latency, distribution: 'lognormal' } };
  const capacity = intFlag('mock', 'capacity', values.capacity, 1, 100_000);
  if (capacity !== undefined) overrides.capacity = capacity;
  const timeScale = numberFlag('mock', 'time-scale', values['time-scale'], 0.001, 100_000);
  if (timeScale !== undefined) overrides.timeScale = timeScale;
  const dopHint = intFlag('mock', 'dop-hint', values['dop-hint'], 1, 1000);
  if (dopHint !== undefined) overrides.dopHint = dopHint;
  const seed = intFlag('mock', 'seed', values.seed, 0, 2 ** 31 - 1);
  if (seed !== undefined) overrides.seed = seed;
  return overrides;
}

/**
 * The config file (if any) with its profile under it and the flags over it. `--profile`
 * replaces the file's costs; without it, a config that sets no costs gets the default profile.
 */
async function mockConfig(values: MockValues): Promise<{ config: MockConfig; costs: MockCosts }> {
  const overrides = flagOverrides(values);
  const source = values.config ?? 'command-line flags';
  try {
    const raw = values.config === undefined ? {} : await readMockConfigFile(values.config);
    const baseDir = values.config === undefined ? process.cwd() : dirname(values.config);
    const { input, costs } =
      values.profile === undefined
        ? applyProfile(mergeConfig(raw, overrides), { fallback: 'default', baseDir })
        : applyProfile(raw, { override: values.profile, baseDir });
    return { config: parseMockConfig(mergeConfig(input, overrides), source), costs };
  } catch (error) {
    if (!(error instanceof MockConfigError)) throw error;
    const message =
      error.source === 'profile' && values.profile !== undefined
        ? `dvbench mock: --profile: ${error.problems.join('; ')}`
        : error.message;
    throw errorCatalogue.DVB_ERR_MOCK_CONFIG_INVALID(message);
  }
}

async function listen(
  options: Parameters<typeof startMockServer>[0] & { port: number; host: string },
): Promise<Awaited<ReturnType<typeof startMockServer>>> {
  const { port, host } = options;
  try {
    return await startMockServer(options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw errorCatalogue.DVB_ERR_LISTEN(
        `dvbench mock: port ${port} on ${host} is already in use; pick another with --port, or ` +
          `--port 0 for a free one.`,
      );
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EACCES') {
      throw errorCatalogue.DVB_ERR_LISTEN(`dvbench mock: cannot listen on ${host}:${port} (${code}).`);
    }
    throw error;
  }
}

/** The names and addresses the certificate covers: loopback's, and the host it listens on. */
function certificateHosts(host: string): string[] {
  const wildcard = host === '0.0.0.0' || host === '::';
  return ['localhost', '127.0.0.1', '::1', ...(wildcard ? [] : [host.replace(/^\[|\]$/g, '')])];
}

/** The authority's certificate, public, where clients can be pointed at it; --tls-ca chooses the file. */
async function writeCaFile(chosen: string | undefined, port: number, pem: string): Promise<string> {
  const file = resolve(chosen ?? join(tmpdir(), `dvbench-mock-ca-${port}.pem`));
  try {
    await writeFile(file, pem, { mode: 0o644 });
  } catch (error) {
    throw errorCatalogue.DVB_ERR_USAGE(
      `dvbench mock: --tls-ca: cannot write ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`,
    );
  }
  return file;
}

function tlsHelp(url: string, caFile: string): string {
  const host = new URL(url).host;
  return (
    `dvbench mock: TLS: certificates made for this run; trust their authority, ${caFile}:\n` +
    `  NODE_EXTRA_CA_CERTS=${caFile} (Node, dvbench run), REQUESTS_CA_BUNDLE=${caFile} (Python requests, ` +
    `azure-identity), SSL_CERT_FILE=${caFile} (OpenSSL)\n` +
    `  authority: ${url}/<tenant> (OpenID discovery at ${url}/<tenant>/v2.0/.well-known/openid-configuration); ` +
    `MSAL for Node: knownAuthorities ['${host}']; MSAL for Python and azure-identity: ` +
    `instance_discovery=False / disable_instance_discovery=True, or instance discovery at ${url}/common/discovery/instance\n`
  );
}

/** `dvbench mock`: resolves when the server has stopped after a signal. */
export const mockCommand = defineCommand(
  { name: 'mock', help: mockHelp, options: MOCK_OPTIONS },
  async ({ values }, io) => {
    const port = intFlag('mock', 'port', values.port, 0, 65535) ?? 5555;
    const { config, costs } = await mockConfig(values);
    const host = values.host ?? '127.0.0.1';
    const loopback = isLoopbackHost(host);
    const noAuth = values['no-auth'] === true;
    if (!loopback) {
      io.stderr.write(
        `dvbench mock: warning: listening on ${host} makes the mock reachable from other ` +
          `machines; its admin API (/_mock/reset, /_mock/seed) has no token` +
          `${noAuth ? ', and --no-auth opens the Web API too' : ''}.\n`,
      );
    }
    const tls = values.tls === true ? selfSignedCertificate(certificateHosts(host)) : undefined;
    const server = await listen({
      port,
      host,
      config,
      noAuth,
      loopbackAdminOnly: loopback,
      tls: tls === undefined ? undefined : { key: tls.keyPem, cert: tls.certPem },
    });
    const caFile = tls === undefined ? undefined : await writeCaFile(values['tls-ca'], server.port, tls.caPem);
    io.stdout.write(`listening on ${server.url}\n`);
    io.stderr.write(`dvbench mock: costs: ${describeMockCosts(costs)}\n`);
    if (caFile !== undefined) io.stderr.write(tlsHelp(server.url, caFile));
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void server
          .close()
          .then(() =>
            caFile === undefined || values['tls-ca'] !== undefined ? undefined : rm(caFile, { force: true }),
          )
          .then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
);
