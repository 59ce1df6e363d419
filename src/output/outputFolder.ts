import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCatalogue } from '../errors/errorCatalogue.js';

const LOCK = '.dvbench.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
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
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return async () => {
        await rm(lock, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
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
