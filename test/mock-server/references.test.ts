import { beforeEach, describe, expect, it } from 'vitest';
import { parseMockConfig } from '../../mock-server/config/parseMockConfig.js';
import { entityIdOf, useMockServer } from '../helpers/useMockServer.js';

/** Learn's "Associate and disassociate table rows using the Web API", request for request. */
describe('mock server: $ref associate and disassociate, and collection-valued navigation', () => {
  const mock = useMockServer();
  let account = '';
  let other = '';
  let opportunity = '';

  beforeEach(async () => {
    await mock.reset();
    account = entityIdOf(await mock.api('POST', 'accounts', { body: { name: 'Contoso' } }));
    other = entityIdOf(await mock.api('POST', 'accounts', { body: { name: 'Fabrikam' } }));
    opportunity = entityIdOf(await mock.api('POST', 'opportunities', { body: { name: 'Deal' } }));
  });

  async function customerOf(id: string): Promise<{ value: string | null; etag: string }> {
    const res = await mock.api('GET', `opportunities(${id})?$select=_customerid_value`);
    expect(res.status).toBe(200);
    return { value: res.json._customerid_value as string | null, etag: res.json['@odata.etag'] as string };
  }

  it('PUT <nav>/$ref sets a single-valued navigation property; DELETE clears it; each is an update', async () => {
    const before = await customerOf(opportunity);
    const put = await mock.api('PUT', `opportunities(${opportunity})/customerid_account/$ref`, {
      body: { '@odata.id': `${mock.server.apiUrl}accounts(${account})` },
    });
    expect(put.status).toBe(204);
    const set = await customerOf(opportunity);
    expect(set.value).toBe(account);
    expect(set.etag).not.toBe(before.etag);
    expect((await mock.api('DELETE', `opportunities(${opportunity})/customerid_account/$ref`)).status).toBe(204);
    expect((await customerOf(opportunity)).value).toBeNull();
  });

  it('POST <relationship>/$ref associates; GET <relationship> lists; both DELETE forms disassociate', async () => {
    const post = await mock.api('POST', `accounts(${account})/opportunity_customer_accounts/$ref`, {
      body: { '@odata.id': `opportunities(${opportunity})` },
    });
    expect(post.status).toBe(204);
    expect((await customerOf(opportunity)).value).toBe(account);
    const listed = await mock.api('GET', `accounts(${account})/opportunity_customer_accounts?$select=name`);
    expect(listed.status).toBe(200);
    expect(listed.json.value.map((r: { name: string }) => r.name)).toEqual(['Deal']);
    expect((await mock.api('GET', `accounts(${other})/opportunity_customer_accounts`)).json.value).toEqual([]);

    const byKey = await mock.api('DELETE', `accounts(${account})/opportunity_customer_accounts(${opportunity})/$ref`);
    expect(byKey.status).toBe(204);
    expect((await customerOf(opportunity)).value).toBeNull();

    await mock.api('POST', `accounts(${account})/opportunity_customer_accounts/$ref`, {
      body: { '@odata.id': `opportunities(${opportunity})` },
    });
    const byId = await mock.api(
      'DELETE',
      `accounts(${account})/opportunity_customer_accounts/$ref?$id=${encodeURIComponent(`${mock.server.apiUrl}opportunities(${opportunity})`)}`,
    );
    expect(byId.status).toBe(204);
    expect((await customerOf(opportunity)).value).toBeNull();
  });

  it('associating through another account moves the record; disassociating from one it is not under changes nothing', async () => {
    for (const parent of [account, other])
      await mock.api('POST', `accounts(${parent})/opportunity_customer_accounts/$ref`, {
        body: { '@odata.id': `opportunities(${opportunity})` },
      });
    expect((await customerOf(opportunity)).value).toBe(other);
    const before = await customerOf(opportunity);
    expect(
      (await mock.api('DELETE', `accounts(${account})/opportunity_customer_accounts(${opportunity})/$ref`)).status,
    ).toBe(204);
    expect(await customerOf(opportunity)).toEqual(before);
  });

  it('a related collection pages and filters like any query', async () => {
    const contacts: string[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await mock.api('POST', 'contacts', {
        body: { lastname: `C${i}`, 'parentcustomerid_account@odata.bind': `/accounts(${account})` },
      });
      contacts.push(entityIdOf(res));
    }
    await mock.api('POST', 'contacts', {
      body: { lastname: 'Elsewhere', 'parentcustomerid_account@odata.bind': `/accounts(${other})` },
    });
    const seen: string[] = [];
    let url: string | undefined = `accounts(${account})/contact_customer_accounts?$select=lastname&$orderby=lastname`;
    let pages = 0;
    while (url !== undefined) {
      const res = await mock.api('GET', url, { headers: { prefer: 'odata.maxpagesize=3' } });
      expect(res.status, res.text).toBe(200);
      seen.push(...res.json.value.map((r: { lastname: string }) => r.lastname));
      url = res.json['@odata.nextLink'] as string | undefined;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(['C0', 'C1', 'C2', 'C3', 'C4', 'C5', 'C6']);
    const count = await mock.api('GET', `accounts(${account})/contact_customer_accounts/$count`);
    expect(count.status).toBe(200);
    expect(count.text).toBe('7');
    const some = await mock.api(
      'GET',
      `accounts(${account})/contact_customer_accounts?$select=lastname&$filter=lastname eq 'C3'`,
    );
    expect(some.json.value).toEqual([expect.objectContaining({ lastname: 'C3', contactid: contacts[3] })]);
  });

  it('$expand of a collection-valued navigation property, with $select, $filter, $orderby and $top inside', async () => {
    for (const lastname of ['Ames', 'Bell', 'Cole'])
      await mock.api('POST', 'contacts', {
        body: { lastname, 'parentcustomerid_account@odata.bind': `/accounts(${account})` },
      });
    const one = await mock.api(
      'GET',
      `accounts(${account})?$select=name&$expand=contact_customer_accounts($select=lastname;$filter=lastname ne 'Bell';$orderby=lastname desc;$top=5)`,
    );
    expect(one.status, one.text).toBe(200);
    expect(one.json.contact_customer_accounts.map((c: { lastname: string }) => c.lastname)).toEqual(['Cole', 'Ames']);
    expect(Object.keys(one.json.contact_customer_accounts[0] as object).sort()).toEqual([
      '@odata.etag',
      'contactid',
      'lastname',
    ]);

    const many = await mock.api(
      'GET',
      `accounts?$select=name&$orderby=name&$expand=contact_customer_accounts($select=lastname;$top=2)`,
    );
    expect(
      many.json.value.map((a: { name: string; contact_customer_accounts: unknown[] }) => [
        a.name,
        a.contact_customer_accounts.length,
      ]),
    ).toEqual([
      ['Contoso', 2],
      ['Fabrikam', 0],
    ]);
  });

  it('lambda operators: any and all over a relationship in $filter', async () => {
    for (const lastname of ['Ames', 'Bell'])
      await mock.api('POST', 'contacts', {
        body: { lastname, 'parentcustomerid_account@odata.bind': `/accounts(${account})` },
      });
    const names = async (filter: string): Promise<string[]> => {
      const res = await mock.api('GET', `accounts?$select=name&$orderby=name&$filter=${encodeURIComponent(filter)}`);
      expect(res.status, res.text).toBe(200);
      return res.json.value.map((a: { name: string }) => a.name);
    };
    expect(await names("contact_customer_accounts/any(c:c/lastname eq 'Ames')")).toEqual(['Contoso']);
    expect(await names("contact_customer_accounts/any(c: startswith(c/lastname,'B') and c/lastname ne null)")).toEqual([
      'Contoso',
    ]);
    expect(await names('contact_customer_accounts/any()')).toEqual(['Contoso']);
    expect(await names("contact_customer_accounts/all(c:c/lastname ne 'Bell')")).toEqual(['Fabrikam']);
    expect(await names("not contact_customer_accounts/any() or name eq 'Contoso'")).toEqual(['Contoso', 'Fabrikam']);
  });

  it.each([
    ["contact_customer_accounts/any(c:lastname eq 'x')", "properties are read through its variable ('c/<property>')"],
    [
      "primarycontactid/any(c:c/lastname eq 'x')",
      "'primarycontactid' at position 0 is not a collection-valued navigation property of 'account'",
    ],
    ['contact_customer_accounts/any(c:c/nosuch eq 1)', "Could not find a property named 'nosuch'"],
    ['contact_customer_accounts/all()', 'Syntax error at position 0'],
  ])('$filter=%s → 400 naming the rule', async (filter, message) => {
    const res = await mock.api('GET', `accounts?$filter=${encodeURIComponent(filter)}`);
    expect(res.status, res.text).toBe(400);
    expect(res.json.error.message).toContain(message);
  });

  it.each([
    [
      'primarycontactid($filter=lastname eq null)',
      "The query option '$filter' is not supported inside $expand of the single-valued navigation property 'primarycontactid'.",
    ],
    [
      'contact_customer_accounts($levels=2)',
      "The query option '$levels' is not supported inside $expand of 'contact_customer_accounts' by the dvbench mock",
    ],
    ['contact_customer_accounts($filter=nosuch eq 1)', "Could not find a property named 'nosuch'"],
    ['contact_customer_accounts($orderby=nosuch)', "'nosuch'"],
  ])('$expand=%s → 400 naming the rule', async (expand, message) => {
    const res = await mock.api('GET', `accounts?$expand=${expand}`);
    expect(res.status, res.text).toBe(400);
    expect(res.json.error.message).toContain(message);
  });

  it.each([
    [
      'POST',
      'opportunity_customer_accounts/$ref',
      { '@odata.id': 'accounts(ACCOUNT)' },
      400,
      'is a account, but opportunity_customer_accounts relates opportunity records',
    ],
    ['POST', 'opportunity_customer_accounts/$ref', { id: 'x' }, 400, 'A $ref body is one member, "@odata.id"'],
    [
      'POST',
      'opportunity_customer_accounts/$ref',
      { '@odata.id': 'opportunities(00000000-0000-0000-0000-000000000009)' },
      404,
      'Does Not Exist',
    ],
    ['PUT', 'opportunity_customer_accounts/$ref', { '@odata.id': 'opportunities(OPP)' }, 405, ''],
    ['DELETE', 'opportunity_customer_accounts/$ref', undefined, 400, 'Name the record to disassociate'],
    ['GET', 'opportunity_customer_accounts(OPP)', undefined, 404, ''],
    [
      'PUT',
      'primarycontactid/$ref',
      { '@odata.id': 'accounts(ACCOUNT)' },
      400,
      "refers to 'account', but the navigation property expects 'contact'",
    ],
  ])('%s accounts(id)/%s → %i', async (method, path, body, status, message) => {
    const fill = (text: string): string => text.replace('ACCOUNT', account).replace('OPP', opportunity);
    const res = await mock.api(method, `accounts(${account})/${fill(path)}`, {
      ...(body === undefined ? {} : { body: JSON.parse(fill(JSON.stringify(body))) as unknown }),
    });
    expect(res.status, res.text).toBe(status);
    if (message !== '') expect(res.json.error.message).toContain(message);
  });

  it('deep insert: related records nested in a create are made with it, bound both ways, all or none', async () => {
    await mock.reset();
    const res = await mock.api('POST', 'accounts', {
      body: {
        name: 'Sample Account',
        primarycontactid: { firstname: 'John', lastname: 'Smith' },
        opportunity_customer_accounts: [{ name: 'Opp 1' }, { name: 'Opp 2', estimatedvalue: 10 }],
      },
    });
    expect(res.status, res.text).toBe(204);
    const id = entityIdOf(res);
    const created = await mock.api(
      'GET',
      `accounts(${id})?$select=name&$expand=primarycontactid($select=fullname),opportunity_customer_accounts($select=name;$orderby=name)`,
    );
    expect(created.json.primarycontactid.fullname).toBe('John Smith');
    expect(created.json.opportunity_customer_accounts.map((o: { name: string }) => o.name)).toEqual(['Opp 1', 'Opp 2']);

    const counts = async (): Promise<number[]> =>
      Promise.all(
        ['accounts', 'contacts', 'opportunities'].map(async (set) =>
          Number((await mock.api('GET', `${set}/$count`)).text),
        ),
      );
    const before = await counts();
    expect(before).toEqual([1, 1, 2]);
    const bad = await mock.api('POST', 'accounts', {
      body: {
        name: 'Rolled back',
        primarycontactid: { lastname: 'Ok' },
        opportunity_customer_accounts: [{ name: 'x'.repeat(301) }],
      },
    });
    expect(bad.status).toBe(400);
    expect(await counts()).toEqual(before);

    let nested: Record<string, unknown> = { lastname: 'Deepest' };
    for (let i = 0; i < 6; i++)
      nested = { lastname: `C${i}`, parentcustomerid_account: { name: `A${i}`, primarycontactid: nested } };
    const tooDeep = await mock.api('POST', 'contacts', { body: nested });
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.json.error.message).toContain('Deep insert nests related records more than 10 levels deep');
    expect(await counts()).toEqual(before);

    const notArray = await mock.api('POST', 'accounts', {
      body: { name: 'x', opportunity_customer_accounts: { name: 'y' } },
    });
    expect(notArray.status).toBe(400);
    expect(notArray.json.error.message).toContain("'opportunity_customer_accounts' takes an array of related records");
    const onUpdate = await mock.api('PATCH', `accounts(${id})`, { body: { primarycontactid: { lastname: 'No' } } });
    expect(onUpdate.status).toBe(400);
    expect(onUpdate.json.error.message).toContain('is a deep insert, which only a create (POST) takes');
  });

  it('the parent must exist: 404 for $ref and the related collection alike', async () => {
    const missing = '00000000-0000-0000-0000-00000000000a';
    expect((await mock.api('GET', `accounts(${missing})/opportunity_customer_accounts`)).status).toBe(404);
    expect(
      (
        await mock.api('POST', `accounts(${missing})/opportunity_customer_accounts/$ref`, {
          body: { '@odata.id': `opportunities(${opportunity})` },
        })
      ).status,
    ).toBe(404);
  });

  it('a custom lookup gets a relationship, named <target>_<table>_<column> unless set; a clash is a config error', () => {
    const column = { name: 'new_accountid', type: 'lookup' as const, target: 'account' };
    const table = { logicalName: 'new_project', entitySetName: 'new_projects', columns: [column] };
    expect(() => parseMockConfig({ tables: [table] })).not.toThrow();
    expect(() =>
      parseMockConfig({ tables: [{ ...table, columns: [{ ...column, relationship: 'contact_customer_accounts' }] }] }),
    ).toThrow(
      "tables[0].columns[0].relationship: 'contact_customer_accounts' is already a column or relationship of 'account'",
    );
  });
});
