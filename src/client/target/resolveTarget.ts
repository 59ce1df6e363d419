import { errorCatalogue } from '../../errors/errorCatalogue.js';

/** How to sign in to a real org; secrets come from the environment, never from files. */
export type AuthSpec =
  | { readonly method: 'client-secret'; readonly tenantId: string; readonly clientId: string; readonly clientSecret: string }
  | { readonly method: 'certificate'; readonly tenantId: string; readonly clientId: string; readonly certificatePath: string }
  | { readonly method: 'device-code'; readonly tenantId: string; readonly clientId: string }
  | { readonly method: 'password'; readonly tenantId: string; readonly clientId: string; readonly username: string; readonly password: string }
  | { readonly method: 'token'; readonly token: string };

export type TargetSpec =
  | { readonly kind: 'mock' }
  | { readonly kind: 'org'; readonly url: string; readonly identities: readonly AuthSpec[]; readonly authorityHost?: string };

export interface TargetInput {
  /** `--target mock` or `--target <url>`; wins over the environment. */
  readonly flag?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

function need(env: TargetInput['env'], name: string, why: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw errorCatalogue.DVB_ERR_TARGET_CONFIG(`target: ${name} is not set; it is needed ${why}. See the README, "Running against a real org".`);
  }
  return value.trim();
}

/** Comma lists give several identities (application users): `AZURE_CLIENT_ID=a,b` with `AZURE_CLIENT_SECRET=s1,s2`. */
function list(value: string): string[] {
  return value.split(',').map((v) => v.trim()).filter((v) => v !== '');
}

/**
 * Picks the target: the embedded mock unless `--target <url>` or `DATAVERSE_URL` names an org,
 * then the sign-in method from `DVBENCH_AUTH` (default: a static token if `DATAVERSE_TOKEN` is
 * set, a certificate if `AZURE_CLIENT_CERTIFICATE_PATH` is, else a client secret).
 */
export function resolveTarget(input: TargetInput): TargetSpec {
  const { env } = input;
  const chosen = input.flag ?? env.DATAVERSE_URL;
  if (chosen === undefined || chosen === '' || chosen === 'mock') return { kind: 'mock' };
  let url: URL;
  try {
    url = new URL(chosen);
  } catch {
    throw errorCatalogue.DVB_ERR_TARGET_CONFIG(`target: '${chosen}' is neither 'mock' nor a URL such as https://contoso.crm.dynamics.com.`);
  }
  if (url.protocol !== 'https:' && url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
    throw errorCatalogue.DVB_ERR_TARGET_CONFIG(`target: '${chosen}' must use https (Dataverse only serves https).`);
  }
  // An empty variable is an unset one (CI systems often export empty values).
  const has = (name: string): boolean => (env[name] ?? '').trim() !== '';
  const method = has('DVBENCH_AUTH') ? (env.DVBENCH_AUTH ?? '').trim() : has('DATAVERSE_TOKEN') ? 'token' : has('AZURE_CLIENT_CERTIFICATE_PATH') ? 'certificate' : 'client-secret';
  const why = `to sign in with DVBENCH_AUTH=${method}`;
  let identities: AuthSpec[];
  switch (method) {
    case 'token':
      identities = [{ method: 'token', token: need(env, 'DATAVERSE_TOKEN', why) }];
      break;
    case 'client-secret': {
      const tenantId = need(env, 'AZURE_TENANT_ID', why);
      const ids = list(need(env, 'AZURE_CLIENT_ID', why));
      const secrets = list(need(env, 'AZURE_CLIENT_SECRET', why));
      if (ids.length !== secrets.length) {
        throw errorCatalogue.DVB_ERR_TARGET_CONFIG(`target: AZURE_CLIENT_ID lists ${ids.length} app(s) but AZURE_CLIENT_SECRET lists ${secrets.length} secret(s); give one secret per app, in the same order.`);
      }
      identities = ids.map((clientId, i) => ({ method: 'client-secret', tenantId, clientId, clientSecret: secrets[i] ?? '' }));
      break;
    }
    case 'certificate': {
      const tenantId = need(env, 'AZURE_TENANT_ID', why);
      identities = [{ method: 'certificate', tenantId, clientId: need(env, 'AZURE_CLIENT_ID', why), certificatePath: need(env, 'AZURE_CLIENT_CERTIFICATE_PATH', why) }];
      break;
    }
    case 'device-code':
      identities = [{ method: 'device-code', tenantId: need(env, 'AZURE_TENANT_ID', why), clientId: need(env, 'AZURE_CLIENT_ID', why) }];
      break;
    case 'password':
      identities = [
        { method: 'password', tenantId: need(env, 'AZURE_TENANT_ID', why), clientId: need(env, 'AZURE_CLIENT_ID', why), username: need(env, 'AZURE_USERNAME', why), password: need(env, 'AZURE_PASSWORD', why) },
      ];
      break;
    default:
      throw errorCatalogue.DVB_ERR_TARGET_CONFIG(`target: DVBENCH_AUTH='${method}' is not one of client-secret, certificate, device-code, password, token.`);
  }
  return { kind: 'org', url: url.origin, identities, ...(has('AZURE_AUTHORITY_HOST') ? { authorityHost: env.AZURE_AUTHORITY_HOST ?? '' } : {}) };
}
