/**
 * Every secret the process has seen (client secrets, passwords, access tokens) is registered
 * here, and every message that can reach a log, an error, results or a report goes through
 * `redact`, so none of them ever leaves the process in clear.
 */
const secrets = new Set<string>();

export function registerSecret(value: string | undefined): void {
  // Very short values would redact ordinary words; real secrets and tokens are long.
  if (value !== undefined && value.length >= 6) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('***');
  // Bearer tokens we never saw (e.g. echoed by a server) are masked by shape.
  return out
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/-]{16,}=*/gi, '$1***')
    .replace(/("?access_token"?\s*[:=]\s*"?)[^"&\s,}]+/gi, '$1***');
}
