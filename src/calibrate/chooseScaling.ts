import type { CallResult } from '../client/CallResult.js';
import type { DataverseClient } from '../client/DataverseClient.js';
import type { ScalingPoint } from './CostSamples.js';
import type { FittedLatency, FittedSpec } from './fitCosts.js';
import { startLocalMock } from './startLocalMock.js';
import { boundKnee, replaySweep } from './sweepConcurrency.js';

/** One way the mock can cap throughput, tried against the org's sweep. */
interface ScalingCandidate {
  readonly name: 'unbounded' | 'capacity' | 'serialized';
  readonly capacity: number | null;
  readonly serializedFraction: number;
  /** Root mean square of ln(predicted / measured), each relative to one worker's throughput; null when not replayed. */
  readonly error: number | null;
  readonly points: readonly ScalingPoint[];
}

export interface ScalingChoice {
  readonly chosen: ScalingCandidate;
  readonly candidates: readonly ScalingCandidate[];
  /** Operations the org served at once at its plateau (throughput × service time); null without a knee. */
  readonly concurrentAtPlateau: number | null;
}

/** The mean of a fitted lognormal (its base is the median), in ms. */
function meanMs(spec: FittedSpec): number {
  return spec.distribution === 'lognormal' ? spec.baseMs * Math.exp((spec.sigma ?? 0) ** 2 / 2) : spec.baseMs;
}

/**
 * How differently two sweeps bend: root mean square of ln(predicted / measured), each taken
 * relative to its own one-worker throughput, so an error in the operation's cost (a level)
 * does not decide between two shapes.
 */
function shapeError(predicted: readonly ScalingPoint[], measured: readonly ScalingPoint[]): number {
  const one = (points: readonly ScalingPoint[]): number =>
    points.find((p) => p.workers === 1)?.opsPerSec ?? points[0]?.opsPerSec ?? 1;
  const [p1, m1] = [one(predicted), one(measured)];
  const terms = measured.flatMap((m) => {
    const p = predicted.find((x) => x.workers === m.workers);
    return p === undefined || p.opsPerSec <= 0 || m.opsPerSec <= 0
      ? []
      : [Math.log(p.opsPerSec / p1 / (m.opsPerSec / m1)) ** 2];
  });
  return Math.sqrt(terms.reduce((a, x) => a + x, 0) / Math.max(1, terms.length));
}

/**
 * Where the org's throughput levels off, and how the mock should cap it: by a number of
 * operations served at once (capacity), or by a share of each operation's time spent under one
 * lock (serialized fraction). Both give the same plateau but bend differently before it, so
 * each is replayed on the embedded mock at the sweep's worker counts and the closer one is
 * kept; without a knee in the sweep the mock is left unbounded. Capacity is per web server,
 * as the mock counts it.
 */
export async function chooseScaling(
  measured: readonly ScalingPoint[],
  costs: FittedLatency,
  swept: { readonly spec: FittedSpec; readonly kind: 'update' | 'read' },
  org: { readonly dopHint: number; readonly webServers?: number | undefined },
): Promise<ScalingChoice> {
  const { spec: sweptSpec, kind: sweptKind } = swept;
  const { dopHint } = org;
  const webServers = org.webServers ?? 1;
  const clean = measured.filter((p) => p.throttled === 0);
  const knee = boundKnee(clean.map((p) => ({ workers: p.workers, throughput: p.opsPerSec })));
  const unbounded: ScalingCandidate = {
    name: 'unbounded',
    capacity: null,
    serializedFraction: 0,
    error: null,
    points: [],
  };
  if (knee === undefined || meanMs(sweptSpec) <= 0)
    return { chosen: unbounded, candidates: [unbounded], concurrentAtPlateau: null };
  const plateau = Math.max(...clean.map((p) => p.opsPerSec));
  const concurrent = (plateau * meanMs(sweptSpec)) / 1000;
  const shapes = [
    // The sweep's requests spread over the web servers: each holds its share of the plateau.
    { name: 'capacity' as const, capacity: Math.max(1, Math.round(concurrent / webServers)), serializedFraction: 0 },
    { name: 'serialized' as const, capacity: null, serializedFraction: Math.min(1, 1 / Math.max(1, concurrent)) },
  ];
  const candidates: ScalingCandidate[] = [];
  for (const shape of shapes) {
    const local = await startLocalMock(
      { latency: costs, dopHint, webServers, capacity: shape.capacity, serializedFraction: shape.serializedFraction },
      100,
    );
    try {
      const points = await replaySweep(
        sweepOperation(local.client, local.ids, sweptKind),
        clean.map((p) => p.workers),
      );
      candidates.push({ ...shape, error: shapeError(points, clean), points });
    } finally {
      await local.stop();
    }
  }
  const chosen = candidates.reduce((a, b) => ((b.error ?? Infinity) < (a.error ?? Infinity) ? b : a));
  return { chosen, candidates, concurrentAtPlateau: concurrent };
}

/** The sweep's operation: an update of a probe record (writes allowed), else a retrieve. */
export function sweepOperation(
  client: DataverseClient,
  ids: readonly string[],
  kind: 'update' | 'read',
): (i: number) => Promise<CallResult> {
  return (i) => {
    const id = ids[i % ids.length] ?? '';
    return kind === 'update'
      ? client.update('accounts', id, { telephone1: `sweep-${i}` })
      : client.retrieve('accounts', id, '$select=name');
  };
}
