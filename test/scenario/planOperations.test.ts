import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tableDirectory } from '../../mock-server/index.js';
import { fingerprint } from '../../src/target/prepareData.js';
import { parseScenarioText } from '../../src/scenario/loadScenario.js';
import { planOperations, seededRowsKey } from '../../src/scenario/planOperations.js';

const tables = tableDirectory();
const accounts = Array.from({ length: 100 }, (_, i) => ({
  accountid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  accountnumber: `A-${i}`,
}));
const rows = new Map([[seededRowsKey('account', undefined), accounts]]);

function scenario(seed: number) {
  return parseScenarioText(
    `name: p
seed: ${seed}
data: { account: 100 }
workloads:
  - { kind: delete, table: account, count: 30 }
  - { kind: update, table: account, count: 30, set: { name: "n{i}" } }
  - { kind: read, mode: retrieve, table: account, count: 50 }
  - { kind: insert, table: contact, count: 20, values: { lastname: "c{i}" }, lookups: { parentcustomerid_account: account } }
  - { kind: upsert, table: account, count: 10, key: accountnumber, values: { name: "u{i}" } }
  - { kind: transactional, count: 10, linesPerUnit: 3, failureRate: 0.5 }
  - { kind: mixed, table: account, count: 40, weights: { read: 2, update: 1, delete: 1, insert: 1 } }
strategies: [sequential]
`,
    'p.yaml',
  ).scenario;
}

describe('planOperations', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(planOperations(scenario(1), tables, rows)).toEqual(planOperations(scenario(1), tables, rows));
    expect(planOperations(scenario(2), tables, rows)).not.toEqual(planOperations(scenario(1), tables, rows));
  });

  it('fingerprints a plan operation by operation to the digest of the whole list, and tells plans apart', () => {
    const ops = planOperations(scenario(1), tables, rows);
    const wholeJson = (value: unknown): string =>
      createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
    expect(fingerprint(ops)).toBe(wholeJson(ops));
    expect(fingerprint([])).toBe(wholeJson([]));
    expect(fingerprint([1, undefined, 'a'])).toBe(wholeJson([1, undefined, 'a']));
    expect(fingerprint({ a: 1 })).toBe(wholeJson({ a: 1 }));
    expect(fingerprint(ops.slice(1))).not.toBe(fingerprint(ops));
    expect(fingerprint(planOperations(scenario(2), tables, rows))).not.toBe(fingerprint(ops));
  });

  it('equal reads share one object: 100,000 retrieves of 100 records hold at most 100 operations', () => {
    const reads = parseScenarioText(
      `name: r\ndata: { account: 100 }\nworkloads:\n  - { kind: read, mode: retrieve, table: account, count: 100000 }\n  - { kind: read, table: account, count: 1000, filter: "revenue gt 0" }\nstrategies: [sequential]\n`,
      'r.yaml',
    ).scenario;
    const ops = planOperations(reads, tables, rows);
    expect(ops).toHaveLength(101_000);
    const retrieves = ops.filter((o) => o.kind === 'retrieve');
    expect(retrieves).toHaveLength(100_000);
    expect(new Set(retrieves).size).toBe(new Set(retrieves.map((o) => o.id)).size);
    expect(new Set(retrieves).size).toBeLessThanOrEqual(100);
    expect(new Set(ops.filter((o) => o.kind === 'query')).size).toBe(1);
  });

  it('plans the requested counts, and never updates, deletes or reads a record another operation deletes', () => {
    const ops = planOperations(scenario(1), tables, rows);
    const deleted = ops.filter((o) => o.kind === 'delete').map((o) => o.id);
    const updated = ops.filter((o) => o.kind === 'update').map((o) => o.id);
    const read = ops.filter((o) => o.kind === 'retrieve').map((o) => o.id);
    expect(new Set(deleted).size).toBe(deleted.length);
    expect(new Set(updated).size).toBe(updated.length);
    for (const id of [...updated, ...read]) expect(deleted).not.toContain(id);
    expect(ops.filter((o) => o.workload === 0)).toHaveLength(30);
    expect(
      ops.filter((o) => o.workload === 5 && o.kind === 'unit').every((o) => o.kind === 'unit' && o.ops === 4),
    ).toBe(true);
    const failing = ops.filter((o) => o.kind === 'unit' && o.shouldFail).length;
    expect(failing).toBeGreaterThan(0);
    expect(failing).toBeLessThan(10);
  });

  it('gives creates client-chosen keys and binds lookups to seeded records that survive', () => {
    const ops = planOperations(scenario(1), tables, rows);
    const deleted = new Set(ops.filter((o) => o.kind === 'delete').map((o) => o.id));
    const creates = ops.filter((o) => o.kind === 'create' && o.table === 'contact');
    expect(creates).toHaveLength(20);
    for (const c of creates) {
      if (c.kind !== 'create') continue;
      expect(c.record.contactid).toMatch(/^[0-9a-f-]{36}$/);
      const bound = /\(([^)]+)\)/.exec(String(c.record['parentcustomerid_account@odata.bind']))?.[1];
      expect(accounts.map((a) => a.accountid)).toContain(bound);
      expect(deleted.has(bound!)).toBe(false);
    }
  });
});
