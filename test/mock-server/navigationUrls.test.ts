import { beforeAll, describe, expect, it } from 'vitest';
import { createRecord, useMockServer } from '../helpers/useMockServer.js';

/** Navigation by URL: `<set>(<id>)/<single-valued nav>` and `<set>(<id>)/<relationship>/$count`. */
describe('mock server: navigation property URLs', () => {
  const mock = useMockServer();
  const ids: Record<string, string> = {};

  const create = (set: string, body: Record<string, unknown>) => createRecord(mock, set, body);

  beforeAll(async () => {
    await mock.reset();
    ids.ann = await create('contacts', { firstname: 'Ann', lastname: 'Lee', jobtitle: 'CEO' });
    ids.a1 = await create('accounts', { name: 'A1', 'primarycontactid@odata.bind': `/contacts(${ids.ann})` });
    ids.a2 = await create('accounts', { name: 'A2' });
    for (const [first, job] of [
      ['Cy', 'CFO'],
      ['Di', 'CTO'],
      ['Ed', 'CFO'],
    ])
      await create('contacts', {
        firstname: first,
        lastname: 'Doe',
        jobtitle: job,
        'parentcustomerid_account@odata.bind': `/accounts(${ids.a1})`,
      });
  });

  it('GET <record>/<single-valued navigation property> answers the related record as a retrieve of it does', async () => {
    const viaNav = await mock.api('GET', `accounts(${ids.a1})/primarycontactid?$select=fullname,jobtitle`);
    const direct = await mock.api('GET', `contacts(${ids.ann})?$select=fullname,jobtitle`);
    expect(viaNav.status, viaNav.text).toBe(200);
    expect(viaNav.json).toEqual(direct.json);
    expect(viaNav.json).toMatchObject({ contactid: ids.ann, fullname: 'Ann Lee', jobtitle: 'CEO' });
    expect(viaNav.headers.etag).toBe(direct.headers.etag);
  });

  it('an empty lookup answers 204; a missing record 404; /$ref and PATCH are other routes', async () => {
    expect((await mock.api('GET', `accounts(${ids.a2})/primarycontactid`)).status).toBe(204);
    const missing = await mock.api('GET', 'accounts(00000000-0000-0000-0000-000000000001)/primarycontactid');
    expect(missing.status).toBe(404);
    expect((await mock.api('PATCH', `accounts(${ids.a1})/primarycontactid`, { body: {} })).status).toBe(405);
    const ref = await mock.api('GET', `accounts(${ids.a1})/primarycontactid/$ref`);
    expect(ref.status).toBe(405);
  });

  it('GET <record>/<relationship>/$count counts the related records, $filter included, as text', async () => {
    const all = await mock.api('GET', `accounts(${ids.a1})/contact_customer_accounts/$count`);
    expect(all.status, all.text).toBe(200);
    expect(all.headers['content-type']).toMatch(/^text\/plain/);
    expect(all.text).toBe('3');
    const cfo = await mock.api(
      'GET',
      `accounts(${ids.a1})/contact_customer_accounts/$count?$filter=${encodeURIComponent("jobtitle eq 'CFO'")}`,
    );
    expect(cfo.text).toBe('2');
    expect((await mock.api('GET', `accounts(${ids.a2})/contact_customer_accounts/$count`)).text).toBe('0');
  });
});
