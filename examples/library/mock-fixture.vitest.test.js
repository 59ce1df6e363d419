import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { mockAdmin, startMockServer } from 'dvbench/mock';

let mock;
let admin;

beforeAll(async () => {
  // One mock per test file, on a free loopback port; no costs, so tests run at full speed.
  mock = await startMockServer({ noAuth: true });
  admin = mockAdmin(mock.url);
});

beforeEach(async () => {
  // Every test starts from the same 20 accounts (seeded values are deterministic).
  await admin.seed({ account: 20 });
});

afterAll(async () => {
  await mock.close();
});

test('the job sees every seeded account', async () => {
  const res = await fetch(`${mock.apiUrl}accounts?$select=name&$count=true`);
  const body = await res.json();
  expect(res.status).toBe(200);
  expect(body['@odata.count']).toBe(20);
});

test('a create lands in the mock', async () => {
  const res = await fetch(`${mock.apiUrl}accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Created by my job' }),
  });
  expect(res.status).toBe(204);
  const stats = await admin.stats();
  expect(stats.records.account).toBe(21);
});
