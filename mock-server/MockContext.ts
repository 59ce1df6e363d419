import type { MockConfig } from './config/mockConfigSchema.js';
import type { Catalogue } from './metadata/Catalogue.js';
import type { Store } from './store/Store.js';
import type { MockStats } from './admin/MockStats.js';
import type { TokenIssuer } from './auth/TokenIssuer.js';
import type { FaultInjector } from './faults/FaultInjector.js';
import type { WebServers } from './balancer/WebServers.js';
import type { CapacityGate } from './latency/CapacityGate.js';
import type { Delays } from './latency/Delays.js';
import type { ServiceTimeSampler } from './latency/ServiceTimeSampler.js';
import type { ServiceProtection } from './throttle/ServiceProtection.js';

/** Everything a handler may use; built once per server by `buildMockServer`. */
export interface MockContext {
  readonly config: MockConfig;
  readonly catalogue: Catalogue;
  readonly store: Store;
  readonly stats: MockStats;
  readonly tokens: TokenIssuer;
  readonly protection: ServiceProtection;
  readonly sampler: ServiceTimeSampler;
  readonly gate: CapacityGate;
  /** Every wait made in the org's time, compressed by `timeScale`. */
  readonly delays: Delays;
  readonly webServers: WebServers;
  readonly faults: FaultInjector;
  /** Wall-clock time in ms; injectable so tests can move time. */
  readonly now: () => number;
}
