import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeMockCosts, parseMockConfig } from '../../mock-server/index.js';
import { loadScenario, parseScenarioText } from '../../src/scenario/loadScenario.js';
import { useTempDirs } from '../helpers/tempDirs.js';

const tempDir = useTempDirs();

const BODY = `workloads: [{ kind: insert, table: account, count: 3, values: { name: "x{i}" } }]
strategies: [sequential]
`;
const scenario = (mock: string): string => `name: costs\n${mock}\n${BODY}`;

describe('cost profiles in scenarios', () => {
  it("a scenario that sets no costs runs on the 'default' profile, with its cited figures", () => {
    const loaded = parseScenarioText(scenario(''), 's.yaml');
    expect(loaded.mockCosts).toMatchObject({ kind: 'profile', profile: 'default', origin: 'built-in', handSet: [] });
    expect(loaded.mockCosts.source).toContain('BulkOperations');
    const { mock } = loaded.scenario;
    expect(mock.latency.create?.baseMs).toBe(90);
    expect(mock.latency.bulkCreate?.baseMs).toBe(9);
    expect(mock.latency.roundTripMs).toBe(10);
    expect(mock.serializedFraction).toBe(0.42);
    expect(mock.dopHint).toBe(4);
    expect(mock.profile).toBeUndefined();
  });

  it('keys set beside a profile win over it, and are listed as hand-set', () => {
    const loaded = parseScenarioText(
      scenario('mock: { profile: default, dopHint: 8, latency: { create: { baseMs: 50 } } }'),
      's.yaml',
    );
    expect(loaded.mockCosts).toMatchObject({ profile: 'default', handSet: ['latency', 'dopHint'] });
    expect(loaded.scenario.mock.latency.create?.baseMs).toBe(50);
    // Merged key by key: the profile's other costs stay.
    expect(loaded.scenario.mock.latency.update?.baseMs).toBe(110);
    expect(loaded.scenario.mock.dopHint).toBe(8);
  });

  it('a scenario with its own latency is hand-set: no profile is put under it', () => {
    const loaded = parseScenarioText(scenario('mock: { latency: { default: { baseMs: 3 } } }'), 's.yaml');
    expect(loaded.mockCosts).toMatchObject({ kind: 'hand-set', profile: null, handSet: ['latency'] });
    expect(loaded.scenario.mock.latency.create).toBeUndefined();
    expect(loaded.scenario.mock.serializedFraction).toBe(0);
  });

  it("--profile replaces the scenario's costs, and 'zero' says what it is for", () => {
    const loaded = parseScenarioText(scenario('mock: { latency: { default: { baseMs: 3 } }, capacity: 2 }'), 's.yaml', {
      profile: 'zero',
    });
    expect(loaded.mockCosts).toMatchObject({ profile: 'zero', handSet: [] });
    expect(loaded.scenario.mock.latency.default.baseMs).toBe(0);
    expect(loaded.scenario.mock.capacity).toBeNull();
    expect(describeMockCosts(loaded.mockCosts)).toContain('for testing the harness');
  });

  it("'zero' turns the service protection limits off; limits set over it turn them back on", () => {
    const zero = parseScenarioText(scenario('mock: { profile: zero }'), 's.yaml');
    expect(zero.scenario.mock.limits.enabled).toBe(false);
    const limited = parseScenarioText(scenario('mock: { profile: zero, limits: { concurrentRequests: 5 } }'), 's.yaml');
    expect(limited.scenario.mock.limits).toMatchObject({
      enabled: true,
      concurrentRequests: 5,
      requestsPerWindow: 6000,
    });
    const off = parseScenarioText(scenario('mock: { limits: { enabled: false, concurrentRequests: 5 } }'), 's.yaml');
    expect(off.scenario.mock.limits.enabled).toBe(false);
  });

  it('an unknown profile name is a scenario error at its line, listing the built-in ones', () => {
    expect(() => parseScenarioText(scenario('mock:\n  profile: fast'), 's.yaml')).toThrow(
      /s\.yaml:3:12: mock\.profile: 'fast' is not a built-in profile \(default, zero\)/,
    );
  });

  it('a profile file is read relative to the scenario, validated, and named in the results', async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, 'org.yaml'),
      `profile: { name: contoso, version: 3, source: "calibrated against contoso", createdAt: "2026-11-20" }
mock: { latency: { default: { baseMs: 12 } }, dopHint: 16 }
`,
    );
    await writeFile(join(dir, 's.yaml'), scenario('mock: { profile: ./org.yaml }'));
    const loaded = await loadScenario(join(dir, 's.yaml'));
    expect(loaded.mockCosts).toMatchObject({ profile: 'contoso', version: 3, origin: join(dir, 'org.yaml') });
    expect(loaded.scenario.mock.latency.default.baseMs).toBe(12);
    expect(loaded.scenario.mock.dopHint).toBe(16);
  });

  it('a profile file may set costs only: another key is refused, naming the file and the key', async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, 'bad.yaml'),
      `profile: { name: bad, version: 1, source: s, createdAt: "2026-11-20" }
mock: { tables: [] }
`,
    );
    await writeFile(join(dir, 's.yaml'), scenario('mock: { profile: bad.yaml }'));
    await expect(loadScenario(join(dir, 's.yaml'))).rejects.toThrow(/bad\.yaml: mock: Unrecognized key: "tables"/);
  });

  it('a missing profile file is a clear error, not a stack trace', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 's.yaml'), scenario('mock: { profile: ./nowhere.yaml }'));
    await expect(loadScenario(join(dir, 's.yaml'))).rejects.toMatchObject({
      code: 'DVB_ERR_SCENARIO_INVALID',
      message: expect.stringContaining('profile file not found'),
    });
  });

  it("a library user's mock config resolves its profile, without a fallback", () => {
    expect(parseMockConfig({ profile: 'default' }).latency.update?.baseMs).toBe(110);
    expect(parseMockConfig({}).latency.update).toBeUndefined();
  });
});
