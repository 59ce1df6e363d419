import { describe, expect, it } from 'vitest';
import { resolveTarget } from './resolveTarget.js';

describe('resolveTarget', () => {
  it('is the embedded mock by default and with --target mock', () => {
    expect(resolveTarget({ env: {} })).toEqual({ kind: 'mock', source: 'default' });
    expect(resolveTarget({ flag: 'mock', env: { DATAVERSE_URL: 'https://x.crm.dynamics.com' } })).toEqual({
      kind: 'mock',
      source: '--target',
    });
  });

  it('reads a client-secret org from the environment, with several identities', () => {
    const env = {
      DATAVERSE_URL: 'https://contoso.crm.dynamics.com/',
      AZURE_TENANT_ID: 't',
      AZURE_CLIENT_ID: 'a, b',
      AZURE_CLIENT_SECRET: 's1,s2',
    };
    expect(resolveTarget({ env })).toEqual({
      kind: 'org',
      url: 'https://contoso.crm.dynamics.com',
      identities: [
        { method: 'client-secret', tenantId: 't', clientId: 'a', clientSecret: 's1' },
        { method: 'client-secret', tenantId: 't', clientId: 'b', clientSecret: 's2' },
      ],
      source: 'DATAVERSE_URL',
    });
  });

  it('picks the certificate or a static token when those variables are set', () => {
    expect(
      resolveTarget({
        env: {
          DATAVERSE_URL: 'https://c.crm.dynamics.com',
          AZURE_TENANT_ID: 't',
          AZURE_CLIENT_ID: 'a',
          AZURE_CLIENT_CERTIFICATE_PATH: '/p.pem',
        },
      }),
    ).toMatchObject({ identities: [{ method: 'certificate', certificatePath: '/p.pem' }] });
    expect(resolveTarget({ flag: 'https://c.crm.dynamics.com', env: { DATAVERSE_TOKEN: 'tok' } })).toMatchObject({
      identities: [{ method: 'token', token: 'tok' }],
    });
  });

  it.each([
    [
      { DATAVERSE_URL: 'https://c.crm.dynamics.com' },
      'target: AZURE_TENANT_ID is not set; it is needed to sign in to https://c.crm.dynamics.com (the target, from DATAVERSE_URL) with DVBENCH_AUTH=client-secret.',
    ],
    [
      {
        DATAVERSE_URL: 'https://c.crm.dynamics.com',
        AZURE_TENANT_ID: 't',
        AZURE_CLIENT_ID: 'a,b',
        AZURE_CLIENT_SECRET: 's',
      },
      'AZURE_CLIENT_ID lists 2 app(s) but AZURE_CLIENT_SECRET lists 1 secret(s)',
    ],
    [{ DATAVERSE_URL: 'not a url' }, "target: 'not a url' is neither 'mock' nor a URL"],
    [{ DATAVERSE_URL: 'http://c.crm.dynamics.com' }, 'must use https'],
    [
      { DATAVERSE_URL: 'https://c.crm.dynamics.com', DVBENCH_AUTH: 'kerberos' },
      "DVBENCH_AUTH='kerberos' is not one of",
    ],
  ])('explains what is missing: %j', (env, message) => {
    expect(() => resolveTarget({ env })).toThrow(message);
  });

  it("binds credentials to the URL they were given for: a file's URL needs DATAVERSE_URL or --target to name it too", () => {
    const env = { DATAVERSE_URL: 'https://mine.crm.dynamics.com', DATAVERSE_TOKEN: 'tok-123456' };
    const fromFile = { url: 'https://attacker.example.com', what: 'the scenario file' as const };
    expect(() => resolveTarget({ env, fromFile })).toThrow(
      'target: the scenario file names https://attacker.example.com, but DATAVERSE_URL is https://mine.crm.dynamics.com; credentials are only sent to a URL given on the command line or in DATAVERSE_URL.',
    );
    expect(() => resolveTarget({ env: { DATAVERSE_TOKEN: 'tok-123456' }, fromFile })).toThrow(
      'Pass --target https://attacker.example.com to confirm it, or --target mock.',
    );
    expect(
      resolveTarget({ env, fromFile: { url: 'https://mine.crm.dynamics.com/', what: 'the manifest' } }),
    ).toMatchObject({ kind: 'org', url: 'https://mine.crm.dynamics.com', source: 'DATAVERSE_URL' });
    expect(resolveTarget({ env, fromFile, flag: 'https://attacker.example.com' })).toMatchObject({
      kind: 'org',
      url: 'https://attacker.example.com',
      source: '--target',
    });
  });

  it('a dry run needs no credentials', () => {
    expect(resolveTarget({ env: { DATAVERSE_URL: 'https://c.crm.dynamics.com' }, credentials: false })).toEqual({
      kind: 'org',
      url: 'https://c.crm.dynamics.com',
      identities: [],
      source: 'DATAVERSE_URL',
    });
  });
});
