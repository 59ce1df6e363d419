import { performance } from 'node:perf_hooks';
import type { CallResult } from '../client/CallResult.js';
import type { DataverseClient } from '../client/DataverseClient.js';
import { createMultiple, updateMultiple } from '../client/bulk/bulkRequests.js';
import { Http1Pool } from '../client/transport/Http1Pool.js';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import { drawsForPrecision, median } from '../metrics/statistics.js';
import type { CostSamples, SizedSamples } from './CostSamples.js';
import type { ProbeBudget } from './ProbeBudget.js';
import { PROBE_TABLE, type ProbeRecords } from './ProbeRecords.js';

export interface CostProbeOptions {
  /** Create, update and delete probe records (`--allow-writes`); else reads and WhoAmI only. */
  readonly writes: boolean;
  /** Calls per single-operation probe, after one warm-up call. */
  readonly samples: number;
  /**
   * The most calls a create, retrieve or update probe takes when its spread asks for more than
   * `samples` (see `samplesFor`); `samples` when absent.
   */
  readonly mostSamples?: number;
  /** `$batch` and bulk sizes: two or more, to split a request's overhead from each item's cost. */
  readonly sizes: readonly number[];
  /** Calls per size. */
  readonly sizeRepeats: number;
}

const { set, key, logicalName } = PROBE_TABLE;

/**
 * One call, timed from send to last byte. An error answer stops the calibration (it would fit
 * the error's cost); a retried or throttled call's time holds waits: no sample (undefined).
 */
async function timedCall(
  budget: ProbeBudget,
  what: string,
  call: () => Promise<CallResult>,
): Promise<number | undefined> {
  budget.check();
  const result = await call();
  if (result.status >= 400)
    throw errorCatalogue.DVB_ERR_REQUEST_FAILED(
      `calibrate: the ${what} probe got HTTP ${result.status}` +
        (result.error === undefined ? '' : ` ${result.error.code}: ${result.error.message}`),
    );
  return result.attempts === 1 && result.throttled === 0 ? result.totalMs : undefined;
}

/** A warm-up call, then `n` timed ones: every probe that repeats one kind of call. */
export async function repeatTimed(
  budget: ProbeBudget,
  what: string,
  n: number,
  call: (i: number) => Promise<CallResult>,
): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i <= n; i++) {
    const ms = await timedCall(budget, what, () => call(i));
    if (i > 0 && ms !== undefined) out.push(ms);
  }
  return out;
}

/**
 * A kind's mean service time should be known to about this share (its standard error), as a
 * sweep point's throughput is. The spread it is judged by comes from the first 30 calls, which
 * on a long-tailed org read it low (0.37 for 0.45): 5% asked for 48 creates there, and their
 * mean was still 11% under the one the org was set to.
 */
const MEAN_PRECISION = 0.04;

/**
 * How many calls a kind needs for its mean service time within `MEAN_PRECISION`, from the calls
 * taken so far (less the round trip): (cv ÷ precision)², between `fewest` and `most`. A
 * throughput past the knee is the mean service time's inverse, so its error is that mean's. On
 * an org whose calls spread 0.45 in logs (cv 0.47), 30 creates fitted a mean 9% under the one it
 * was set to (median 6%, sigma 0.37 for 0.45) and insert strategies read up to 15% fast; its
 * set costs with the same scaling came within 4%.
 */
export function samplesFor(callMs: readonly number[], roundTripMs: number, fewest: number, most: number): number {
  const wanted = drawsForPrecision(
    callMs.map((t) => t - roundTripMs),
    MEAN_PRECISION,
  );
  return Math.min(most, Math.max(fewest, wanted));
}

/**
 * Measures the org's costs one call at a time: the round trip, each operation kind, query
 * pages, `$batch` and bulk messages at several sizes. Fills `samples` as it goes, so what was
 * measured before the budget ran out is kept.
 */
export class CostProbe {
  constructor(
    private readonly client: DataverseClient,
    private readonly records: ProbeRecords,
    private readonly budget: ProbeBudget,
    private readonly options: CostProbeOptions,
  ) {}

  async run(samples: CostSamples, step: (name: string) => void = () => undefined): Promise<void> {
    const { writes } = this.options;
    step('round trip');
    samples.roundTrip = await this.#roundTrip();
    if (writes) {
      step('create');
      samples.create = await this.#repeatToPrecision('create', samples.roundTrip, () => this.#create());
    }
    const ids = writes ? this.records.ids : await this.#existingIds();
    if (ids.length > 0) {
      step('retrieve');
      samples.read = await this.#repeatToPrecision('retrieve', samples.roundTrip, (i) =>
        this.client.retrieve(set, ids[i % ids.length] ?? '', '$select=name'),
      );
    }
    if (writes) {
      step('update');
      samples.update = await this.#repeatToPrecision('update', samples.roundTrip, (i) =>
        this.client.update(set, ids[i % ids.length] ?? '', { telephone1: `cal-${i}` }),
      );
      step('upsert');
      // Only records the probe made, by id: each upsert updates, none creates.
      samples.upsert = await this.#repeat('upsert', (i) =>
        this.client.send('PATCH', `${set}(${ids[i % ids.length] ?? ''})`, JSON.stringify({ telephone1: `ups-${i}` })),
      );
    }
    if (writes || ids.length > 0) {
      step('$batch');
      samples.batchKind = writes ? 'create' : 'read';
      samples.batch = await this.#sized('$batch', (size) => this.#batch(size, writes ? [] : ids));
    }
    if (writes) {
      step('changeset');
      await this.#changesets(samples);
      await this.#bulk(samples, step);
    }
    step('query pages');
    samples.query = await this.#queryPages();
    if (writes) {
      step('delete');
      samples.delete = await this.#repeat('delete', () => this.#deleteOne());
    }
  }

  /**
   * Unauthenticated WhoAmI: the front end answers 401 before any work, so the time is the
   * network's. Sent on the transport the probed calls use, so its own cost cancels out.
   */
  async #roundTrip(): Promise<number[]> {
    const pool = new Http1Pool(this.client.origin, { connections: 1 });
    const out: number[] = [];
    try {
      for (let i = 0; i <= this.options.samples; i++) {
        this.budget.check();
        const started = performance.now();
        await pool
          .send({ method: 'GET', path: `${this.client.apiPath}WhoAmI`, headers: {}, timeoutMs: 30_000 })
          .catch((error: unknown) => {
            // This probe talks to the transport itself: what the client would say of a lost
            // attempt, it says here (no stack trace for an org that does not answer).
            throw errorCatalogue.DVB_ERR_TARGET_UNREACHABLE(
              `calibrate: ${this.client.origin} did not answer the round-trip probe ` +
                `(${error instanceof Error ? error.message : String(error)})`,
            );
          });
        this.budget.spend(1);
        if (i > 0) out.push(performance.now() - started);
      }
    } finally {
      await pool.close();
    }
    return out;
  }

  /** A warm-up call, then `samples` timed ones. */
  #repeat(what: string, call: (i: number) => Promise<CallResult>, n = this.options.samples): Promise<number[]> {
    return repeatTimed(this.budget, what, n, call);
  }

  /**
   * `samples` calls, then more (up to `mostSamples`) when their spread leaves the mean less
   * precise than wanted. The kinds jobs are made of get this; upsert, delete and the sized
   * probes keep the fixed count, for the budget's sake.
   */
  async #repeatToPrecision(
    what: string,
    roundTrip: readonly number[],
    call: (i: number) => Promise<CallResult>,
  ): Promise<number[]> {
    const first = await this.#repeat(what, call);
    const { samples, mostSamples = samples } = this.options;
    const rtt = roundTrip.length === 0 ? 0 : median(roundTrip);
    // Extra calls sharpen a figure the profile has anyway: never more than a twentieth of what
    // is left, so the sweep and the validation keep their share of a small budget.
    const more = Math.min(
      samplesFor(first, rtt, samples, mostSamples) - first.length,
      Math.floor(this.budget.remainingRequests / 20),
    );
    if (more <= 0) return first;
    // Numbered on from the first calls', so updates keep cycling through the records.
    const rest: number[] = [];
    for (let i = 0; i < more; i++) {
      const ms = await timedCall(this.budget, what, () => call(first.length + 1 + i));
      if (ms !== undefined) rest.push(ms);
    }
    return [...first, ...rest];
  }

  async #sized(what: string, call: (size: number) => Promise<CallResult>): Promise<SizedSamples[]> {
    const out: SizedSamples[] = [];
    for (const size of this.options.sizes) {
      this.budget.check(this.options.sizeRepeats + 1);
      out.push({ size, ms: await this.#repeat(`${what} of ${size}`, () => call(size), this.options.sizeRepeats) });
    }
    return out;
  }

  async #create(): Promise<CallResult> {
    const result = await this.client.create(set, this.records.body());
    this.records.add(result.id);
    return result;
  }

  async #deleteOne(): Promise<CallResult> {
    const id = this.records.ids.at(-1);
    if (id === undefined) throw errorCatalogue.DVB_ERR_REQUEST_FAILED('calibrate: no probe record left to delete');
    const result = await this.client.delete(set, id);
    if (result.status === 204) this.records.remove(id);
    return result;
  }

  async #batch(size: number, readIds: readonly string[]): Promise<CallResult> {
    const entries = Array.from({ length: size }, (_, i) =>
      readIds.length > 0
        ? { method: 'GET' as const, url: `${set}(${readIds[i % readIds.length] ?? ''})?$select=name` }
        : { method: 'POST' as const, url: set, body: this.records.body() },
    );
    const result = await this.client.batch(entries, { continueOnError: true });
    if (readIds.length === 0) this.records.add(...result.batch.results.map((r) => r.entityId));
    const failed = result.batch.results.find((r) => !r.ok);
    return failed === undefined
      ? result
      : { ...result, status: failed.status, ...(failed.error ? { error: failed.error } : {}) };
  }

  /**
   * `$batch`es of one create, plain and in a changeset, in turns: as many pairs as a kind gets
   * samples, since the changeset's cost is a difference of two times that each carry a create's
   * spread (and the plain ones serve the `$batch` fit's size one as well).
   */
  async #changesets(samples: CostSamples): Promise<void> {
    const pairs = this.options.samples;
    for (let i = 0; i <= pairs; i++) {
      for (const inChangeset of [false, true]) {
        const create = { method: 'POST' as const, url: set, body: this.records.body() };
        const ms = await timedCall(this.budget, inChangeset ? 'changeset' : '$batch of 1', async () => {
          const result = await this.client.batch(inChangeset ? [{ changeset: [create] }] : [create]);
          this.records.add(...result.batch.results.flatMap((r) => (r.entityId === undefined ? [] : [r.entityId])));
          const failed = result.batch.results.find((r) => !r.ok);
          return failed === undefined ? result : { ...result, status: failed.status };
        });
        if (i > 0 && ms !== undefined) samples.changeset[inChangeset ? 'inChangeset' : 'plain'].push(ms);
      }
    }
  }

  async #bulk(samples: CostSamples, step: (name: string) => void): Promise<void> {
    step('CreateMultiple');
    samples.bulkCreate = await this.#sized('CreateMultiple', async (size) => {
      const records = Array.from({ length: size }, () => this.records.body());
      const result = await this.client.bulk(createMultiple(set, logicalName, records));
      if (result.status === 200) this.records.add(...((JSON.parse(result.text) as { Ids?: string[] }).Ids ?? []));
      return result;
    });
    step('UpdateMultiple');
    let turn = 0;
    samples.bulkUpdate = await this.#sized('UpdateMultiple', (size) => {
      const ids = this.records.ids;
      const targets = Array.from({ length: size }, (_, i) => ({
        [key]: ids[(turn * size + i) % ids.length],
        telephone1: `bulk-${turn}`,
      }));
      turn++;
      return this.client.bulk(updateMultiple(set, logicalName, targets));
    });
  }

  async #existingIds(): Promise<string[]> {
    const result = await this.client.send('GET', `${set}?$select=${key}&$top=50`);
    this.budget.check(0);
    if (result.status !== 200) return [];
    return (JSON.parse(result.text) as { value: Record<string, string>[] }).value.flatMap((r) => r[key] ?? []);
  }

  /** A page of one record and a page of as many as the table has (up to 500): the slope is the cost per record. */
  async #queryPages(): Promise<SizedSamples[]> {
    const all = await this.client.send('GET', `${set}?$select=${key}&$top=500`);
    const available = all.status === 200 ? (JSON.parse(all.text) as { value: unknown[] }).value.length : 0;
    if (available < 20) return [];
    const sizes = [1, available];
    const out: SizedSamples[] = [];
    for (const size of sizes)
      out.push({
        size,
        ms: await this.#repeat(`query page of ${size}`, () =>
          this.client.send('GET', `${set}?$select=name&$top=${size}`),
        ),
      });
    return out;
  }
}
