import { connect, createServer, type Socket } from 'node:net';

export interface DelayProxy {
  /** `http://127.0.0.1:<port>`: give it to a client as the org's URL. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A TCP proxy that holds every chunk for half the round trip in each direction, as a network
 * between a client and an org would: a request and its answer together pay `roundTripMs`
 * once, whatever the server does. Chunks keep their order (equal delays fire in order).
 */
export async function startDelayProxy(upstream: string, roundTripMs: number): Promise<DelayProxy> {
  const target = new URL(upstream);
  const half = roundTripMs / 2;
  const sockets = new Set<Socket>();
  const relay = (from: Socket, to: Socket): void => {
    from.on('data', (chunk) => setTimeout(() => to.write(chunk), half));
    from.on('end', () => setTimeout(() => to.end(), half));
    from.on('error', () => to.destroy());
    from.on('close', () => setTimeout(() => to.destroy(), half + 1));
  };
  const server = createServer((client) => {
    const org = connect(Number(target.port), target.hostname);
    sockets.add(client).add(org);
    client.on('close', () => sockets.delete(client));
    org.on('close', () => sockets.delete(org));
    client.setNoDelay(true);
    org.setNoDelay(true);
    relay(client, org);
    relay(org, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
