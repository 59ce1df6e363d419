import { setTimeout as sleep } from 'node:timers/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import { useMockServer } from '../helpers/useMockServer.js';

/** Learn's "Delete data in bulk": the BulkDelete action, its JobId and its system job, over a socket. */
describe('mock server: BulkDelete', () => {
  const mock = useMockServer();
  const names = ['Keep 1', 'Drop 1', 'Drop 2', 'Keep 2', 'Drop 3'];
  let ids: Record<string, string> = {};

  beforeEach(async () => {
    await mock.reset();
    ids = {};
    for (const name of names) {
      const res = await mock.api('POST', 'accounts', { body: { name } });
      expect(res.status).toBe(204);
      ids[name] = /\(([0-9a-f-]{36})\)$/.exec(String(res.headers['odata-entityid']))?.[1] ?? '';
    }
  });

  const body = (criteria: unknown, extra: Record<string, unknown> = {}) => ({
    JobName: 'Bulk delete test',
    SendEmailNotification: false,
    ToRecipients: [],
    CCRecipients: [],
    RecurrencePattern: '',
    StartDateTime: '2026-12-04T00:00:00Z',
    QuerySet: [
      {
        '@odata.type': 'Microsoft.Dynamics.CRM.QueryExpression',
        EntityName: 'account',
        ColumnSet: { AllColumns: false, Columns: [] },
        Criteria: criteria,
      },
    ],
    ...extra,
  });

  async function job(jobId: string): Promise<Record<string, unknown>> {
    for (let i = 0; i < 50; i++) {
      const res = await mock.api(
        'GET',
        `asyncoperations(${jobId})?$select=name,statecode,statuscode,message,operationtype`,
      );
      expect(res.status, res.text).toBe(200);
      if (res.json.statecode === 3) return res.json as Record<string, unknown>;
      await sleep(20);
    }
    throw new Error('the job never completed');
  }

  const remaining = async () =>
    ((await mock.api('GET', 'accounts?$select=name&$orderby=name')).json.value as { name: string }[]).map(
      (r) => r.name,
    );

  it('answers a JobId at once; the job deletes exactly what its query selects, as the SDK sends it (In on the key)', async () => {
    const drop = ['Drop 1', 'Drop 2', 'Drop 3'].map((n) => ids[n]);
    const res = await mock.api('POST', 'BulkDelete', {
      body: body({
        FilterOperator: 'And',
        Conditions: [
          {
            AttributeName: 'accountid',
            Operator: 'In',
            Values: drop.map((id) => ({ Value: id, Type: 'System.Guid' })),
          },
        ],
      }),
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json['@odata.context']).toMatch(/Microsoft\.Dynamics\.CRM\.BulkDeleteResponse$/);
    expect(res.json.JobId).toMatch(/^[0-9a-f-]{36}$/);
    const done = await job(res.json.JobId as string);
    expect(done).toMatchObject({ name: 'Bulk delete test', statecode: 3, statuscode: 30, operationtype: 13 });
    expect(done.message).toBe('Deleted 3 of 3 records.');
    expect(await remaining()).toEqual(['Keep 1', 'Keep 2']);
  });

  it('takes nested filters and the other condition operators (Like, Or)', async () => {
    const res = await mock.api('POST', 'BulkDelete', {
      body: body({
        FilterOperator: 'Or',
        Conditions: [{ AttributeName: 'name', Operator: 'Equal', Values: [{ Value: 'Keep 2' }] }],
        Filters: [
          {
            FilterOperator: 'And',
            Conditions: [{ AttributeName: 'name', Operator: 'Like', Values: [{ Value: 'Drop%' }] }],
          },
        ],
      }),
    });
    expect(res.status, res.text).toBe(200);
    await job(res.json.JobId as string);
    expect(await remaining()).toEqual(['Keep 1']);
  });

  it.each([
    [{ ...body(undefined), JobName: undefined }, 'JobName'],
    [{ ...body(undefined), QuerySet: [] }, 'QuerySet'],
    [body({ Conditions: [{ AttributeName: 'name', Operator: 'Sounds', Values: [] }] }), "operator 'Sounds'"],
    // A name every object inherits is not an operator either (it was a 500).
    [body({ Conditions: [{ AttributeName: 'name', Operator: 'toString', Values: [] }] }), "operator 'toString'"],
    [
      body({ Conditions: [{ AttributeName: 'nmae', Operator: 'Equal', Values: [{ Value: 'x' }] }] }),
      "attribute with Name = 'nmae'",
    ],
    [{ ...body(undefined), QuerySet: [{ EntityName: 'acount' }] }, "no table 'acount'"],
  ])('refuses a request that breaks a rule with a 400 naming it, and deletes nothing (%#)', async (request, rule) => {
    const res = await mock.api('POST', 'BulkDelete', { body: request });
    expect(res.status, res.text).toBe(400);
    expect(res.json.error.message).toContain(rule);
    expect((await remaining()).length).toBe(names.length);
  });

  it('is an action: GET is a 404, as Dataverse answers', async () => {
    expect((await mock.api('GET', 'BulkDelete')).status).toBe(404);
  });
});
