/** The mock Dataverse Web API server's public entry: `src/` imports the mock only from here. */
export { buildMockServer } from './buildMockServer.js';
export type { MockServer, MockServerOptions } from './buildMockServer.js';
export { startMockServer } from './startMockServer.js';
export type { RunningMockServer, StartMockServerOptions } from './startMockServer.js';
export { parseMockConfig } from './config/parseMockConfig.js';
export { loadMockConfigFile } from './config/loadMockConfigFile.js';
export { mockConfigSchema } from './config/mockConfigSchema.js';
export type { MockConfig, MockConfigInput } from './config/mockConfigSchema.js';
export { MockConfigError } from './config/MockConfigError.js';
export type { MockContext } from './MockContext.js';
export { formatIssuePath } from './config/formatIssuePath.js';
export { deepFreeze } from './config/deepFreeze.js';
export { createPrng, hashSeed } from './admin/createPrng.js';
export type { Prng } from './admin/createPrng.js';
export { tableDirectory } from './metadata/tableDirectory.js';
export type { TableEntry } from './metadata/tableDirectory.js';
export { checkColumns, checkQuery } from './odata/checkQuery.js';
export type { QueryParts } from './odata/checkQuery.js';
