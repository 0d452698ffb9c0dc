// One worker thread of Prover (prover.ts). Plain .mjs so it loads the same under tsx and plain node.
//
// Keeps each circuit's compiled witness calculator and its parsed proving key (with window tables, see
// msmTables.mjs) in memory, and proves one request at a time on a single-threaded curve: a pool of N such
// workers keeps N cores busy, with no nested thread pools fighting over them, and the caller's event loop
// never runs a multi-exponentiation. When the pool has nothing else to do, a second worker helps with a
// proof (a `help` request): the two talk over a MessageChannel of their own, so the hand-off never waits
// on the caller's event loop, and take the proof's steps from a shared counter (groth16Prove.mjs).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { buildBn128 } from 'ffjavascript';
import { helpProve, prove, readProvingKey } from './groth16Prove.mjs';

const require = createRequire(import.meta.url);

const curve = await buildBn128(true);
parentPort.postMessage({ ready: true });

const circuits = new Map(); // name → promise of the loaded circuit
const loaded = new Map(); // name → the loaded circuit, once it is

function load(name) {
  let c = circuits.get(name);
  if (!c) {
    c = (async () => {
      const dir = join(workerData.buildDir, name);
      const [wasm, zkey] = await Promise.all([readFile(join(dir, `${name}_js`, `${name}.wasm`)), readFile(join(dir, `${name}.zkey`))]);
      // circom's own generated witness calculator, copied to .cjs by circuits/build.ts
      const builder = require(join(dir, 'witness_calculator.cjs'));
      const calculator = await builder(wasm);
      // the raw witness carries no header: check here, once, what snarkjs checks in each .wtns file
      if (calculator.prime !== curve.r) throw new Error(`${name} was compiled for another field`);
      const circuit = { wasm, builder, calculator, pk: readProvingKey(curve, zkey) };
      loaded.set(name, circuit);
      return circuit;
    })();
    circuits.set(name, c);
    c.catch(() => circuits.delete(name)); // a missing build is retried on the next request
  }
  return c;
}

/** The next message on a port, or undefined once the other side has closed it. */
function next(port) {
  return new Promise((resolve) => {
    const done = (m) => {
      port.off('message', done);
      port.off('close', done);
      resolve(m);
    };
    port.on('message', done);
    port.on('close', done);
  });
}

/** Starts the helper at the other end of `port` on the proof of `witness`; its points, or null if it cannot help. */
async function askHelper(port, witness, claims) {
  const reply = next(port);
  port.postMessage({ witness, claims });
  const m = await reply;
  return m?.ok ? m.part : null;
}

async function proveRequest({ id, circuit, input, port }) {
  try {
    const c = await load(circuit);
    let witness;
    try {
      witness = await c.calculator.calculateBinWitness(input, true);
    } catch (e) {
      // the inputs do not satisfy the circuit; a trapped wasm instance is not trusted again
      c.calculator = await c.builder(c.wasm);
      parentPort.postMessage({ id, ok: false, kind: 'witness', message: String(e?.message ?? e) });
      return;
    }
    const { proof, publicSignals } = await prove(c.pk, witness, port && ((claims) => askHelper(port, witness, claims)));
    parentPort.postMessage({ id, ok: true, proof, publicSignals });
  } catch (e) {
    parentPort.postMessage({ id, ok: false, kind: 'error', message: String(e?.message ?? e) });
  } finally {
    port?.close();
  }
}

async function helpRequest({ circuit, port }) {
  const c = loaded.get(circuit);
  if (!c) {
    // loading takes longer than helping would (the window tables): decline, and load for next time
    port.postMessage({ ok: false, message: `${circuit} is not loaded yet` });
    port.close();
    parentPort.postMessage({ helped: true });
    return load(circuit).catch(() => {});
  }
  try {
    const m = await next(port);
    if (m) port.postMessage({ ok: true, part: await helpProve(c.pk, m.witness, m.claims) });
  } catch (e) {
    port.postMessage({ ok: false, message: String(e?.message ?? e) });
  } finally {
    port.close();
    parentPort.postMessage({ helped: true });
  }
}

/** Loads circuits one after another (the worker stays free for a proof between them); the first failure is reported. */
async function warmRequest({ warm }) {
  let error;
  for (const name of warm) {
    try {
      await load(name);
    } catch (e) {
      error ??= `${name}: ${String(e?.message ?? e)}`;
    }
  }
  parentPort.postMessage({ warmed: true, ...(error ? { error } : {}) });
}

parentPort.on('message', (msg) => void (msg.warm ? warmRequest(msg) : msg.help ? helpRequest(msg) : proveRequest(msg)));
