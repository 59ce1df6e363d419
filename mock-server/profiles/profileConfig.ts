import type { MockConfigInput } from '../config/mockConfigSchema.js';
import { applyProfile } from './applyProfile.js';

/**
 * A mock config whose costs come from a profile: `default` (published Dataverse figures),
 * `zero`, or a profile file (a relative path is taken from `baseDir`, else the working
 * folder). `over` is laid on top, as a scenario's `mock` block is: its cost keys win.
 * Throws a `MockConfigError` naming the profile and the rule when the profile is unknown or invalid.
 */
export function profileConfig(profile: string, over: MockConfigInput = {}, baseDir?: string): MockConfigInput {
  return applyProfile({ ...over, profile }, baseDir === undefined ? {} : { baseDir }).input;
}
