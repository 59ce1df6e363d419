import { startMockServer, type MockConfigInput } from '../../mock-server/index.js';

/**
 * The embedded mock's own process: the runner forks it, sends the scenario's mock block over
 * IPC, and gets the URL back. It exits when the runner disconnects, so it never outlives a run
 * (even one that crashed or was killed).
 */
process.once('message', (message: { config: MockConfigInput }) => {
  startMockServer({ port: 0, host: '127.0.0.1', config: message.config })
    .then((server) => {
      process.send?.({ url: server.url });
      const stop = (): void => {
        void server.close().finally(() => process.exit(0));
      };
      process.on('disconnect', stop);
      process.on('SIGTERM', stop);
      // Ctrl-C reaches the whole process group; the runner decides when the mock stops.
      process.on('SIGINT', () => undefined);
    })
    .catch((error: unknown) => {
      process.send?.({ error: error instanceof Error ? error.message : String(error) });
      process.exit(1);
    });
});
