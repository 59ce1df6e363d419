import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { MockConfig } from '../../mock-server/index.js';
import { errorCatalogue } from '../errors/errorCatalogue.js';
import { compiledModule } from '../../util/compiledModule.js';

export interface EmbeddedMock {
  readonly url: string;
  readonly pid: number;
  /** Resolves once the process has exited. */
  stop(): Promise<void>;
  /** Rejects if the mock's process dies before `stop` is called. */
  readonly died: Promise<never>;
}

/**
 * Starts the mock in its own process, so client and server share neither an event loop nor
 * their CPU figures.
 */
export async function startEmbeddedMock(config: MockConfig): Promise<EmbeddedMock> {
  const child: ChildProcess = fork(compiledModule('target/mockProcess.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let stopping = false;
  const died = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) => {
      if (!stopping)
        reject(
          errorCatalogue.DVB_ERR_TARGET_UNREACHABLE(
            `the embedded mock's process (pid ` +
              `${child.pid ?? '?'}) died (${signal ?? `exit code ${code ?? '?'}`}); the run cannot go on`,
          ),
        );
    });
  });
  died.catch(() => undefined);
  child.send({ config });
  const [reply] = (await Promise.race([once(child, 'message'), died])) as [{ url?: string; error?: string }];
  if (reply.url === undefined)
    throw errorCatalogue.DVB_ERR_TARGET_UNREACHABLE(`the embedded mock did not start: ${reply.error ?? 'no reply'}`);
  return {
    url: reply.url,
    pid: child.pid ?? 0,
    died,
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
