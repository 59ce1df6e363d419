import { readFile } from 'node:fs/promises';
import pLimit from 'p-limit';
import { GUID } from '../../mock-server/index.js';
import type { DataverseClient } from '../client/DataverseClient.js';
import { writeJsonAtomic } from '../output/writeJsonAtomic.js';
import type { PlannedOperation } from '../operations/PlannedOperation.js';
import { RunIds } from './RunIds.js';
import { deleteBatchesFor, deleteInBatches, type DeleteOutcome } from './deleteInBatches.js';

/**
 * A record a run creates in an org: by its client-chosen id, or (an upsert that creates) by its
 * alternate key. `run` names the run whose secret proves it.
 */
export type CreatedRecord =
  | { readonly set: string; readonly id: string; readonly run?: string }
  | { readonly set: string; readonly key: string; readonly run?: string };

/** A run that wrote into the folder's manifest, with the secret its ids are proven by (see RunIds). */
export interface ManifestRun {
  readonly runId: string;
  readonly startedAt: string;
  readonly secret: string;
}

/** `created-records.json`: what runs in one folder may have created in an org, so it can always be removed. */
export interface CreatedRecordsManifest {
  /** The latest run. */
  readonly runId: string;
  readonly startedAt: string;
  readonly target: string;
  /** Every run that listed records here; a second run in the same folder never forgets the first one's. */
  readonly runs: readonly ManifestRun[];
  readonly records: readonly CreatedRecord[];
}

const recordName = (r: CreatedRecord): string => ('id' in r ? `${r.set}(${r.id})` : `${r.set}(${r.key})`);

/** Every record the plan creates, children before parents so deletes never hit a cascade. */
export function plannedCreates(
  ops: readonly PlannedOperation[],
  primaryKeyOf: (table: string) => string,
): CreatedRecord[] {
  const out: CreatedRecord[] = [];
  for (const op of ops) {
    if (op.kind === 'create') out.push({ set: op.set, id: String(op.record[primaryKeyOf(op.table)]) });
    if (op.kind === 'upsert' && op.creates) out.push({ set: op.set, key: op.keyText });
    if (op.kind === 'unit')
      for (const c of [...op.creates].reverse()) out.push({ set: c.set, id: String(c.record[primaryKeyOf(c.table)]) });
  }
  return out;
}

const SET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** An alternate key as a run writes one: `column='text'`, quotes doubled. */
const KEY_TEXT = /^[A-Za-z_][A-Za-z0-9_]*='(?:[^']|'')*'$/;

function validRecord(r: unknown): boolean {
  const { set, id, key, run } = r as { set?: unknown; id?: unknown; key?: unknown; run?: unknown };
  if (typeof set !== 'string' || !SET_NAME.test(set) || (run !== undefined && typeof run !== 'string')) return false;
  return typeof id === 'string' ? GUID.test(id) : typeof key === 'string' && KEY_TEXT.test(key);
}

function validRun(r: unknown): boolean {
  const { runId, startedAt, secret } = r as Partial<ManifestRun>;
  return (
    typeof runId === 'string' &&
    typeof startedAt === 'string' &&
    !Number.isNaN(Date.parse(startedAt)) &&
    typeof secret === 'string' &&
    /^[0-9a-f]{64}$/.test(secret)
  );
}

/**
 * Reads a manifest, checking its shape: a hand-edited or foreign file is refused, not trusted.
 * One written before runs carried a secret has no `runs`: it reads, but proves nothing.
 */
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
    Array.isArray(m.records) &&
    (m.records as unknown[]).every(validRecord) &&
    (m.runs === undefined || (Array.isArray(m.runs) && (m.runs as unknown[]).every(validRun)));
  return ok ? ({ ...m, runs: m.runs ?? [] } as CreatedRecordsManifest) : undefined;
}

/** Adds records to the manifest before they are created, so an interrupted run still lists them. */
export async function recordPlannedCreates(
  path: string,
  run: ManifestRun & { readonly target: string },
  records: readonly CreatedRecord[],
): Promise<void> {
  const current = await readManifest(path);
  const known = new Set((current?.records ?? []).map(recordName));
  const runs =
    current?.runs.some((r) => r.runId === run.runId) === true ? current.runs : [...(current?.runs ?? []), run];
  const added = records.filter((r) => !known.has(recordName(r))).map((r) => ({ ...r, run: run.runId }));
  const manifest: CreatedRecordsManifest = {
    runId: run.runId,
    startedAt: run.startedAt,
    target: run.target,
    runs: runs.map(({ runId, startedAt, secret }) => ({ runId, startedAt, secret })),
    records: [...(current?.records ?? []), ...added],
  };
  await writeJsonAtomic(path, manifest);
}

/**
 * Whether the manifest's own evidence shows the record is its run's: an id carries the HMAC of
 * that run's secret (RunIds); an upsert's key carries the run's key tag. A date in the file
 * proves nothing, since the file can say anything.
 */
export function provenByManifest(manifest: CreatedRecordsManifest, r: CreatedRecord): string | undefined {
  const run = manifest.runs.find((x) => x.runId === r.run);
  if (run === undefined) return 'no run of this manifest lists it with a secret (a manifest of an older dvbench?)';
  const ids = new RunIds(run.secret);
  if ('id' in r) return ids.proves(r.id) ? undefined : `its id was not made by run ${run.runId}`;
  const tag = `UPS-${ids.idFor('upsert-keys').slice(0, 8)}-`;
  return r.key.includes(`'${tag}`) ? undefined : `its key does not carry run ${run.runId}'s tag`;
}

const keyPath = (r: CreatedRecord): string => ('id' in r ? r.id : r.key);

/**
 * Deletes the listed records (a 404 means never created, or already gone) and rewrites the
 * manifest with what is left. Records by id go in `$batch`es of deletes; what a batch could
 * not delete (the batch failed whole, a part was refused) and records by alternate key are
 * then deleted one by one, 8 at a time, in the order given (children first), so a parent
 * refused while its children still stood in another batch is deleted after them. `proof`,
 * when given, must accept a record before it is deleted.
 */
export async function deleteCreated(
  client: DataverseClient,
  path: string,
  records: readonly CreatedRecord[],
  proof?: (r: CreatedRecord) => string | undefined,
): Promise<{ deleted: number; failed: string[]; skipped: string[]; requests: number }> {
  let deleted = 0;
  const failed: string[] = [];
  const skipped: string[] = [];
  const gone = new Set<string>();
  const proven = records.filter((r) => {
    const why = proof?.(r);
    if (why !== undefined) skipped.push(`${recordName(r)}: ${why}`);
    return why === undefined;
  });
  const byId = proven.filter((r): r is CreatedRecord & { id: string } => 'id' in r);
  const batched = byId.length > 1 ? await deleteInBatches(client, byId) : [];
  let requests = deleteBatchesFor(batched.length);
  const settle = (r: CreatedRecord, o: DeleteOutcome): void => {
    if (o.status === 204) deleted++;
    if (o.status === 204 || o.status === 404) gone.add(recordName(r));
  };
  batched.forEach((o, i) => {
    const r = byId[i];
    if (o !== undefined && r !== undefined && (o.status === 204 || o.status === 404)) settle(r, o);
  });
  const limit = pLimit(8);
  await Promise.all(
    proven
      .filter((r) => !gone.has(recordName(r)))
      .map((r) =>
        limit(async () => {
          requests++;
          const res = await client
            .delete(r.set, keyPath(r))
            .catch((e: unknown) => ({ status: 0, error: { code: '', message: (e as Error).message } }));
          settle(r, res);
          if (res.status !== 204 && res.status !== 404)
            failed.push(`${recordName(r)}: HTTP ${res.status} ${res.error?.message ?? ''}`);
        }),
      ),
  );
  const current = await readManifest(path);
  if (current !== undefined)
    await writeJsonAtomic(path, { ...current, records: current.records.filter((r) => !gone.has(recordName(r))) });
  return { deleted, failed, skipped, requests };
}
