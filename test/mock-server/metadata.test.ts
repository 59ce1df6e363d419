import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { FetchClient, type FetchRequestConfig } from '@odata2ts/http-client-fetch';
import { afterAll, describe, expect, it } from 'vitest';
import { projectTableConfig } from '../helpers/projectTable.js';
import { useMockServer } from '../helpers/useMockServer.js';

const require = createRequire(import.meta.url);
const repoRoot = resolve(import.meta.dirname, '../..');

/** A custom table with a lookup to a standard one: `$metadata` must come from the same definitions as the store. */
const config = projectTableConfig([
  { name: 'new_name', type: 'string' },
  { name: 'new_budget', type: 'money' },
  { name: 'new_accountid', type: 'lookup', target: 'account', navigationProperty: 'new_AccountId' },
]);

interface OdatajsSchema {
  namespace: string;
  entityType: {
    name: string;
    key?: { propertyRef: { name: string }[] }[];
    property: { name: string; type: string }[];
  }[];
  entityContainer: { name: string; entitySet: { name: string; entityType: string }[] };
}

describe('mock server: $metadata', () => {
  const mock = useMockServer({ config });

  it('is CSDL XML in the Microsoft.Dynamics.CRM namespace, behind the bearer token as on Dataverse', async () => {
    const res = await mock.api('GET', '$metadata');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/xml');
    expect(res.headers['odata-version']).toBe('4.0');
    expect(res.text).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<edmx:Edmx Version="4.0"/);
    expect(res.text).toContain('<Schema Namespace="Microsoft.Dynamics.CRM" Alias="mscrm"');
    expect((await mock.api('GET', '$metadata', { token: null })).status).toBe(401);
  });

  it('an OData client from npm (Apache Olingo odatajs) reads it and queries the entity sets it names', async () => {
    // By file: the package's `main` names a file it does not ship, which Node warns about.
    const odatajs = require('odatajs/index.js') as {
      oData: {
        read: (req: object, ok: (data: any) => void, fail: (e: Error) => void, handler?: unknown) => void;
        metadataHandler: unknown;
      };
    };
    const headers = { Authorization: `Bearer ${mock.token}` };
    const read = (requestUri: string, handler?: unknown): Promise<any> =>
      new Promise((ok, fail) => {
        odatajs.oData.read({ requestUri, headers }, ok, fail, handler);
      });

    const metadata = await read(`${mock.server.apiUrl}$metadata`, odatajs.oData.metadataHandler);
    const schema = metadata.dataServices.schema[0] as OdatajsSchema;
    expect(schema.namespace).toBe('Microsoft.Dynamics.CRM');
    expect(schema.entityContainer.name).toBe('System');
    const sets = schema.entityContainer.entitySet.map((s) => s.name);
    expect(sets).toEqual([
      'accounts',
      'contacts',
      'opportunities',
      'quotes',
      'quotedetails',
      'systemusers',
      'new_projects',
    ]);
    const project = schema.entityType.find((t) => t.name === 'new_project');
    expect(project?.key?.[0]?.propertyRef.map((p) => p.name)).toEqual(['new_projectid']);
    expect(project?.property.map((p) => `${p.name}:${p.type}`)).toEqual(
      expect.arrayContaining(['new_name:Edm.String', 'new_budget:Edm.Decimal', '_new_accountid_value:Edm.Guid']),
    );

    // Every entity set it names answers a query, and a record written through it reads back.
    const account = await mock.api('POST', 'accounts', { body: { name: 'Olingo Ltd' } });
    expect(account.status).toBe(204);
    for (const set of sets) {
      const page = await read(`${mock.server.apiUrl}${set}?$top=1`);
      expect(Array.isArray(page.value), set).toBe(true);
    }
    const found = await read(`${mock.server.apiUrl}accounts?$select=name&$filter=name eq 'Olingo Ltd'`);
    expect(found.value.map((r: { name: string }) => r.name)).toEqual(['Olingo Ltd']);
  });

  describe('a code generator from npm (odata2ts)', () => {
    // Inside the repository, so the generated CommonJS resolves @odata2ts's runtime packages.
    const out = join(repoRoot, 'node_modules', '.cache', `dvbench-odata2ts-${process.pid}`);
    afterAll(async () => {
      await rm(out, { recursive: true, force: true });
    });

    it('generates a typed client from it that creates, queries, updates and deletes unchanged', async () => {
      await mkdir(out, { recursive: true });
      await writeFile(join(out, 'metadata.xml'), (await mock.api('GET', '$metadata')).text);
      await writeFile(join(out, 'package.json'), '{ "type": "commonjs" }\n');
      await writeFile(
        join(out, 'tsconfig.json'),
        JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'CommonJS', skipLibCheck: true } }),
      );
      const cli = join(repoRoot, 'node_modules', '@odata2ts', 'odata2ts', 'lib', 'run-cli.js');
      await promisify(execFile)(
        process.execPath,
        [cli, '-s', 'metadata.xml', '-o', 'gen', '-m', 'all', '-e', 'js', '-t', 'tsconfig.json'],
        { cwd: out },
      );

      const { MicrosoftDynamicsCrmService } = require(join(out, 'gen', 'MicrosoftDynamicsCrmService.js')) as {
        MicrosoftDynamicsCrmService: new (client: unknown, root: string) => any;
      };
      // Its config type, built on DOM typings, wants `cache` set; headers are all a caller needs.
      const requestConfig = { headers: { Authorization: `Bearer ${mock.token}` } } as unknown as FetchRequestConfig;
      const client = new FetchClient(requestConfig);
      const service = new MicrosoftDynamicsCrmService(client, mock.server.apiUrl.replace(/\/$/, ''));

      expect((await service.WhoAmI()).data.UserId).toMatch(/^[0-9a-f-]{36}$/);
      expect((await service.new_projects().create({ new_name: 'Apollo', new_budget: 1200 })).status).toBe(204);
      const page = await service
        .new_projects()
        .query((b: any, q: any) => b.select('new_projectid', 'new_name').filter(q.new_name.eq('Apollo')).top(5));
      expect(page.data.value).toHaveLength(1);
      const id = page.data.value[0].new_projectid as string;
      expect((await service.new_projects(id).patch({ new_budget: 1500 })).status).toBe(204);
      const one = await service.new_projects(id).query((b: any) => b.select('new_budget'));
      expect(one.data.new_budget).toBe(1500);
      expect((await service.new_projects(id).delete()).status).toBe(204);
      expect((await mock.api('GET', `new_projects(${id})`)).status).toBe(404);
    }, 120_000);
  });
});
