import { PassThrough } from 'node:stream';
import type { Context } from 'koa';

/** Opens a server-sent-events stream; returns a writer and a promise that settles on disconnect. */
export function openEventStream(ctx: Context): { send(event: string, data: unknown, id?: string): void; closed: Promise<void> } {
  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  ctx.req.socket.setKeepAlive(true);
  ctx.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  const stream = new PassThrough();
  // A browser closing the page is the normal end of a stream, not an error.
  stream.on('error', () => undefined);
  ctx.compress = false;
  ctx.status = 200;
  ctx.body = stream;
  stream.write(': connected\n\n');
  const ping = setInterval(() => stream.write(': ping\n\n'), 15_000);
  const closed = new Promise<void>((resolve) => {
    const end = () => {
      clearInterval(ping);
      if (!stream.destroyed) stream.end();
      resolve();
    };
    ctx.req.on('close', end);
    stream.on('close', end);
  });
  return {
    send: (event, data, id) => stream.write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
    closed,
  };
}
