import { randomBytes } from 'node:crypto';

/** Folder names down to the millisecond, plus a little randomness: two runs started together never share one. */
export function folderTimestamp(): string {
  return `${new Date().toISOString().replace(/[-:.]/g, '').replace('T', '-').slice(0, 18)}-${randomBytes(2).toString('hex')}`;
}
