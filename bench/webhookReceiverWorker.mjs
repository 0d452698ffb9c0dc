// A department's system receiving webhooks on loopback, in its own thread so that its work is not
// the node's: it checks every signature as server/events/README.md shows, answers 204, and reports
// per event id its height and the moment its reply was finished (performance.timeOrigin + now(),
// comparable across threads), in batches.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { parentPort } from 'node:worker_threads';

const WINDOW_S = 300;
let setSecret;
const secret = new Promise((r) => (setSecret = r));
let acks = [];
let bad = 0;

function verify(key, header, rawBody) {
  const { t, v1 } = Object.fromEntries((header ?? '').split(',').map((kv) => kv.split('=')));
  const mac = createHmac('sha256', key).update(`${t}.${rawBody}`).digest();
  const ok = v1?.length === 64 && timingSafeEqual(mac, Buffer.from(v1, 'hex'));
  return ok && Math.abs(Date.now() / 1000 - Number(t)) <= WINDOW_S;
}

const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (body += c));
  req.on('end', async () => {
    // The first deliveries may come before the secret, which the registration's answer carries.
    if (!verify(await secret, req.headers['x-tongban-signature'], body)) {
      bad++;
      res.writeHead(401).end();
      return;
    }
    const { event } = JSON.parse(body);
    res.on('finish', () => acks.push([event.id, event.height, performance.timeOrigin + performance.now()]));
    res.writeHead(204).end();
  });
});

const flush = setInterval(() => {
  if (!acks.length && !bad) return;
  parentPort.postMessage({ acks, bad });
  acks = [];
  bad = 0;
}, 5);

parentPort.on('message', (m) => {
  if (m.secret) setSecret(m.secret);
  if (m.close) {
    clearInterval(flush);
    server.closeAllConnections();
    server.close(() => parentPort.close());
  }
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
