import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The compiled JavaScript file of a module under `src/`, for worker threads and child
 * processes, which cannot load TypeScript. Running from `dist/` it is right beside; from source
 * (tests) or from the bench's `dist-tools/`, it is the same path under `dist/`.
 */
export function compiledModule(relativeToSrc: string): string {
  const here = fileURLToPath(import.meta.url);
  const root = here.replace(/([\\/]dist(-tools)?)?[\\/]util[\\/]compiledModule\.(ts|js)$/, '');
  const path = `${root}/dist/src/${relativeToSrc}`;
  if (!existsSync(path)) throw new Error(`${path} is missing: run 'npm run build' first`);
  return path;
}
