import { readFile } from 'node:fs/promises';
import pLimit from 'p-limit';
import type { DataverseClient } from '../client/DataverseClient.js';
import { writeJsonAtomic } from '../report/writeJsonAtomic.js';
import type { PlannedOperation } from '../scenario/PlannedOperation.js';

export interface CreatedRecord {
  readonly set: string;
  readonly id: string;
}

/** `created-records.json`: what a run may have created in an org, so it can always be removed. */
export interface CreatedRecordsManifest {
  readonly runId: string;
  readonly target: string;
  readonly records: readonly CreatedRecord[];
}

/** Every record the plan creates (client-chosen ids), children before parents so deletes never hit a cascade. */
export function plannedCreates(ops: readonly PlannedOperation[], primaryKeyOf: (table: string) => string): CreatedRecord[] {
  const out: CreatedRecord[] = [];
  for (const op of ops) {
    if (op.kind === 'create') out.push({ set: op.set, id: String(op.record[primaryKeyOf(op.table)]) });
    if (op.kind === 'unit') for (const c of [...op.creates].reverse()) out.push({ set: c.set, id: String(c.record[primaryKeyOf(c.table)]) });
  }
  return out;
}

export async function readManifest(path: string): Promise<CreatedRecordsManifest | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as CreatedRecordsManifest;
  } catch {
    return undefined;
  }
}

/** Adds records to the manifest before they are created, so an interrupted run still lists them. */
export async function recordPlannedCreates(path: string, runId: string, target: string, records: readonly CreatedRecord[]): Promise<void> {
  const current = await readManifest(path);
  const known = new Set((current?.records ?? []).map((r) => `${r.set}(${r.id})`));
  await writeJsonAtomic(path, { runId, target, records: [...(current?.records ?? []), ...records.filter((r) => !known.has(`${r.set}(${r.id})`))] });
}

/**
 * Deletes the listed records (a 404 means never created, or already gone) and rewrites the
 * manifest with what is left. Returns how many were deleted and what could not be.
 */
export async function deleteCreated(client: DataverseClient, path: string, records: readonly CreatedRecord[]): Promise<{ deleted: number; failed: string[] }> {
  const limit = pLimit(8);
  let deleted = 0;
  const failed: string[] = [];
  const gone = new Set<string>();
  await Promise.all(
    records.map((r) =>
      limit(async () => {
        const res = await client.delete(r.set, r.id).catch((e: unknown) => ({ status: 0, error: { code: '', message: (e as Error).message } }));
        if (res.status === 204) deleted++;
        if (res.status === 204 || res.status === 404) gone.add(`${r.set}(${r.id})`);
        else failed.push(`${r.set}(${r.id}): HTTP ${res.status} ${res.error?.message ?? ''}`);
      }),
    ),
  );
  const current = await readManifest(path);
  if (current !== undefined) await writeJsonAtomic(path, { ...current, records: current.records.filter((r) => !gone.has(`${r.set}(${r.id})`)) });
  return { deleted, failed };
}
