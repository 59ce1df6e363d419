import type { AddressInfo } from 'node:net';
import { buildMockServer, type MockServerOptions } from './buildMockServer.js';
import type { MockContext } from './MockContext.js';

export interface StartMockServerOptions extends MockServerOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
}

export interface RunningMockServer {
  /** Origin, e.g. `http://127.0.0.1:43210` (`https://` with `tls`). */
  readonly url: string;
  /** The Web API root, e.g. `http://127.0.0.1:43210/api/data/v9.2/`. */
  readonly apiUrl: string;
  readonly port: number;
  readonly context: MockContext;
  close(): Promise<void>;
}

/** Builds the mock and listens; `close()` ends open keep-alive connections too. */
export async function startMockServer(options: StartMockServerOptions = {}): Promise<RunningMockServer> {
  const { server, context } = buildMockServer(options);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `${options.tls === undefined ? 'http' : 'https'}://${urlHost}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    apiUrl: `${url}/api/data/v9.2/`,
    port,
    context,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
