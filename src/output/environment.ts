import { cpus, platform, release, arch, totalmem } from 'node:os';
import { readPackageVersion } from './readPackageVersion.js';
import type { Environment } from '../runner/RunResults.js';

export function describeEnvironment(): Environment {
  const cores = cpus();
  return {
    dvbenchVersion: readPackageVersion(),
    node: process.version,
    os: `${platform()} ${release()}`,
    arch: arch(),
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    cores: cores.length,
    totalMemoryBytes: totalmem(),
    ci: process.env.CI === 'true' || process.env.CI === '1',
  };
}
