import { readFile } from 'node:fs/promises';
import { GUID } from '../../mock-server/index.js';
import pLimit from 'p-limit';
import type { DataverseClient } from '../client/DataverseClient.js';
import { writeJsonAtomic } from '../report/writeJsonAtomic.js';
import type { PlannedOperation } from '../scenario/PlannedOperation.js';

export interface CreatedRecord {
  readonly set: string;
  readonly id: string;
}

/** Leeway between the runner's clock and the org's when proving a record was created by the run. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** `created-records.json`: what a run may have created in an org, so it can always be removed. */
export interface CreatedRecordsManifest {
  readonly runId: string;
  /** When the run started: cleanup deletes only records created after it. */
  readonly startedAt: string;
  readonly target: string;
  readonly records: readonly CreatedRecord[];
}

/** Which run a manifest belongs to. */
export interface ManifestRun {
  readonly runId: string;
  readonly startedAt: string;
  readonly target: string;
}

/** Every record the plan creates (client-chosen ids), children before parents so deletes never hit a cascade. */
export function plannedCreates(
  ops: readonly PlannedOperation[],
  primaryKeyOf: (table: string) => string,
): CreatedRecord[] {
  const out: CreatedRecord[] = [];
  for (const op of ops) {
    if (op.kind === 'create') out.push({ set: op.set, id: String(op.record[primaryKeyOf(op.table)]) });
    if (op.kind === 'unit')
      for (const c of [...op.creates].reverse()) out.push({ set: c.set, id: String(c.record[primaryKeyOf(c.table)]) });
  }
  return out;
}

/** Reads a manifest, checking its shape: a hand-edited or foreign file is refused, not trusted. */
export async function readManifest(path: string): Promise<CreatedRecordsManifest | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
  const m = parsed as Partial<CreatedRecordsManifest>;
  const ok =
    typeof m.runId === 'string' &&
    typeof m.target === 'string' &&
    typeof m.startedAt === 'string' &&
    !Number.isNaN(Date.parse(m.startedAt)) &&
    Array.isArray(m.records) &&
    (m.records as unknown[]).every((r) => {
      const { set, id } = r as { set?: unknown; id?: unknown };
      return typeof set === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(set) && typeof id === 'string' && GUID.test(id);
    });
  return ok ? (m as CreatedRecordsManifest) : undefined;
}

/** Adds records to the manifest before they are created, so an interrupted run still lists them. */
export async function recordPlannedCreates(
  path: string,
  run: ManifestRun,
  records: readonly CreatedRecord[],
): Promise<void> {
  const current = await readManifest(path);
  const known = new Set((current?.records ?? []).map((r) => `${r.set}(${r.id})`));
  // Records an earlier run in this folder kept stay listed: the proof for cleanup is then "created after the earliest run started".
  const startedAt =
    current !== undefined && current.records.length > 0 && current.startedAt < run.startedAt
      ? current.startedAt
      : run.startedAt;
  await writeJsonAtomic(path, {
    ...run,
    startedAt,
    records: [...(current?.records ?? []), ...records.filter((r) => !known.has(`${r.set}(${r.id})`))],
  });
}

/**
 * Deletes the listed records (a 404 means never created, or already gone) and rewrites the
 * manifest with what is left. Returns how many were deleted and what could not be.
 */
export async function deleteCreated(
  client: DataverseClient,
  path: string,
  records: readonly CreatedRecord[],
  options: { createdAfter?: string } = {},
): Promise<{ deleted: number; failed: string[]; skipped: string[] }> {
  const limit = pLimit(8);
  let deleted = 0;
  const failed: string[] = [];
  const skipped: string[] = [];
  const gone = new Set<string>();
  const after = options.createdAfter === undefined ? undefined : Date.parse(options.createdAfter) - CLOCK_SKEW_MS;
  // First the proof for every record, then the deletes, children before parents as listed.
  const proven: CreatedRecord[] = [];
  await Promise.all(
    records.map((r) =>
      limit(async () => {
        if (after === undefined) {
          proven.push(r);
          return;
        }
        // Proof the run made it: the record was created after the run started. Else it is not ours to delete.
        const seen = await client.retrieve(r.set, r.id, '$select=createdon').catch(() => undefined);
        if (seen?.status === 404) {
          gone.add(`${r.set}(${r.id})`);
          return;
        }
        const createdOn =
          seen?.status === 200
            ? Date.parse(String((JSON.parse(seen.text) as { createdon?: unknown }).createdon))
            : Number.NaN;
        if (createdOn >= after) proven.push(r);
        else
          skipped.push(
            `${r.set}(${r.id}): ${seen?.status === 200 ? `created ${Number.isNaN(createdOn) ? 'at an unknown time' : new Date(createdOn).toISOString()}, before the run started` : `could not be read (HTTP ${seen?.status ?? 'no answer'})`}`,
          );
      }),
    ),
  );
  const order = new Map(records.map((r, i) => [r, i]));
  proven.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  await Promise.all(
    proven.map((r) =>
      limit(async () => {
        const res = await client
          .delete(r.set, r.id)
          .catch((e: unknown) => ({ status: 0, error: { code: '', message: (e as Error).message } }));
        if (res.status === 204) deleted++;
        if (res.status === 204 || res.status === 404) gone.add(`${r.set}(${r.id})`);
        else failed.push(`${r.set}(${r.id}): HTTP ${res.status} ${res.error?.message ?? ''}`);
      }),
    ),
  );
  const current = await readManifest(path);
  if (current !== undefined)
    await writeJsonAtomic(path, { ...current, records: current.records.filter((r) => !gone.has(`${r.set}(${r.id})`)) });
  return { deleted, failed, skipped };
}
