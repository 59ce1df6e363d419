import { NO_WAIT } from '../../../protocol/timeCompression.js';
import { describe, expect, it } from 'vitest';
import { MeasurementSink } from '../../metrics/MeasurementSink.js';
import type { CallResult } from '../../client/CallResult.js';
import type { PlannedOperation } from '../../operations/PlannedOperation.js';
import { bulkOutcomes, thrownOutcomes } from './batchOutcomes.js';

function create(id: string, workload = 0): PlannedOperation {
  return { kind: 'create', workload, ops: 1, set: 'accounts', table: 'account', id, record: { accountid: id } };
}

function answer(status: number, error?: { code: string; message: string }): CallResult {
  return {
    status,
    headers: {},
    text: '',
    ttfbMs: 30,
    lastAttemptMs: 40,
    waited: NO_WAIT,
    lastAttemptWaited: NO_WAIT,
    totalMs: 90,
    throttled: 2,
    attempts: 3,
    ...(error === undefined ? {} : { error }),
  };
}

describe('outcomes of shared requests, as the sink records them', () => {
  it('a bulk message counts once as a request, and each of its operations once', () => {
    const sink = new MeasurementSink();
    sink.acceptAll(bulkOutcomes([create('a'), create('b', 1), create('c', 1)], answer(204)));
    expect(sink.requests).toBe(1);
    expect(sink.operations).toBe(3);
    expect(sink.failedOperations).toBe(0);
    expect(sink.requestKinds.get('bulk')).toMatchObject({ requests: 1, operations: 3 });
    // The one request counts toward both workloads it carried.
    expect(sink.workloads.get(0)).toMatchObject({ requests: 1, operations: 1 });
    expect(sink.workloads.get(1)).toMatchObject({ requests: 1, operations: 2 });
    expect([...sink.timeline.values()].reduce((n, [, t]) => n + t, 0)).toBe(2);
  });

  it('a refused bulk message fails every operation, with the ids for the audit', () => {
    const sink = new MeasurementSink();
    sink.acceptAll(bulkOutcomes([create('a'), create('b')], answer(400, { code: '0x80040237', message: 'duplicate' })));
    expect(sink.failedOperations).toBe(2);
    expect(sink.errors['HTTP 400 0x80040237']?.count).toBe(2);
    expect(sink.failedIds).toEqual(['a', 'b']);
  });

  it('a cancelled request is neither ok nor failed; an unreachable target fails each operation', () => {
    const sink = new MeasurementSink();
    sink.acceptAll(
      thrownOutcomes([create('a')], 'batch', Object.assign(new Error('stopping'), { code: 'DVB_ERR_CANCELLED' })),
    );
    expect([sink.operations, sink.failedOperations, sink.requests]).toEqual([0, 0, 0]);
    sink.acceptAll(
      thrownOutcomes(
        [create('b'), create('c')],
        'batch',
        Object.assign(new Error('gone'), { code: 'DVB_ERR_TARGET_UNREACHABLE' }),
      ),
    );
    expect(sink.failedOperations).toBe(2);
    expect(sink.errors['request failed: DVB_ERR_TARGET_UNREACHABLE']).toMatchObject({ count: 2, status: null });
  });
});
