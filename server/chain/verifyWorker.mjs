// Worker: verifies ed25519 signatures with node:crypto. Plain JavaScript so it starts
// without a TypeScript loader. Input: [{signer, message, signature}], output: booleans.
import { createPublicKey, verify } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

const SPKI = Buffer.from('302a300506032b6570032100', 'hex');
const keys = new Map();

function key(hex) {
  let k = keys.get(hex);
  if (!k) {
    k = createPublicKey({ key: Buffer.concat([SPKI, Buffer.from(hex, 'hex')]), format: 'der', type: 'spki' });
    if (keys.size > 50000) keys.clear();
    keys.set(hex, k);
  }
  return k;
}

parentPort.on('message', ({ id, items }) => {
  const out = items.map((i) => {
    try {
      return verify(null, Buffer.from(i.message), key(i.signer), Buffer.from(i.signature, 'hex'));
    } catch {
      return false;
    }
  });
  parentPort.postMessage({ id, out });
});
