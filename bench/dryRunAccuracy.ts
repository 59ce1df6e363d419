import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'dvbench.js');

export interface EstimateAccuracy {
  readonly scenario: string;
  readonly estimatedSeconds: number;
  readonly measuredSeconds: number;
  readonly errorPercent: number;
}

function cli(args: readonly string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.on('close', (code) => {
      resolve({ code, stdout });
    });
  });
}

/**
 * `about 1.7 min in all` → 102; a time-compressed run's own time where the dry run gives it
 * (`this run takes about 25 s here`): the org's time is the compression's multiple of it.
 */
function estimatedSeconds(stdout: string): number {
  const m =
    /this run takes about ([\d.]+) (s|min|h) here/.exec(stdout) ?? /Time: about ([\d.]+) (s|min|h) in all/.exec(stdout);
  if (m === null) throw new Error(`no estimate in the dry run:\n${stdout}`);
  return Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'min' ? 60 : 1);
}

/**
 * Every example scenario but the load test: `--dry-run`'s estimate against the whole run, from
 * start to exit, one at a time on the embedded mock at the costs each example gives it.
 */
export async function dryRunAccuracy(): Promise<EstimateAccuracy[]> {
  const dir = join(ROOT, 'scenarios');
  const files = [
    ...(await readdir(dir)).filter((f) => f.endsWith('.yaml') && f !== 'load-ramp.yaml').map((f) => join(dir, f)),
    join(dir, 'own-code', 'own-code.yaml'),
  ];
  const out = await mkdtemp(join(tmpdir(), 'dvbench-estimates-'));
  const rows: EstimateAccuracy[] = [];
  try {
    for (const file of files) {
      const dry = await cli(['run', file, '--dry-run']);
      const estimated = estimatedSeconds(dry.stdout);
      const started = performance.now();
      await cli(['run', file, '--out', join(out, basename(file, '.yaml')), '--quiet']);
      const measured = (performance.now() - started) / 1000;
      rows.push({
        scenario: basename(file, '.yaml'),
        estimatedSeconds: estimated,
        measuredSeconds: Math.round(measured * 10) / 10,
        errorPercent: Math.round((estimated / measured - 1) * 1000) / 10,
      });
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
  return rows;
}
