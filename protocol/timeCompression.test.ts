import { describe, expect, it } from 'vitest';
import { NO_WAIT, addWaited, formatWaited, orgTime, waitedOf } from './timeCompression.js';

describe('time compression on the wire', () => {
  it("reads what the mock's header says, and nothing from an absent or broken one", () => {
    const header = formatWaited({ realMs: 9.4123, orgMs: 100 });
    expect(header).toBe('9.412;100.000');
    expect(waitedOf({ 'x-dvbench-wait-ms': header })).toEqual({ realMs: 9.412, orgMs: 100 });
    expect(waitedOf({})).toBe(NO_WAIT);
    expect(waitedOf({ 'x-dvbench-wait-ms': 'soon' })).toBe(NO_WAIT);
    expect(waitedOf({ 'x-dvbench-wait-ms': '-1;5' })).toBe(NO_WAIT);
  });

  it("puts the org's waits in place of the real ones, and counts the rest once", () => {
    // 12 ms here: 9.4 of them held by the mock for 100 ms of the org's time, 2.6 the harness's own.
    expect(orgTime(12, { realMs: 9.4, orgMs: 100 })).toBeCloseTo(102.6, 9);
    expect(orgTime(12, NO_WAIT)).toBe(12);
    expect(addWaited({ realMs: 1, orgMs: 10 }, { realMs: 2, orgMs: 20 })).toEqual({ realMs: 3, orgMs: 30 });
  });
});
