import type { AuthSpec } from '../client/auth/AuthSpec.js';
import { ownValue } from '../../util/ownValue.js';
import { errorCatalogue } from '../errors/errorCatalogue.js';

export type { AuthSpec } from '../client/auth/AuthSpec.js';

/** Where the target came from, said before a run starts so an exported DATAVERSE_URL never surprises. */
type TargetSource = '--target' | '--profile' | 'DATAVERSE_URL' | 'the scenario file' | 'the manifest' | 'default';

export type TargetSpec =
  | { readonly kind: 'mock'; readonly source?: TargetSource }
  | {
      readonly kind: 'org';
      readonly url: string;
      readonly identities: readonly AuthSpec[];
      readonly authorityHost?: string;
      readonly source?: TargetSource;
    };

export interface TargetInput {
  /** `--target mock` or `--target <url>`; wins over everything else. */
  readonly flag?: string | undefined;
  /**
   * A URL written in a file (a scenario's `target.url`, a manifest's `target`): never trusted with
   * credentials on its own.
   */
  readonly fromFile?: { readonly url: string; readonly what: 'the scenario file' | 'the manifest' } | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** A dry run sends nothing: it needs no credentials. @default true */
  readonly credentials?: boolean;
}

function need(env: TargetInput['env'], name: string, why: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    // Chosen by default (no DVBENCH_AUTH): a static token is the other way in, and the simplest.
    const orToken =
      name !== 'DATAVERSE_TOKEN' && (env.DVBENCH_AUTH ?? '').trim() === ''
        ? " Or set DATAVERSE_TOKEN to a bearer token for the org (e.g. from 'az account " +
          "get-access-token --resource <org URL>')."
        : '';
    throw errorCatalogue.DVB_ERR_TARGET_CONFIG(
      `target: ${name} is not set; it is needed ${why}.${orToken} See the README, "Running ` +
        `against a real org"; to run against the embedded mock instead, pass --target mock.`,
    );
  }
  return value.trim();
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * Which URL, and why. Credentials in the environment are bound to the URL they were given
 * for (`DATAVERSE_URL`, or `--target`): a URL that only a file names (a scenario someone
 * shared, a manifest) is refused unless the command line names the same URL, so a file can
 * never send the environment's token to a host of its choosing.
 */
function chooseUrl(input: TargetInput): { chosen: string | undefined; source: TargetSource } {
  const { env } = input;
  const envUrl = (env.DATAVERSE_URL ?? '').trim() === '' ? undefined : env.DATAVERSE_URL?.trim();
  if (input.flag !== undefined && input.flag !== '') return { chosen: input.flag, source: '--target' };
  if (input.fromFile !== undefined) {
    const file = originOf(input.fromFile.url);
    if (envUrl !== undefined && file !== undefined && originOf(envUrl) === file)
      return { chosen: envUrl, source: 'DATAVERSE_URL' };
    throw errorCatalogue.DVB_ERR_TARGET_CONFIG(
      `target: ${input.fromFile.what} names ` +
        `${input.fromFile.url}${envUrl === undefined ? '' : `, but DATAVERSE_URL is ${envUrl}`}; credentials are ` +
        `only sent to a URL given on the command line or in DATAVERSE_URL. Pass --target ` +
        `${input.fromFile.url} to confirm it, or ` +
        `--target mock.`,
    );
  }
  return envUrl === undefined ? { chosen: undefined, source: 'default' } : { chosen: envUrl, source: 'DATAVERSE_URL' };
}

/** Comma lists give several identities (application users): `AZURE_CLIENT_ID=a,b` with `AZURE_CLIENT_SECRET=s1,s2`. */
function list(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

type Env = Readonly<Record<string, string | undefined>>;

/** How each sign-in method reads its identities from the environment; `why` says what they are for. */
const IDENTITIES_FROM: Readonly<Record<string, (env: Env, why: string) => AuthSpec[]>> = {
  token: (env, why) => [{ method: 'token', token: need(env, 'DATAVERSE_TOKEN', why) }],
  'client-secret': (env, why) => {
    const tenantId = need(env, 'AZURE_TENANT_ID', why);
    const ids = list(need(env, 'AZURE_CLIENT_ID', why));
    const secrets = list(need(env, 'AZURE_CLIENT_SECRET', why));
    if (ids.length !== secrets.length) {
      throw errorCatalogue.DVB_ERR_TARGET_CONFIG(
        `target: AZURE_CLIENT_ID lists ` +
          `${ids.length} app(s) but AZURE_CLIENT_SECRET lists ${secrets.length} secret(s); give ` +
          `one secret per app, in the same order; or pass --target mock.`,
      );
    }
    return ids.map((clientId, i) => ({ method: 'client-secret', tenantId, clientId, clientSecret: secrets[i] ?? '' }));
  },
  certificate: (env, why) => [
    {
      method: 'certificate',
      tenantId: need(env, 'AZURE_TENANT_ID', why),
      clientId: need(env, 'AZURE_CLIENT_ID', why),
      certificatePath: need(env, 'AZURE_CLIENT_CERTIFICATE_PATH', why),
    },
  ],
  'device-code': (env, why) => [
    { method: 'device-code', tenantId: need(env, 'AZURE_TENANT_ID', why), clientId: need(env, 'AZURE_CLIENT_ID', why) },
  ],
  password: (env, why) => [
    {
      method: 'password',
      tenantId: need(env, 'AZURE_TENANT_ID', why),
      clientId: need(env, 'AZURE_CLIENT_ID', why),
      username: need(env, 'AZURE_USERNAME', why),
      password: need(env, 'AZURE_PASSWORD', why),
    },
  ],
};

/** An empty variable is an unset one (CI systems often export empty values). */
function has(env: Env, name: string): boolean {
  return (env[name] ?? '').trim() !== '';
}

/**
 * `DVBENCH_AUTH`, else a static token if `DATAVERSE_TOKEN` is set, a certificate if its path is,
 * else a client secret.
 */
function authMethod(env: Env): string {
  if (has(env, 'DVBENCH_AUTH')) return (env.DVBENCH_AUTH ?? '').trim();
  if (has(env, 'DATAVERSE_TOKEN')) return 'token';
  if (has(env, 'AZURE_CLIENT_CERTIFICATE_PATH')) return 'certificate';
  return 'client-secret';
}

function targetUrl(chosen: string): URL {
  let url: URL;
  try {
    url = new URL(chosen);
  } catch {
    throw errorCatalogue.DVB_ERR_TARGET_CONFIG(
      `target: '${chosen}' is neither 'mock' nor a URL such as ` +
        `https://contoso.crm.dynamics.com; pass --target mock for the embedded mock.`,
    );
  }
  if (url.protocol !== 'https:' && url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
    throw errorCatalogue.DVB_ERR_TARGET_CONFIG(
      `target: '${chosen}' must use https (Dataverse only serves https); pass --target mock for the embedded mock.`,
    );
  }
  return url;
}

/**
 * Picks the target: the embedded mock unless `--target <url>` or `DATAVERSE_URL` names an org,
 * then the sign-in method from `DVBENCH_AUTH` (default: a static token if `DATAVERSE_TOKEN` is
 * set, a certificate if `AZURE_CLIENT_CERTIFICATE_PATH` is, else a client secret).
 */
export function resolveTarget(input: TargetInput): TargetSpec {
  const { env } = input;
  const { chosen, source } = chooseUrl(input);
  if (chosen === undefined || chosen === '' || chosen === 'mock') return { kind: 'mock', source };
  const url = targetUrl(chosen);
  if (input.credentials === false) return { kind: 'org', url: url.origin, identities: [], source };
  const method = authMethod(env);
  const from = ownValue(IDENTITIES_FROM, method);
  if (from === undefined)
    throw errorCatalogue.DVB_ERR_TARGET_CONFIG(
      `target: DVBENCH_AUTH='${method}' is not one of client-secret, certificate, device-code, ` +
        `password, token; or pass --target mock.`,
    );
  const identities = from(env, `to sign in to ${url.origin} (the target, from ${source}) with DVBENCH_AUTH=${method}`);
  return {
    kind: 'org',
    url: url.origin,
    identities,
    source,
    ...(has(env, 'AZURE_AUTHORITY_HOST') ? { authorityHost: env.AZURE_AUTHORITY_HOST ?? '' } : {}),
  };
}
