import { readFileSync } from 'node:fs';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCatalogue } from '../errors/errorCatalogue.js';

const LOCK = '.dvbench.lock';

/** Locks this process holds: a lock naming this pid and not held here was left by another process. */
const heldHere = new Set<string>();

/**
 * When a process started (Linux: clock ticks since boot, /proc/<pid>/stat field 22); undefined
 * where the system does not say. A pid alone is reused: in a container every run is pid 1.
 */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether the run a lock names still runs: the same pid, started at the same moment. */
function holderAlive(lock: string, pid: number, started: string | undefined): boolean {
  if (pid === process.pid) return heldHere.has(lock);
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = startTime(pid);
  return started === undefined || now === undefined || now === started;
}

/**
 * Makes sure a run may write into `dir` before anything runs: the folder can be created and
 * written, and no other live run is writing there (results.json and created-records.json
 * would race: the last writer wins and records go missing from the list). Returns the release.
 */
export async function lockOutputFolder(dir: string): Promise<() => Promise<void>> {
  const lock = join(dir, LOCK);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, '.dvbench.write-test'), '');
    await rm(join(dir, '.dvbench.write-test'), { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw errorCatalogue.DVB_ERR_OUTPUT(
      `--out ${dir}: cannot write there (${code}); choose a folder you can write to. Nothing ran.`,
    );
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(`${process.pid} ${startTime(process.pid) ?? ''}\n`);
      await handle.close();
      heldHere.add(lock);
      return async () => {
        heldHere.delete(lock);
        await rm(lock, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const [pidText = '', started] = (await readFile(lock, 'utf8').catch(() => '')).trim().split(' ');
      const pid = Number(pidText);
      if (Number.isInteger(pid) && pid > 0 && holderAlive(lock, pid, started === '' ? undefined : started)) {
        throw errorCatalogue.DVB_ERR_OUTPUT(
          `--out ${dir}: another dvbench run (pid ${pid}) is writing there; give each run its own folder. Nothing ran.`,
        );
      }
      // The run that held it is gone (killed): its lock is stale.
      await rm(lock, { force: true });
    }
  }
  throw errorCatalogue.DVB_ERR_OUTPUT(`--out ${dir}: could not take the folder's lock. Nothing ran.`);
}
