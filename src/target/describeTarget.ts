import type { TargetSpec } from './resolveTarget.js';

/** Where the run goes and why, as the first lines of a run, a dry run and tune say it. */
export function describeTarget(t: TargetSpec): string {
  if (t.kind === 'org') return `the org ${t.url} (from ${t.source ?? 'DATAVERSE_URL'})`;
  const why =
    t.source === '--profile'
      ? " (from --profile: a profile is the mock's costs; DATAVERSE_URL is not used)"
      : t.source === '--target'
        ? ' (from --target)'
        : process.env.DATAVERSE_URL === undefined || process.env.DATAVERSE_URL === ''
          ? ' (no DATAVERSE_URL)'
          : '';
  return `the embedded mock${why}`;
}
