import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DataverseClient } from '../client/DataverseClient.js';
import type { PlannedOperation } from '../operations/PlannedOperation.js';
import { RUN_TAG_VARIABLE, scriptResponse, type ScriptContext } from '../strategies/runScript.js';

/** What a script module's `check` export gets after each measured repetition. */
type ScriptCheckContext = Pick<ScriptContext, 'url' | 'token' | 'request' | 'tag'> & {
  /** Operations of this workload the repetition ran without error. */
  readonly succeeded: number;
};

type ScriptCheck = (ctx: ScriptCheckContext) => Promise<unknown>;

/** What a script's `check` and `cleanup` exports send their requests through: the run's control client. */
function controlContext(client: DataverseClient): Pick<ScriptContext, 'url' | 'token' | 'request' | 'tag'> {
  return {
    url: client.apiUrl,
    token: () => client.token(),
    async request(method, path, body, headers) {
      const r = await client.send(method, path, body === undefined ? undefined : JSON.stringify(body), {
        ...(headers === undefined ? {} : { headers }),
      });
      return scriptResponse(r);
    },
    tag: process.env[RUN_TAG_VARIABLE] ?? 'dvb-run',
  };
}

/**
 * A script module may export `cleanup(ctx)`: it runs after every repetition, warm-ups too, on
 * either target, to remove what the module's operations created (dvbench cannot know what that
 * is). The next repetition then starts from the same data on an org as on the mock. Answers a
 * warning for each cleanup that throws.
 */
export async function runScriptCleanups(client: DataverseClient, ops: readonly PlannedOperation[]): Promise<string[]> {
  const modules = new Set(ops.flatMap((op) => (op.kind === 'script' ? [op.module] : [])));
  const warnings: string[] = [];
  for (const module of modules) {
    const { cleanup } = (await import(pathToFileURL(module).href)) as { cleanup?: unknown };
    if (typeof cleanup !== 'function') continue;
    try {
      await (cleanup as (ctx: ReturnType<typeof controlContext>) => Promise<unknown>)(controlContext(client));
    } catch (error) {
      warnings.push(`${basename(module)} cleanup threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return warnings;
}

/**
 * The user's own integrity check: a script module may export `check(ctx)`, which answers a
 * list of problems (strings; empty or nothing when all is well). Each is noted as an audit
 * problem, and so is a check that throws.
 */
export async function runScriptChecks(
  client: DataverseClient,
  ops: readonly PlannedOperation[],
  failed: ReadonlySet<string>,
  note: (problem: string) => void,
): Promise<void> {
  const byModule = new Map<string, number>();
  for (const op of ops) {
    if (op.kind !== 'script') continue;
    const ok = failed.has(`${basename(op.module)} #${op.index}`) ? 0 : 1;
    byModule.set(op.module, (byModule.get(op.module) ?? 0) + ok);
  }
  for (const [module, succeeded] of byModule) {
    const { check } = (await import(pathToFileURL(module).href)) as { check?: unknown };
    if (typeof check !== 'function') continue;
    const ctx: ScriptCheckContext = { ...controlContext(client), succeeded };
    try {
      const problems = await (check as ScriptCheck)(ctx);
      if (Array.isArray(problems)) for (const p of problems) note(`${basename(module)} check: ${String(p)}`);
    } catch (error) {
      note(`${basename(module)} check threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
