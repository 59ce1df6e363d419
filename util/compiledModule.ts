import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The compiled JavaScript file of a module under `src/`, for worker threads and child
 * processes, which cannot load TypeScript. When running from `dist/` it is right beside; when
 * running from source (tests), it is the same path under `dist/`.
 */
export function compiledModule(relativeToSrc: string): string {
  const here = fileURLToPath(import.meta.url);
  const root = here.replace(/[\\/]util[\\/]compiledModule\.(ts|js)$/, '');
  const distRoot = /[\\/]dist$/.test(root) ? root : `${root}/dist`;
  const path = `${distRoot}/src/${relativeToSrc}`;
  if (!existsSync(path)) throw new Error(`${path} is missing: run 'npm run build' first`);
  return path;
}
