import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A canned response per request line (`GET /path`): the exact bytes the mock answered with. */
export interface CannedResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface BareServerOptions {
  readonly responses: Record<string, CannedResponse>;
  readonly fallback: CannedResponse;
}

/**
 * The baseline: a bare node:http server that does nothing but answer with fixed bytes. Run in
 * its own process (forked by the benchmark) and told its responses over IPC.
 */
process.once('message', (message: BareServerOptions) => {
  const responses = new Map(
    Object.entries(message.responses).map(([k, v]) => [k, { ...v, buffer: Buffer.from(v.body) }]),
  );
  const fallback = { ...message.fallback, buffer: Buffer.from(message.fallback.body) };
  const server = createServer((req, res) => {
    // Read the whole body, as any server must, before answering.
    req.resume();
    req.on('end', () => {
      const canned = responses.get(`${req.method ?? 'GET'} ${(req.url ?? '/').split('?')[0] ?? '/'}`) ?? fallback;
      res.writeHead(canned.status, { ...canned.headers, 'content-length': String(canned.buffer.length) });
      res.end(canned.buffer);
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  });
  process.on('disconnect', () => process.exit(0));
});
