import { randomUUID } from 'node:crypto';
import { ownValue } from '../../util/ownValue.js';
import { z } from 'zod';
import { dataverseErrors } from '../errors/dataverseErrors.js';
import { fetchFilter } from '../fetchxml/fetchFilter.js';
import type { XmlElement } from '../fetchxml/readXmlElement.js';
import { jsonResponse, type ApiRequest, type ApiResponse } from '../http/ApiMessage.js';
import type { TableMetadata } from '../metadata/Catalogue.js';
import type { MockContext } from '../MockContext.js';
import { compileFilter } from '../odata/compileFilter.js';
import { buildNewRow, buildUpdatedRow } from '../records/buildRow.js';
import { toDataverseDateTime } from '../records/parseRecordBody.js';
import { nestedFilter, type NestedFilter } from './nestedFilter.js';
import { parseJsonParameter } from './parseJsonParameter.js';

/** QueryExpression's condition operators, as the FetchXML operators the mock already evaluates. */
const OPERATORS: Readonly<Record<string, string>> = {
  Equal: 'eq',
  NotEqual: 'ne',
  GreaterThan: 'gt',
  GreaterEqual: 'ge',
  LessThan: 'lt',
  LessEqual: 'le',
  Like: 'like',
  NotLike: 'not-like',
  BeginsWith: 'begins-with',
  DoesNotBeginWith: 'not-begin-with',
  EndsWith: 'ends-with',
  DoesNotEndWith: 'not-end-with',
  In: 'in',
  NotIn: 'not-in',
  Between: 'between',
  NotBetween: 'not-between',
  Null: 'null',
  NotNull: 'not-null',
  EqualUserId: 'eq-userid',
  NotEqualUserId: 'ne-userid',
  Today: 'today',
  Yesterday: 'yesterday',
  Tomorrow: 'tomorrow',
  ThisMonth: 'this-month',
  LastMonth: 'last-month',
  NextMonth: 'next-month',
  ThisYear: 'this-year',
  LastYear: 'last-year',
  LastXDays: 'last-x-days',
  NextXDays: 'next-x-days',
  LastXHours: 'last-x-hours',
  NextXHours: 'next-x-hours',
};
const LIST_OPERATORS = new Set(['In', 'NotIn', 'Between', 'NotBetween']);

const condition = z.looseObject({
  AttributeName: z.string().min(1),
  Operator: z.string(),
  Values: z.array(z.looseObject({ Value: z.union([z.string(), z.number(), z.boolean()]) })).default([]),
});

type Criteria = NestedFilter<z.output<typeof condition>>;

const criteria = nestedFilter(condition);

/** `BulkDelete`'s parameters, as Learn lists them: the required ones required, the rest let through. */
const bulkDeleteBody = z.looseObject({
  QuerySet: z.array(z.looseObject({ EntityName: z.string().min(1), Criteria: criteria.optional() })).min(1),
  JobName: z.string().min(1),
  SendEmailNotification: z.boolean(),
  ToRecipients: z.array(z.unknown()),
  CCRecipients: z.array(z.unknown()),
  RecurrencePattern: z.string(),
  StartDateTime: z.string(),
});

function conditionElement(c: z.output<typeof condition>): XmlElement {
  const operator = ownValue(OPERATORS, c.Operator);
  if (operator === undefined)
    throw dataverseErrors.badRequest(
      `BulkDelete: the condition operator '${c.Operator}' on '${c.AttributeName}' is not one the dvbench mock ` +
        `evaluates (${Object.keys(OPERATORS).join(', ')}).`,
    );
  const values = c.Values.map((v) => String(v.Value));
  const list = LIST_OPERATORS.has(c.Operator);
  return {
    name: 'condition',
    attributes: {
      attribute: c.AttributeName,
      operator,
      ...(list || values[0] === undefined ? {} : { value: values[0] }),
    },
    children: list ? values.map((text) => ({ name: 'value', attributes: {}, children: [], text })) : [],
    text: '',
  };
}

/** A QueryExpression's criteria as the FetchXML `<filter>` it means, so one evaluator serves both. */
function filterElement(c: Criteria): XmlElement {
  return {
    name: 'filter',
    attributes: { type: (c.FilterOperator ?? 'And').toLowerCase() },
    children: [...c.Conditions.map(conditionElement), ...c.Filters.map(filterElement)],
    text: '',
  };
}

/** The ids of the rows a query selects, read now: the job deletes what matched when it was submitted. */
function selectedIds(table: TableMetadata, c: Criteria | undefined, ctx: MockContext, userId: string): string[] {
  const node = c === undefined ? undefined : fetchFilter(filterElement(c), { table, prefix: [], links: new Map() });
  const test =
    node === undefined
      ? () => true
      : compileFilter(node, { table, catalogue: ctx.catalogue, store: ctx.store, now: ctx.now, userId });
  const ids: string[] = [];
  for (const row of ctx.store.rows(table.logicalName))
    if (test(row) === true) ids.push(row.values[table.primaryKey] as string);
  return ids;
}

/** The system job's record in `asyncoperations`, in a state Dataverse gives it. */
function recordJob(ctx: MockContext, jobId: string, changes: Record<string, string | number | null>): void {
  const table = ctx.catalogue.byLogicalName('asyncoperation');
  if (table === undefined) return;
  const existing = ctx.store.get('asyncoperation', jobId);
  ctx.store.transaction(() => {
    if (existing === undefined)
      ctx.store.insert(
        'asyncoperation',
        buildNewRow(table, { asyncoperationid: jobId, ...changes }, ctx.store, ctx.now()),
      );
    else ctx.store.replace('asyncoperation', buildUpdatedRow(table, existing, changes, ctx.store, ctx.now()));
  });
}

/**
 * `POST BulkDelete`: answers a `JobId` at once, as Dataverse does, and deletes what the query set
 * selects as a system job. The job's record in `asyncoperations` goes from Waiting For Resources
 * to Succeeded (statecode 3, statuscode 30) once every selected record is deleted; the job takes
 * the time the deletes would (the profile's delete service time each, one after another).
 */
export function bulkDelete(_resource: unknown, request: ApiRequest, ctx: MockContext): ApiResponse {
  const data = parseJsonParameter(
    request.body,
    bulkDeleteBody,
    'BulkDelete: body',
    ' (parameters: QuerySet, JobName, SendEmailNotification, ToRecipients, CCRecipients, RecurrencePattern, StartDateTime)',
  );
  const targets = data.QuerySet.map((q) => {
    const table = ctx.catalogue.byLogicalName(q.EntityName);
    if (table === undefined)
      throw dataverseErrors.badRequest(`BulkDelete: no table '${q.EntityName}' (QuerySet.EntityName).`);
    return { table, ids: selectedIds(table, q.Criteria, ctx, request.userId) };
  });
  const jobId = randomUUID();
  recordJob(ctx, jobId, { name: data.JobName, operationtype: 13, statecode: 0, statuscode: 0 });
  const count = targets.reduce((a, t) => a + t.ids.length, 0);
  const finish = (): void => {
    // A reset took the job with the data: nothing left to do.
    if (ctx.store.get('asyncoperation', jobId) === undefined) return;
    let deleted = 0;
    for (const { table, ids } of targets)
      for (const id of ids)
        if (ctx.store.get(table.logicalName, id) !== undefined) {
          ctx.store.transaction(() => {
            ctx.store.delete(table.logicalName, id);
          });
          deleted++;
        }
    recordJob(ctx, jobId, {
      statecode: 3,
      statuscode: 30,
      completedon: toDataverseDateTime(ctx.now()),
      message: `Deleted ${deleted} of ${count} records.`,
    });
  };
  // A system job works through its records one after another, each a delete's service time.
  const { latency } = ctx.config;
  setTimeout(finish, ctx.delays.real(count * (latency.delete ?? latency.default).baseMs)).unref();
  return jsonResponse(200, {
    '@odata.context': `${request.baseUrl}$metadata#Microsoft.Dynamics.CRM.BulkDeleteResponse`,
    JobId: jobId,
  });
}
