import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { buildBn128 } from 'ffjavascript';
import * as snarkjs from 'snarkjs';
import type { CircuitCeremony, Contribution, PtauRecord } from '../server/privacy-query/zk/keys.ts';
import { vkeyHash } from '../server/privacy-query/zk/keys.ts';

/*
 * The trusted setup, as one process simulates it for development and CI (circuits/README.md says what a
 * production ceremony does differently): phase 1 (powers of tau) shared by all circuits, phase 2 per circuit.
 */

/** Phase-2 contributors: every member department, in this order, then a random beacon. */
export const MEMBERS = ['market', 'tax', 'hrss', 'housing', 'enforcement', 'econ', 'finance', 'audit', 'service'] as const;
export const BEACON_ITERATIONS_EXP = 10;

/** Published blake2b-512 hashes of the prepared Perpetual Powers of Tau (Hermez) files, from the snarkjs README. */
export const PUBLIC_PTAU: Record<string, number> = {
  ded2694169b7b08e898f736d5de95af87c3f1a64594013351b1a796dbee393bd825f88f9468c84505ddd11eb0b1465ac9b43b9064aa8ec97f2b73e04758b8a4a: 12,
  '58efc8bf2834d04768a3d7ffcd8e1e23d461561729beaac4e3e7a47829a1c9066d5320241e124a1a8e8aa6c75be0ba66f65bc8239a0542ed38e11276f6fdb4d9': 13,
  eeefbcf7c3803b523c94112023c7ff89558f9b8e0cf5d6cdcba3ade60f168af4a181c9c21774b94fbae6c90411995f7d854d02ebd93fb66043dbb06f17a831c1: 14,
};

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const entropy = (): string => randomBytes(64).toString('hex');

export async function fileHash(file: string, algorithm: 'sha256' | 'blake2b512'): Promise<string> {
  const h = createHash(algorithm);
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

const exists = (file: string): Promise<boolean> => stat(file).then(() => true, () => false);

/**
 * A prepared phase-1 file of at least 2^power. TONGBAN_PTAU may name a published Hermez file (checked
 * against its hash). Otherwise one is made once per machine and cached outside the work tree
 * (TONGBAN_CACHE_DIR, default ~/.cache/tongban), because preparing phase 2 is most of a fresh build's time.
 */
export async function obtainPtau(power: number, log: (m: string) => void): Promise<{ file: string; record: PtauRecord }> {
  const given = process.env.TONGBAN_PTAU;
  if (given) {
    const hash = await fileHash(given, 'blake2b512');
    const p = PUBLIC_PTAU[hash];
    if (p === undefined) throw new Error(`TONGBAN_PTAU=${given} is not a published powers-of-tau file (blake2b ${hash.slice(0, 16)}…)`);
    if (p < power) throw new Error(`TONGBAN_PTAU holds 2^${p} powers; the circuits need 2^${power}`);
    return { file: given, record: { source: basename(given), power: p, hash, contributions: [] } };
  }
  const dir = join(process.env.TONGBAN_CACHE_DIR ?? join(homedir(), '.cache', 'tongban'), 'ptau');
  const file = join(dir, `local_pot${power}.ptau`);
  const recordFile = `${file}.json`;
  if ((await exists(file)) && (await exists(recordFile))) {
    const record = JSON.parse(await readFile(recordFile, 'utf8')) as PtauRecord;
    if ((await fileHash(file, 'blake2b512')) === record.hash) {
      log(`phase 1: reusing ${file}`);
      return { file, record };
    }
  }
  await mkdir(dir, { recursive: true });
  const t0 = Date.now();
  const tmp = (n: string) => join(dir, `.${process.pid}.${n}.ptau`);
  const curve = await buildBn128();
  await snarkjs.powersOfTau.newAccumulator(curve, power, tmp('0'));
  // One local contribution: a locally made phase 1 is only as trustworthy as this machine (see README).
  const hash = hex(await snarkjs.powersOfTau.contribute(tmp('0'), tmp('1'), 'tongban-local', entropy()));
  await snarkjs.powersOfTau.preparePhase2(tmp('1'), tmp('final'));
  await Promise.all([rm(tmp('0')), rm(tmp('1'))]);
  const record: PtauRecord = { source: 'local', power, hash: await fileHash(tmp('final'), 'blake2b512'), contributions: [{ name: 'tongban-local', hash }] };
  await rename(tmp('final'), file);
  await writeFile(recordFile, JSON.stringify(record, null, 2));
  log(`phase 1: made 2^${power} powers of tau in ${((Date.now() - t0) / 1000).toFixed(1)} s -> ${file}`);
  return { file, record };
}

/**
 * Phase 2 for one circuit: the initial zkey, one contribution per member (fresh node:crypto entropy, never
 * stored), a random beacon, then `snarkjs zkey verify` against the r1cs and the ptau. Leaves only the final zkey.
 */
export async function phase2(
  o: { r1cs: string; ptau: PtauRecord & { file: string }; zkey: string },
): Promise<Omit<CircuitCeremony, 'sourceHash' | 'constraints'> & { vkey: snarkjs.VerificationKey }> {
  const tmp = (i: number) => `${o.zkey}.${i}.tmp`;
  await snarkjs.zKey.newZKey(o.r1cs, o.ptau.file, tmp(0));
  const contributions: Contribution[] = [];
  for (const [i, name] of MEMBERS.entries()) {
    contributions.push({ name, hash: hex(await snarkjs.zKey.contribute(tmp(i), tmp(i + 1), name, entropy())) });
    await rm(tmp(i));
  }
  // In production the beacon is a value nobody could know before the last contribution, e.g. a later block hash.
  const value = randomBytes(32).toString('hex');
  const beaconHash = await snarkjs.zKey.beacon(tmp(MEMBERS.length), o.zkey, 'beacon', value, BEACON_ITERATIONS_EXP);
  await rm(tmp(MEMBERS.length));
  if (!beaconHash) throw new Error('snarkjs zkey beacon failed');
  const verified = await snarkjs.zKey.verifyFromR1cs(o.r1cs, o.ptau.file, o.zkey);
  if (!verified) throw new Error(`snarkjs zkey verify failed for ${o.zkey}`);
  const vkey = await snarkjs.zKey.exportVerificationKey(o.zkey);
  return {
    ptauHash: o.ptau.hash,
    contributions,
    beacon: { value, iterationsExp: BEACON_ITERATIONS_EXP, hash: hex(beaconHash) },
    zkeyHash: await fileHash(o.zkey, 'sha256'),
    vkeyHash: vkeyHash(vkey),
    verified,
    vkey,
  };
}
