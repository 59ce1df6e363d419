import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { mockAdmin, startMockServer } from 'dvbench/mock';

let mock;
let admin;
let token;

before(async () => {
  // Auth on, as an org has it: the job under test gets a token from the mock's token endpoint.
  mock = await startMockServer();
  admin = mockAdmin(mock.url);
  token = await admin.token();
});

beforeEach(async () => {
  await admin.seed({ account: 5, contact: 10 });
});

after(async () => {
  await mock.close();
});

test('a request without a token is refused as Dataverse refuses it', async () => {
  const res = await fetch(`${mock.apiUrl}contacts`);
  assert.equal(res.status, 401);
});

test('the job reads the seeded contacts with a token', async () => {
  const res = await fetch(`${mock.apiUrl}contacts?$select=fullname`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = await res.json();
  assert.equal(res.status, 200);
  assert.equal(body.value.length, 10);
});
