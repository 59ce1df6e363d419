import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { MockConfigError } from './MockConfigError.js';
import { parseMockConfig } from './parseMockConfig.js';
import type { MockConfig } from './mockConfigSchema.js';
import { isPlainObject, mergeConfig } from './mergeConfig.js';

/** Reads a YAML or JSON mock config file (JSON is YAML) as it is written, not yet validated. */
export async function readMockConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    throw new MockConfigError(path, [reason]);
  }
  let data: unknown;
  try {
    data = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new MockConfigError(path, [`not valid YAML or JSON: ${(error as Error).message}`]);
  }
  if (data !== null && data !== undefined && !isPlainObject(data))
    throw new MockConfigError(path, ['(root): expected a mapping of keys']);
  return isPlainObject(data) ? data : {};
}

/**
 * Reads a YAML or JSON mock config file, applies `overrides` (the CLI's quick knobs) on top,
 * and validates the result once.
 */
export async function loadMockConfigFile(path: string, overrides: Record<string, unknown> = {}): Promise<MockConfig> {
  return parseMockConfig(mergeConfig(await readMockConfigFile(path), overrides), path);
}
