import { readFileSync } from 'node:fs';
import { ownValue } from '../../util/ownValue.js';
import { isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { formatIssuePath } from '../../util/formatIssuePath.js';
import { MockConfigError } from '../config/MockConfigError.js';
import { BUILT_IN_PROFILES } from './builtInProfiles.js';
import { profileSchema, type Profile } from './profileSchema.js';

export interface ResolvedProfile {
  readonly profile: Profile;
  /** The profile's own `mock` block as written (defaults not filled in), to merge under a config. */
  readonly costs: Readonly<Record<string, unknown>>;
  /** `built-in`, or the file it was read from. */
  readonly origin: 'built-in' | { readonly file: string };
}

function validated(data: unknown, where: string): ResolvedProfile['profile'] {
  const result = profileSchema.safeParse(data);
  if (!result.success)
    throw new MockConfigError(
      where,
      result.error.issues.map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`),
    );
  return result.data;
}

function readProfileFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MockConfigError(path, [code === 'ENOENT' ? 'profile file not found' : String(error)]);
  }
  try {
    return parseYaml(text, { prettyErrors: true, maxAliasCount: 1000 });
  } catch (error) {
    throw new MockConfigError(path, [`not valid YAML or JSON: ${(error as Error).message.split('\n')[0] ?? ''}`]);
  }
}

/**
 * A profile by name (`default`, `zero`) or by file path, relative to `baseDir` (the scenario's
 * folder). A name that is neither built in nor a file is an error that lists the built-in ones.
 */
export function resolveProfile(nameOrPath: string, baseDir = process.cwd()): ResolvedProfile {
  const builtIn = ownValue(BUILT_IN_PROFILES, nameOrPath);
  if (builtIn !== undefined)
    return { profile: validated(builtIn, `built-in profile '${nameOrPath}'`), costs: builtIn.mock, origin: 'built-in' };
  if (!/[/\\.]/.test(nameOrPath))
    throw new MockConfigError('profile', [
      `'${nameOrPath}' is not a built-in profile (${Object.keys(BUILT_IN_PROFILES).join(', ')}) nor a file path ` +
        `(a profile file ends in .yaml or .json)`,
    ]);
  const file = isAbsolute(nameOrPath) ? nameOrPath : resolve(baseDir, nameOrPath);
  const data = readProfileFile(file);
  const profile = validated(data, file);
  return { profile, costs: (data as { mock: Record<string, unknown> }).mock, origin: { file } };
}
