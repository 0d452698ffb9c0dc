import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as snarkjs from 'snarkjs';
import { z } from 'zod';
import { ChainError } from '../../chain/errors.ts';
import { DEFAULT_BUILD_DIR, vkeyHash } from '../zk/keys.ts';
import { CIRCUITS, type CircuitName } from '../zk/publicSignals.ts';

/*
 * A phase-2 ceremony as files passed from one department to the next: `<dir>/transcript.json` and one zkey
 * per step. Each step runs on its own department's machine; nothing here keeps a contribution's entropy.
 */

export const BEACON_ITERATIONS_EXP = 10;

export const Transcript = z.strictObject({
  format: z.literal('tongban/ceremony/v1'),
  circuit: z.enum(CIRCUITS),
  r1csHash: z.string(),
  ptauHash: z.string(),
  participants: z.array(z.string()).min(1),
  initHash: z.string(),
  contributions: z.array(z.strictObject({ dept: z.string(), hash: z.string(), file: z.string(), zkeyHash: z.string() })),
  beacon: z.strictObject({ height: z.number().int(), blockHash: z.string(), hash: z.string(), file: z.string(), zkeyHash: z.string(), vkeyHash: z.string() }).optional(),
});
export type Transcript = z.infer<typeof Transcript>;

export async function fileHash(file: string, algorithm: 'sha256' | 'blake2b512' = 'sha256'): Promise<string> {
  const h = createHash(algorithm);
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const r1csOf = (c: CircuitName, buildDir = DEFAULT_BUILD_DIR): string => join(buildDir, c, `${c}.r1cs`);
const transcriptFile = (dir: string) => join(dir, 'transcript.json');

export async function readTranscript(dir: string): Promise<Transcript> {
  const f = transcriptFile(dir);
  if (!existsSync(f)) throw new ChainError('CEREMONY_NO_TRANSCRIPT', `no ceremony transcript at ${f}`);
  return Transcript.parse(JSON.parse(await readFile(f, 'utf8')));
}
const saveTranscript = (dir: string, t: Transcript) => writeFile(transcriptFile(dir), JSON.stringify(t, null, 2) + '\n');

/** The zkey the next step starts from. */
const latest = (t: Transcript): string => t.contributions.at(-1)?.file ?? `${t.circuit}.0000.zkey`;

/** Step 0, by whoever opens the ceremony: the initial zkey from the circuit and the phase-1 file. */
export async function initCeremony(o: { dir: string; circuit: CircuitName; ptau: string; participants: string[]; buildDir?: string }): Promise<Transcript> {
  await mkdir(o.dir, { recursive: true });
  const file = `${o.circuit}.0000.zkey`;
  await snarkjs.zKey.newZKey(r1csOf(o.circuit, o.buildDir), o.ptau, join(o.dir, file));
  const t: Transcript = {
    format: 'tongban/ceremony/v1',
    circuit: o.circuit,
    r1csHash: await fileHash(r1csOf(o.circuit, o.buildDir)),
    ptauHash: await fileHash(o.ptau, 'blake2b512'),
    participants: o.participants,
    initHash: await fileHash(join(o.dir, file)),
    contributions: [],
  };
  await saveTranscript(o.dir, t);
  return t;
}

/** One department's contribution, on its own machine: fresh entropy from node:crypto, used once and dropped. */
export async function contribute(o: { dir: string; dept: string }): Promise<Transcript['contributions'][number]> {
  const t = await readTranscript(o.dir);
  const i = t.contributions.length;
  if (t.beacon) throw new ChainError('CEREMONY_CLOSED', 'the beacon has been applied; the ceremony is closed', { status: 409 });
  if (t.participants[i] !== o.dept) throw new ChainError('CEREMONY_OUT_OF_ORDER', `contribution ${i + 1} is ${t.participants[i] ?? 'nobody'}'s, not ${o.dept}'s`, { status: 409 });
  const file = `${t.circuit}.${String(i + 1).padStart(4, '0')}.zkey`;
  const hash = hex(await snarkjs.zKey.contribute(join(o.dir, latest(t)), join(o.dir, file), o.dept, randomBytes(64).toString('hex')));
  const step = { dept: o.dept, hash, file, zkeyHash: await fileHash(join(o.dir, file)) };
  t.contributions.push(step);
  await saveTranscript(o.dir, t);
  return step;
}

/** The last step: a beacon from a finalized block's hash, which nobody could know before the last contribution. */
export async function applyBeacon(o: { dir: string; height: number; blockHash: string }): Promise<NonNullable<Transcript['beacon']>> {
  const t = await readTranscript(o.dir);
  if (t.contributions.length !== t.participants.length) throw new ChainError('CEREMONY_INCOMPLETE', `${t.participants.length - t.contributions.length} contributions are missing`, { status: 409 });
  if (!/^[0-9a-f]{64}$/.test(o.blockHash)) throw new ChainError('CEREMONY_BAD_BEACON', 'the beacon is a block hash: 64 hex characters');
  const file = `${t.circuit}.final.zkey`;
  const hash = await snarkjs.zKey.beacon(join(o.dir, latest(t)), join(o.dir, file), 'beacon', o.blockHash, BEACON_ITERATIONS_EXP);
  if (!hash) throw new ChainError('CEREMONY_BEACON_FAILED', 'snarkjs zkey beacon failed', { status: 500 });
  const vkey = await snarkjs.zKey.exportVerificationKey(join(o.dir, file));
  await writeFile(join(o.dir, `${t.circuit}.vkey.json`), JSON.stringify(vkey, null, 2) + '\n');
  t.beacon = { height: o.height, blockHash: o.blockHash, hash: hex(hash), file, zkeyHash: await fileHash(join(o.dir, file)), vkeyHash: vkeyHash(vkey) };
  await saveTranscript(o.dir, t);
  return t.beacon;
}

/**
 * What every node checks before it adopts the keys: the final zkey is the one the transcript names,
 * `snarkjs zkey verify` passes against this node's own r1cs and the phase-1 file, every contribution the
 * zkey carries is one the transcript (and so the chain) records, in order, and the beacon is the one named.
 * Returns the final verification key.
 */
export async function verifyTranscript(o: { dir: string; ptau: string; buildDir?: string }): Promise<{ transcript: Transcript; vkey: snarkjs.VerificationKey }> {
  const t = await readTranscript(o.dir);
  const fail = (m: string): never => {
    throw new ChainError('CEREMONY_VERIFY_FAILED', `${t.circuit}: ${m}`, { status: 409 });
  };
  if (!t.beacon) fail('the ceremony has no beacon yet');
  const final = join(o.dir, t.beacon!.file);
  if ((await fileHash(o.ptau, 'blake2b512')) !== t.ptauHash) fail('the phase-1 file is not the one the transcript names');
  if ((await fileHash(r1csOf(t.circuit, o.buildDir))) !== t.r1csHash) fail('this node compiled another circuit than the transcript names');
  if (!existsSync(final) || (await fileHash(final)) !== t.beacon!.zkeyHash) fail('the final zkey is not the one the transcript names');
  const lines: string[] = [];
  const logger = { info: (m: string) => lines.push(String(m)), warn: (m: string) => lines.push(String(m)), error: (m: string) => lines.push(String(m)), debug: () => {} };
  let ok = false;
  try {
    ok = await snarkjs.zKey.verifyFromR1cs(r1csOf(t.circuit, o.buildDir), o.ptau, final, logger as never);
  } catch (e) {
    fail(`zkey verify: ${(e as Error).message}`);
  }
  if (!ok) fail('snarkjs zkey verify failed against the r1cs and the phase-1 file');
  // snarkjs logs each contribution's hash (last first, in hex groups): the zkey must carry exactly the transcript's, in order
  const carried: string[] = [];
  for (const m of lines.join('\n').matchAll(/contribution #(\d+)[^:\n]*:\s*((?:[0-9a-f]{8}\s*){16})/g)) carried[Number(m[1]) - 1] = m[2].replace(/\s/g, '');
  const expected = [...t.contributions.map((x) => x.hash), t.beacon!.hash];
  if (carried.length !== expected.length || expected.some((h, i) => carried[i] !== h)) fail('the contributions the final zkey carries are not the transcript\'s, in its order');
  if (!lines.some((l) => l.includes(`Beacon generator: ${t.beacon!.blockHash}`))) fail('the beacon is not the block hash the transcript names');
  const vkey = await snarkjs.zKey.exportVerificationKey(final);
  if (vkeyHash(vkey) !== t.beacon!.vkeyHash) fail('the verification key differs from the transcript');
  return { transcript: t, vkey };
}
