// Verifies a batch of ed25519 signatures with node:crypto and reports how long it took.
import { createPublicKey, verify } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

const SPKI = Buffer.from('302a300506032b6570032100', 'hex');
const { items, rounds } = workerData;
const keys = items.map((i) => createPublicKey({ key: Buffer.concat([SPKI, Buffer.from(i.pub, 'hex')]), format: 'der', type: 'spki' }));
const msgs = items.map((i) => Buffer.from(i.msg));
const sigs = items.map((i) => Buffer.from(i.sig, 'hex'));
const t0 = performance.now();
let ok = 0;
for (let r = 0; r < rounds; r++) for (let j = 0; j < items.length; j++) if (verify(null, msgs[j], keys[j], sigs[j])) ok++;
parentPort.postMessage({ ms: performance.now() - t0, ok });
