import { seedData } from '../admin/seedData.js';
import type { MockConfig } from '../config/mockConfigSchema.js';
import { Catalogue } from '../metadata/Catalogue.js';
import { executeQuery } from '../odata/executeQuery.js';
import { parseQueryOptions } from '../odata/parseQueryOptions.js';
import { Store } from '../store/Store.js';

/** Past this much data, counting rows would cost a dry run more than it tells: the caller falls back. */
const MAX_COUNTED_RECORDS = 50_000;

/**
 * How many records each OData query (`<entity set>?<options>`) matches on the data a seed
 * would create, counted by the mock's own query engine on a store of its own: a dry run's
 * estimate of the pages a filtered query reads. Undefined for a query it cannot count
 * (FetchXML, `$apply`, a query it refuses), or when the data is larger than MAX_COUNTED_RECORDS.
 */
export function countQueryRows(
  config: MockConfig,
  data: { readonly seed: number; readonly counts: Readonly<Record<string, number>> },
  queries: readonly string[],
): (number | undefined)[] {
  const total = Object.values(data.counts).reduce((a, n) => a + n, 0);
  if (total > MAX_COUNTED_RECORDS) return queries.map(() => undefined);
  const { catalogue } = Catalogue.build(config.tables);
  const store = new Store(catalogue);
  const now = Date.now();
  seedData({ seed: data.seed, counts: data.counts, referenceTime: now }, catalogue, store);
  const ctx = { catalogue, store, now: () => now };
  return queries.map((pathAndQuery) => {
    const at = pathAndQuery.indexOf('?');
    const set = at < 0 ? pathAndQuery : pathAndQuery.slice(0, at);
    const query = at < 0 ? '' : pathAndQuery.slice(at + 1);
    const table = catalogue.byEntitySet(set);
    if (table === undefined || /(?:^|&)(?:fetchXml|\$apply)=/.test(query)) return undefined;
    try {
      return executeQuery(table, parseQueryOptions(query), 1, ctx).total;
    } catch {
      return undefined;
    }
  });
}
