import { STATUS_CODES } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { CannedResponse } from './bareServer.js';

export interface DelayServerOptions {
  readonly response: CannedResponse;
  readonly delayMs: number;
}

const HEAD_END = '\r\n\r\n';

/**
 * The pure-delay server of the accuracy benchmark: each request is answered with the same bytes
 * after a fixed time, and nothing else. It reads requests off raw sockets instead of node:http,
 * whose parsing and response objects cost about 20 µs per request: with 64 answers due at once,
 * on 2 cores shared with the client, that server work was a third of the error charged to the
 * harness. Forked by the benchmark and told its response over IPC.
 */
process.once('message', (message: DelayServerOptions) => {
  const { response, delayMs } = message;
  const body = Buffer.from(response.body);
  const head = Object.entries({ ...response.headers, 'content-length': String(body.length) })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  const answer = Buffer.concat([
    Buffer.from(`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}\r\n${head}\r\n`),
    body,
  ]);
  const server = createServer((socket: Socket) => {
    socket.setNoDelay(true);
    let pending = '';
    /** Bytes of a request body still to skip. */
    let skip = 0;
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      for (;;) {
        if (skip > 0) {
          const taken = Math.min(skip, pending.length);
          pending = pending.slice(taken);
          skip -= taken;
          if (skip > 0) return;
        }
        const end = pending.indexOf(HEAD_END);
        if (end < 0) return;
        skip = Number(/\r\ncontent-length:\s*(\d+)/i.exec(pending.slice(0, end))?.[1] ?? 0);
        pending = pending.slice(end + HEAD_END.length);
        setTimeout(() => socket.write(answer), delayMs);
      }
    });
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  });
  process.on('disconnect', () => process.exit(0));
});
