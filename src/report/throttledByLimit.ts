/** Dataverse's service protection limits by the error code of their 429 (Learn, "Service protection API limits"). */
const LIMITS: Readonly<Record<string, string>> = {
  '0x80072322': 'number of requests',
  '0x80072321': 'execution time',
  '0x80072326': 'concurrent requests',
};

/** `12 × number of requests (0x80072322), 3 × concurrent requests (0x80072326)`, or `none`. */
export function throttledByLimit(byCode: Readonly<Record<string, number>>): string {
  const entries = Object.entries(byCode).filter(([, n]) => n > 0);
  if (entries.length === 0) return 'none';
  return entries
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${n} × ${LIMITS[code] ?? 'another limit'} (${code})`)
    .join(', ');
}
