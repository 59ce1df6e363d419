import { dataverseErrors } from '../errors/dataverseErrors.js';
import { jsonResponse, type ApiRequest, type ApiResponse } from '../http/ApiMessage.js';
import type { MockContext } from '../MockContext.js';
import type { Resource } from './parseResourcePath.js';

type TotalRecordCount = Extract<Resource, { kind: 'totalRecordCount' }>;

/** `EntityNames=[…]`, inline or through an `@alias` in the query string; strings in either quote. */
function entityNames(argument: string, query: string): string[] {
  const m = /^\s*EntityNames\s*=\s*(.*?)\s*$/s.exec(argument);
  if (m === null)
    throw dataverseErrors.badRequest(
      `RetrieveTotalRecordCount takes one parameter, EntityNames: ` +
        `RetrieveTotalRecordCount(EntityNames=@p1)?@p1=["account"].`,
    );
  let list = m[1] ?? '';
  if (list.startsWith('@')) {
    const value = new URLSearchParams(query).get(list);
    if (value === null)
      throw dataverseErrors.badRequest(
        `The parameter alias '${list}' has no value: add ${list}=["account",…] to the query.`,
      );
    list = value;
  }
  let names: unknown;
  try {
    names = JSON.parse(list.replace(/'/g, '"'));
  } catch {
    names = undefined;
  }
  if (!Array.isArray(names) || names.length === 0 || !names.every((n): n is string => typeof n === 'string'))
    throw dataverseErrors.badRequest(
      `EntityNames must be a list of table logical names, e.g. ["account","contact"]; got '${list}'.`,
    );
  return names;
}

/**
 * `GET RetrieveTotalRecordCount(EntityNames=…)`: each table's record count. Dataverse answers
 * from a snapshot taken within the last day; the mock counts its store as it is now.
 */
export function retrieveTotalRecordCount(r: TotalRecordCount, request: ApiRequest, ctx: MockContext): ApiResponse {
  const names = entityNames(r.argument, request.query);
  for (const name of names)
    if (ctx.catalogue.byLogicalName(name) === undefined)
      throw dataverseErrors.badRequest(`EntityNames: no table named '${name}'.`);
  return jsonResponse(200, {
    '@odata.context': `${request.baseUrl}$metadata#Microsoft.Dynamics.CRM.RetrieveTotalRecordCountResponse`,
    EntityRecordCountCollection: {
      Count: names.length,
      IsReadOnly: false,
      Keys: names,
      Values: names.map((name) => ctx.store.count(name)),
    },
  });
}
