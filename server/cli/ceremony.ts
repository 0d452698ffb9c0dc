import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ChainError } from '../chain/errors.ts';
import { applyBeacon, contribute, fileHash, initCeremony, readTranscript, verifyTranscript } from '../privacy-query/ceremony/transcript.ts';
import { CIRCUITS, type CircuitName } from '../privacy-query/zk/publicSignals.ts';

const USAGE = `npm run ceremony -- <command>   (one circuit's phase 2, passed from department to department as a folder)
  init --circuit <c> --dir <folder> --ptau <published ptau file> --participants market,tax,... [--allow-local-ptau]
      opens the ceremony: the initial zkey from this machine's r1cs and the phase-1 file; record it with ceremony.open
  contribute --dir <folder> --dept <id>
      on the department's own machine, in its turn: fresh entropy, never stored; record the printed hash with ceremony.contribute, then hand the folder on
  beacon --dir <folder> --height <n> --block-hash <hex>
      after the last contribution: a finalized block's hash as the beacon; record it with ceremony.beacon
  verify --dir <folder> --ptau <file>
      zkey verify of the final zkey against this machine's r1cs and the phase-1 file, and the transcript's hashes in order`;

const { positionals, values: a } = parseArgs({
  allowPositionals: true,
  options: {
    circuit: { type: 'string' },
    dir: { type: 'string' },
    ptau: { type: 'string' },
    participants: { type: 'string' },
    dept: { type: 'string' },
    height: { type: 'string' },
    'block-hash': { type: 'string' },
    'build-dir': { type: 'string' },
    // development and tests only: a phase 1 made on one machine is only as trustworthy as that machine
    'allow-local-ptau': { type: 'boolean', default: false },
  },
});

const need = (v: string | undefined, name: string): string => {
  if (!v) throw new ChainError('USAGE', `--${name} is required\n${USAGE}`);
  return v;
};

const commands: Record<string, () => Promise<unknown>> = {
  async init() {
    const circuit = need(a.circuit, 'circuit') as CircuitName;
    if (!CIRCUITS.includes(circuit)) throw new ChainError('USAGE', `--circuit is one of ${CIRCUITS.join(', ')}`);
    const ptau = resolve(need(a.ptau, 'ptau'));
    const { PUBLIC_PTAU } = await import('../../circuits/ceremony.ts');
    if (PUBLIC_PTAU[await fileHash(ptau, 'blake2b512')] === undefined && !a['allow-local-ptau']) {
      throw new ChainError('CEREMONY_UNPUBLISHED_PTAU', `${ptau} is not a published Perpetual Powers of Tau file (its blake2b-512 is not among the snarkjs README's); --allow-local-ptau for development only`);
    }
    const participants = need(a.participants, 'participants').split(',').map((d) => d.trim()).filter(Boolean);
    const t = await initCeremony({ dir: resolve(need(a.dir, 'dir')), circuit, ptau, participants, buildDir: a['build-dir'] });
    return { circuit: t.circuit, participants: t.participants, r1csHash: t.r1csHash, ptauHash: t.ptauHash, initHash: t.initHash };
  },
  async contribute() {
    const step = await contribute({ dir: resolve(need(a.dir, 'dir')), dept: need(a.dept, 'dept') });
    return { circuit: (await readTranscript(resolve(a.dir!))).circuit, dept: step.dept, hash: step.hash };
  },
  async beacon() {
    const height = Number(need(a.height, 'height'));
    const b = await applyBeacon({ dir: resolve(need(a.dir, 'dir')), height, blockHash: need(a['block-hash'], 'block-hash') });
    return { circuit: (await readTranscript(resolve(a.dir!))).circuit, height: b.height, blockHash: b.blockHash, hash: b.hash, zkeyHash: b.zkeyHash, vkeyHash: b.vkeyHash };
  },
  async verify() {
    const { transcript: t } = await verifyTranscript({ dir: resolve(need(a.dir, 'dir')), ptau: resolve(need(a.ptau, 'ptau')), buildDir: a['build-dir'] });
    return { circuit: t.circuit, verified: true, contributions: t.contributions.map((c) => c.dept), final: t.beacon!.zkeyHash };
  },
};

const run = commands[positionals[0] ?? ''];
if (!run) {
  console.error(USAGE);
  process.exit(2);
}
try {
  // one JSON line on stdout: what the department records on the chain
  console.log(JSON.stringify(await run()));
  process.exitCode = 0;
} catch (e) {
  console.error(e instanceof ChainError ? `${e.code}: ${e.message}` : e);
  process.exitCode = 1;
} finally {
  // snarkjs leaves ffjavascript's worker threads running (iden3/snarkjs#152)
  await (globalThis as { curve_bn128?: { terminate(): Promise<void> } }).curve_bn128?.terminate();
}
