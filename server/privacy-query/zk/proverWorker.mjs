// One worker thread of Prover (prover.ts). Plain .mjs so it loads the same under tsx and plain node.
//
// Keeps each circuit's compiled witness calculator and its zkey in memory, and proves one request at a
// time on a single-threaded curve: a pool of N such workers keeps N cores busy, with no nested thread
// pools fighting over them, and the caller's event loop never runs a multi-exponentiation.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { buildBn128 } from 'ffjavascript';
import * as snarkjs from 'snarkjs';

const require = createRequire(import.meta.url);

// snarkjs asks ffjavascript for its shared curve (globalThis.curve_bn128) and would otherwise try to start
// one more thread per core from inside this worker, which its web-worker library cannot do.
globalThis.curve_bn128 = await buildBn128(true);
parentPort.postMessage({ ready: true });

const circuits = new Map();

async function load(name) {
  let c = circuits.get(name);
  if (!c) {
    const dir = join(workerData.buildDir, name);
    const [wasm, zkey] = await Promise.all([readFile(join(dir, `${name}_js`, `${name}.wasm`)), readFile(join(dir, `${name}.zkey`))]);
    // circom's own generated witness calculator, copied to .cjs by circuits/build.ts
    const builder = require(join(dir, 'witness_calculator.cjs'));
    c = { wasm, zkey, builder, calculator: await builder(wasm) };
    circuits.set(name, c);
  }
  return c;
}

parentPort.on('message', async ({ id, circuit, input }) => {
  try {
    const c = await load(circuit);
    let witness;
    try {
      witness = await c.calculator.calculateWTNSBin(input, true);
    } catch (e) {
      // the inputs do not satisfy the circuit; a trapped wasm instance is not trusted again
      c.calculator = await c.builder(c.wasm);
      parentPort.postMessage({ id, ok: false, kind: 'witness', message: String(e?.message ?? e) });
      return;
    }
    const { proof, publicSignals } = await snarkjs.groth16.prove(c.zkey, witness);
    parentPort.postMessage({ id, ok: true, proof, publicSignals });
  } catch (e) {
    parentPort.postMessage({ id, ok: false, kind: 'error', message: String(e?.message ?? e) });
  }
});
