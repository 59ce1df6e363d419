import { beforeEach, describe, expect, it } from 'vitest';
import { createMultiple, updateMultiple, upsertMultiple } from '../../src/client/bulk/bulkRequests.js';
import { useMockServer } from '../helpers/useMockServer.js';

describe('mock server: bulk messages', () => {
  const mock = useMockServer();

  beforeEach(async () => {
    await mock.reset();
  });

  async function count(): Promise<number> {
    return Number((await mock.api('GET', 'accounts/$count')).text);
  }

  it('CreateMultiple answers 200 with the new ids, in order', async () => {
    const req = createMultiple('accounts', 'account', [
      { name: 'a', accountnumber: 'B-1' },
      { name: 'b' },
      { name: 'c' },
    ]);
    const res = await mock.api('POST', req.path, { body: req.body });
    expect(res.status).toBe(200);
    expect(res.json['@odata.context']).toBe(
      `${mock.server.apiUrl}$metadata#Microsoft.Dynamics.CRM.CreateMultipleResponse`,
    );
    expect(res.json.Ids).toHaveLength(3);
    expect((await mock.api('GET', `accounts(${res.json.Ids[0]})?$select=name`)).json.name).toBe('a');
    expect(await count()).toBe(3);
  });

  it('UpdateMultiple updates by primary key (204); a missing record fails all of it', async () => {
    const ids = (
      await mock.api('POST', 'accounts/Microsoft.Dynamics.CRM.CreateMultiple', {
        body: createMultiple('accounts', 'account', [{ name: 'a' }, { name: 'b' }]).body,
      })
    ).json.Ids as string[];
    const ok = updateMultiple(
      'accounts',
      'account',
      ids.map((id) => ({ accountid: id, telephone1: '1' })),
    );
    expect((await mock.api('POST', ok.path, { body: ok.body })).status).toBe(204);
    expect((await mock.api('GET', `accounts(${ids[1]!})?$select=telephone1`)).json.telephone1).toBe('1');
    const bad = updateMultiple('accounts', 'account', [
      { accountid: ids[0], telephone1: '2' },
      { accountid: '00000000-0000-0000-0000-0000000000ff', telephone1: '2' },
    ]);
    const res = await mock.api('POST', bad.path, { body: bad.body });
    expect(res.status).toBe(404);
    expect((await mock.api('GET', `accounts(${ids[0]!})?$select=telephone1`)).json.telephone1).toBe('1');
  });

  it('UpsertMultiple creates and updates by alternate key through @odata.id', async () => {
    await mock.api('POST', 'accounts', { body: { name: 'old', accountnumber: 'U-1' } });
    const req = upsertMultiple('accounts', 'account', [
      { '@odata.id': "accounts(accountnumber='U-1')", name: 'updated' },
      { '@odata.id': "accounts(accountnumber='U-2')", name: 'created' },
    ]);
    expect((await mock.api('POST', req.path, { body: req.body })).status).toBe(204);
    expect((await mock.api('GET', "accounts(accountnumber='U-1')?$select=name")).json.name).toBe('updated');
    expect((await mock.api('GET', "accounts(accountnumber='U-2')?$select=name,accountnumber")).json).toMatchObject({
      name: 'created',
      accountnumber: 'U-2',
    });
    expect(await count()).toBe(2);
  });

  it('is all or nothing: one bad target and nothing is created', async () => {
    const req = createMultiple('accounts', 'account', [
      { name: 'fine' },
      { name: 'y'.repeat(161) },
      { name: 'fine too' },
    ]);
    const res = await mock.api('POST', req.path, { body: req.body });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('0x80044331');
    expect(await count()).toBe(0);
  });

  it.each([
    [
      { Targets: [{ name: 'no type' }] },
      "Targets[0]: the '@odata.type' annotation is required on every target of CreateMultiple.",
    ],
    [
      {
        Targets: [
          { '@odata.type': 'Microsoft.Dynamics.CRM.account', name: 'a' },
          { '@odata.type': 'Microsoft.Dynamics.CRM.contact', lastname: 'b' },
        ],
      },
      "Targets[1]: '@odata.type' is 'Microsoft.Dynamics.CRM.contact', but every target of CreateMultiple on accounts must be 'Microsoft.Dynamics.CRM.account'.",
    ],
    [{ Targets: [] }, 'CreateMultiple needs a non-empty "Targets" array.'],
    [{ targets: [] }, 'CreateMultiple needs a non-empty "Targets" array.'],
  ])('rejects %j', async (body, message) => {
    const res = await mock.api('POST', 'accounts/Microsoft.Dynamics.CRM.CreateMultiple', { body });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain(message);
    expect(await count()).toBe(0);
  });

  it('DeleteMultiple is not available on standard tables; unknown actions are 404; GET is not allowed', async () => {
    expect(
      (await mock.api('POST', 'accounts/Microsoft.Dynamics.CRM.DeleteMultiple', { body: { Targets: [] } })).json.error
        .message,
    ).toBe('DeleteMultiple has not yet been implemented.');
    expect((await mock.api('POST', 'accounts/Microsoft.Dynamics.CRM.Frobnicate', { body: {} })).status).toBe(404);
    expect((await mock.api('GET', 'accounts/Microsoft.Dynamics.CRM.CreateMultiple')).status).toBe(404);
  });

  it('a bulk request counts as one request toward the limit', async () => {
    const before = Number((await mock.api('GET', 'WhoAmI')).headers['x-ms-ratelimit-burst-remaining-xrm-requests']);
    const req = createMultiple(
      'accounts',
      'account',
      Array.from({ length: 100 }, (_, i) => ({ name: `n${i}` })),
    );
    await mock.api('POST', req.path, { body: req.body });
    const after = Number((await mock.api('GET', 'WhoAmI')).headers['x-ms-ratelimit-burst-remaining-xrm-requests']);
    expect(before - after).toBe(2);
  });
});
