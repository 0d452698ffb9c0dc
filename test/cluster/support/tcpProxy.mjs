// A TCP forwarder with an adjustable delay, run inside a network namespace:
//   node tcpProxy.mjs <listenHost:port=targetHost:port> ...
// Prints READY once every listener is bound; reads `delay <ms>` lines on stdin (answers `ok`)
// and holds each chunk that long in each direction, in order. Exits at end of stdin, so it
// never outlives the test that started it. Plain JavaScript: it starts in a few milliseconds.
import { createServer, connect } from 'node:net';
import { createInterface } from 'node:readline';

let delayMs = 0;
const sockets = new Set();

/** Writes each chunk `delayMs` after it arrived, never before the chunk ahead of it. */
function pipeDelayed(from, to) {
  let due = 0;
  from.on('data', (chunk) => {
    due = Math.max(Date.now() + delayMs, due);
    const wait = due - Date.now();
    if (wait <= 0) to.write(chunk);
    else setTimeout(() => to.writable && to.write(chunk), wait);
  });
  from.on('end', () => setTimeout(() => to.end(), Math.max(0, due - Date.now())));
}

const listeners = process.argv.slice(2).map((spec) => {
  const [l, t] = spec.split('=');
  const [lh, lp] = [l.slice(0, l.lastIndexOf(':')), Number(l.slice(l.lastIndexOf(':') + 1))];
  const [th, tp] = [t.slice(0, t.lastIndexOf(':')), Number(t.slice(t.lastIndexOf(':') + 1))];
  const server = createServer((client) => {
    const upstream = connect(tp, th);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => (client.destroy(), upstream.destroy()));
      s.on('close', () => (sockets.delete(s), client.destroy(), upstream.destroy()));
    }
    pipeDelayed(client, upstream);
    pipeDelayed(upstream, client);
  });
  return new Promise((res, rej) => server.once('error', rej).listen(lp, lh, () => res(server)));
});
await Promise.all(listeners);
process.stdout.write('READY\n');

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const m = /^delay (\d+)$/.exec(line.trim());
  if (m) delayMs = Number(m[1]);
  process.stdout.write(m ? 'ok\n' : `err ${line}\n`);
});
lines.on('close', () => {
  for (const s of sockets) s.destroy();
  process.exit(0);
});
