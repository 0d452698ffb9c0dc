// One worker thread of CommitHasher (commitHasher.ts): Poseidon over rows of field elements, off the
// event loop that applies blocks. Plain .mjs so it loads the same under tsx and plain node. It knows
// nothing of the commitment layout; the caller builds each row with zk/commitment.ts's inputs.
import { parentPort } from 'node:worker_threads';

// Listen before loading circomlibjs: it pulls in web-worker, which starts listening on parentPort as
// it loads, and a message that arrives in between would reach only that listener and be lost.
let poseidon;
const ready = import('circomlibjs').then((m) => m.buildPoseidon()).then((p) => (poseidon = p));

parentPort.on('message', async ({ id, rows }) => {
  try {
    await ready;
    parentPort.postMessage({ id, out: rows.map((r) => poseidon.F.toObject(poseidon(r))) });
  } catch (e) {
    parentPort.postMessage({ id, error: String(e?.message ?? e) });
  }
});
