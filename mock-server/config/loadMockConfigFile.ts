import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { MockConfigError } from './MockConfigError.js';
import { parseMockConfig } from './parseMockConfig.js';
import type { MockConfig } from './mockConfigSchema.js';

/** Reads a YAML or JSON mock config file (JSON is YAML) and validates it. */
export async function loadMockConfigFile(path: string): Promise<MockConfig> {
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
  return parseMockConfig(data, path);
}
