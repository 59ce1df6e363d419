/**
 * `dvbench/mock`: the mock Dataverse Web API server as a library, for a project's own tests
 * and benchmarks. Everything here is public and documented in the README ("Use it from your
 * code"); `index.ts` beside it is the wider internal entry `src/` uses, and is not exported.
 */
export { buildMockServer } from './buildMockServer.js';
export type { MockServer, MockServerOptions } from './buildMockServer.js';
export { startMockServer } from './startMockServer.js';
export type { RunningMockServer, StartMockServerOptions } from './startMockServer.js';
export { parseMockConfig } from './config/parseMockConfig.js';
export type { LatencySpec, MockConfig, MockConfigInput } from './config/mockConfigSchema.js';
export { MockConfigError } from './config/MockConfigError.js';
export type { MockContext } from './MockContext.js';
export { mockAdmin } from './admin/mockAdmin.js';
export type { MockAdmin, MockStatsSnapshot, SeedOptions } from './admin/mockAdmin.js';
export { profileConfig } from './profiles/profileConfig.js';
export { BUILT_IN_PROFILES } from './profiles/builtInProfiles.js';
export type { Profile, ProfileInput } from './profiles/profileSchema.js';
