import { cpus, platform, release, arch, totalmem } from 'node:os';
import { readPackageVersion } from './readPackageVersion.js';

/** The machine and versions a run was measured on, recorded with its results. */
export interface Environment {
  readonly dvbenchVersion: string;
  readonly node: string;
  readonly os: string;
  readonly arch: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly totalMemoryBytes: number;
  readonly ci: boolean;
}

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
