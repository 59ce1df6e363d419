import { beforeAll, describe, expect, it } from 'vitest';
import { createRecord, useMockServer } from '../helpers/useMockServer.js';

/** Nested `$expand` (Learn: "Join tables using OData": nested expand of collections) and a lambda inside a lambda. */
describe('mock server: nested $expand and nested lambdas', () => {
  const mock = useMockServer();
  const ids: Record<string, string> = {};

  const create = (set: string, body: Record<string, unknown>) => createRecord(mock, set, body);

  const bind = (nav: string, set: string, id: string | undefined) => ({
    [`${nav}@odata.bind`]: `/${set}(${id ?? ''})`,
  });

  beforeAll(async () => {
    await mock.reset();
    ids.ann = await create('contacts', { firstname: 'Ann', lastname: 'Lee' });
    ids.a1 = await create('accounts', { name: 'A1', ...bind('primarycontactid', 'contacts', ids.ann) });
    ids.a2 = await create('accounts', { name: 'A2' });
    ids.cy = await create('contacts', {
      firstname: 'Cy',
      lastname: 'Doe',
      ...bind('parentcustomerid_account', 'accounts', ids.a1),
    });
    ids.di = await create('contacts', {
      firstname: 'Di',
      lastname: 'Fox',
      ...bind('parentcustomerid_account', 'accounts', ids.a1),
    });
    ids.ed = await create('contacts', {
      firstname: 'Ed',
      lastname: 'Go',
      ...bind('parentcustomerid_account', 'accounts', ids.a2),
    });
    await create('opportunities', {
      name: 'Big',
      estimatedvalue: 9000,
      ...bind('customerid_contact', 'contacts', ids.cy),
    });
    await create('opportunities', {
      name: 'Small',
      estimatedvalue: 10,
      ...bind('customerid_contact', 'contacts', ids.cy),
    });
    await create('opportunities', {
      name: 'Small',
      estimatedvalue: 20,
      ...bind('customerid_contact', 'contacts', ids.ed),
    });
  });

  async function get(path: string) {
    const res = await mock.api('GET', path);
    expect(res.status, res.text).toBe(200);
    return res.json;
  }

  it('expands a collection inside a collection: each related record carries its own related records', async () => {
    const body = await get(
      `accounts?$select=name&$orderby=name&$expand=contact_customer_accounts($select=fullname;$filter=${encodeURIComponent("lastname ne 'Fox'")};$expand=opportunity_customer_contacts($select=name;$orderby=name))`,
    );
    const shape = (body.value as any[]).map((a) => [
      a.name,
      (a.contact_customer_accounts as any[]).map((c) => [
        c.fullname,
        (c.opportunity_customer_contacts as any[]).map((o) => o.name),
      ]),
    ]);
    expect(shape).toEqual([
      ['A1', [['Cy Doe', ['Big', 'Small']]]],
      ['A2', [['Ed Go', ['Small']]]],
    ]);
  });

  it('expands through single-valued and collection navigation in one retrieve', async () => {
    const body = await get(
      `contacts(${ids.cy})?$select=fullname&$expand=parentcustomerid_account($select=name;$expand=primarycontactid($select=fullname),contact_customer_accounts($select=firstname;$orderby=firstname))`,
    );
    expect(body.parentcustomerid_account).toMatchObject({
      name: 'A1',
      primarycontactid: { fullname: 'Ann Lee', contactid: ids.ann },
    });
    expect((body.parentcustomerid_account.contact_customer_accounts as any[]).map((c) => c.firstname)).toEqual([
      'Cy',
      'Di',
    ]);
  });

  it.each([
    [
      'contact_customer_accounts($orderby=fullname;$expand=opportunity_customer_contacts)',
      "$orderby and $top are not supported inside $expand of the collection 'contact_customer_accounts' when it has a nested $expand",
    ],
    ['primarycontactid($expand=nosuch)', "Could not find a property named 'nosuch'"],
    [
      Array.from({ length: 16 }).reduce<string>((inner) => `primarycontactid($expand=${inner})`, 'primarycontactid'),
      'exceeds the limit of 15',
    ],
  ])('refuses $expand=%s with a 400 naming the rule', async (expand, message) => {
    const res = await mock.api('GET', `accounts?$expand=${encodeURIComponent(expand)}`);
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain(message);
  });

  it('a lambda inside a lambda reads the inner records through its own variable', async () => {
    const names = async (filter: string) =>
      ((await get(`accounts?$select=name&$orderby=name&$filter=${encodeURIComponent(filter)}`)).value as any[]).map(
        (a) => a.name,
      );
    expect(
      await names("contact_customer_accounts/any(c: c/opportunity_customer_contacts/any(o: o/name eq 'Big'))"),
    ).toEqual(['A1']);
    expect(
      await names("contact_customer_accounts/any(c: c/opportunity_customer_contacts/any(o: o/name eq 'Small'))"),
    ).toEqual(['A1', 'A2']);
    // A2's only contact has only small opportunities; A1's Di has none, so "all" holds vacuously for Di but not for Cy.
    expect(
      await names('contact_customer_accounts/all(c: c/opportunity_customer_contacts/all(o: o/estimatedvalue lt 100))'),
    ).toEqual(['A2']);
    const cross = await mock.api(
      'GET',
      `accounts?$filter=${encodeURIComponent('contact_customer_accounts/any(c: c/opportunity_customer_contacts/any(o: o/name eq c/fullname))')}`,
    );
    expect(cross.status).toBe(400);
    expect(cross.json.error.message).toContain("properties are read through its variable ('o/<property>')");
  });
});
