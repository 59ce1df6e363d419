import { beforeAll, describe, expect, it } from 'vitest';
import { useMockServer } from '../helpers/useMockServer.js';

describe('mock server: RetrieveTotalRecordCount and parameter aliases', () => {
  const mock = useMockServer();

  beforeAll(async () => {
    await mock.reset();
    await mock.seed({ account: 12, contact: 5 });
    await mock.api('POST', 'accounts', { body: { name: "O'Hara @home", revenue: 7 } });
  });

  it('counts each table named, inline or through an @alias, in the order given', async () => {
    const expected = {
      '@odata.context': `${mock.server.apiUrl}$metadata#Microsoft.Dynamics.CRM.RetrieveTotalRecordCountResponse`,
      EntityRecordCountCollection: { Count: 2, IsReadOnly: false, Keys: ['contact', 'account'], Values: [5, 13] },
    };
    const aliased = await mock.api(
      'GET',
      `RetrieveTotalRecordCount(EntityNames=@p1)?@p1=${encodeURIComponent('["contact","account"]')}`,
    );
    expect(aliased.status, aliased.text).toBe(200);
    expect(aliased.json).toEqual(expected);
    const inline = await mock.api(
      'GET',
      `RetrieveTotalRecordCount(EntityNames=${encodeURIComponent("['contact','account']")})`,
    );
    expect(inline.json).toEqual(expected);
  });

  it.each([
    ['RetrieveTotalRecordCount(EntityNames=@p1)', "The parameter alias '@p1' has no value"],
    [
      `RetrieveTotalRecordCount(EntityNames=${encodeURIComponent('["nosuch"]')})`,
      "EntityNames: no table named 'nosuch'",
    ],
    ['RetrieveTotalRecordCount(EntityNames=account)', 'EntityNames must be a list of table logical names'],
    ['RetrieveTotalRecordCount(Names=@p1)', 'RetrieveTotalRecordCount takes one parameter, EntityNames'],
  ])('%s → 400', async (path, message) => {
    const res = await mock.api('GET', path);
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain(message);
  });

  it('$filter and $orderby take @aliases; an @ inside a string literal is text', async () => {
    const res = await mock.api(
      'GET',
      `accounts?$select=name&$filter=revenue eq @rev and name ne @nm&$orderby=@order&@rev=7&@nm=${encodeURIComponent("'x'")}&@order=name`,
    );
    expect(res.status, res.text).toBe(200);
    expect(res.json.value.map((r: { name: string }) => r.name)).toEqual(["O'Hara @home"]);
    const literal = await mock.api(
      'GET',
      `accounts?$select=name&$filter=${encodeURIComponent("name eq 'O''Hara @home'")}`,
    );
    expect(literal.json.value).toHaveLength(1);
    const missing = await mock.api('GET', 'accounts?$filter=revenue eq @nope');
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toContain("The parameter alias '@nope' at position 11");
  });
});
