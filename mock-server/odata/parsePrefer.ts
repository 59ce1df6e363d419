export interface Preferences {
  readonly returnRepresentation: boolean;
  readonly maxPageSize: number | undefined;
  readonly includeAnnotations: string | undefined;
  readonly continueOnError: boolean;
  /** `odata.track-changes`: the answer ends with a delta link for the changes that follow. */
  readonly trackChanges: boolean;
}

/** Reads the `Prefer` header's preferences; unknown or malformed ones are ignored, as HTTP says. */
export function parsePrefer(header: string | undefined): Preferences {
  let returnRepresentation = false;
  let maxPageSize: number | undefined;
  let includeAnnotations: string | undefined;
  let continueOnError = false;
  let trackChanges = false;
  for (const raw of (header ?? '').match(/(?:[^,"]|"[^"]*")+/g) ?? []) {
    const item = raw.trim();
    const eq = item.indexOf('=');
    const name = (eq < 0 ? item : item.slice(0, eq)).trim().toLowerCase();
    const value =
      eq < 0
        ? ''
        : item
            .slice(eq + 1)
            .trim()
            .replace(/^"(.*)"$/, '$1');
    if (name === 'return' && value === 'representation') returnRepresentation = true;
    else if (name === 'odata.maxpagesize' && /^\d+$/.test(value) && Number(value) > 0) maxPageSize = Number(value);
    else if (name === 'odata.include-annotations') includeAnnotations = value;
    else if (name === 'odata.continue-on-error') continueOnError = value === '' || value === 'true';
    else if (name === 'odata.track-changes') trackChanges = true;
  }
  return { returnRepresentation, maxPageSize, includeAnnotations, continueOnError, trackChanges };
}

/**
 * Whether `Prefer: odata.include-annotations` selects an annotation: `*`, its namespace with
 * `.*` (`Microsoft.Dynamics.CRM.*`), or its full name, in a comma-separated list.
 */
export function includesAnnotation(includeAnnotations: string | undefined, name: string): boolean {
  if (includeAnnotations === undefined) return false;
  const namespace = name.slice(0, name.lastIndexOf('.'));
  return includeAnnotations
    .split(',')
    .map((s) => s.trim())
    .some((s) => s === '*' || s === `${namespace}.*` || s === name);
}
