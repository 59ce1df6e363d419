import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FetchClient, type FetchRequestConfig } from '@odata2ts/http-client-fetch';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_WITH_ACCOUNT } from '../helpers/projectTable.js';
import { useMockServer } from '../helpers/useMockServer.js';

const require = createRequire(import.meta.url);

describe("conformance: a code generator from npm (odata2ts) on the mock's $metadata", () => {
  const mock = useMockServer({ config: PROJECT_WITH_ACCOUNT });
  // Inside this package, so the generated CommonJS resolves @odata2ts's runtime packages.
  const out = join(import.meta.dirname, 'node_modules', '.cache', `dvbench-odata2ts-${process.pid}`);
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
    const cli = join(import.meta.dirname, 'node_modules', '@odata2ts', 'odata2ts', 'lib', 'run-cli.js');
    await promisify(execFile)(
      process.execPath,
      [cli, '-s', 'metadata.xml', '-o', 'gen', '-m', 'all', '-e', 'js', '-t', 'tsconfig.json'],
      { cwd: out },
    );

    // The enumerations Dataverse declares come out as the generator's own enums.
    const model = require(join(out, 'gen', 'MicrosoftDynamicsCrmModel.js')) as Record<string, Record<string, unknown>>;
    expect(model.AttributeTypeCode?.Picklist).toBe('Picklist');
    expect(model.AttributeRequiredLevel?.SystemRequired).toBe('SystemRequired');
    expect(Object.keys(model.EntityFilters ?? {})).toEqual(expect.arrayContaining(['Entity', 'Attributes', 'All']));

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
