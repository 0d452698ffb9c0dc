/**
 * Builds the privacy-query circuits and their keys: `npx tsx circuits/build.ts [--force]`.
 *
 *   1. circom2 compiles each stale circuit to circuits/build/<circuit>/ (r1cs, wasm, witness calculator);
 *   2. a phase-1 powers of tau of 2^PTAU_POWER is reused or made (ceremony.ts), while step 1 runs;
 *   3. phase 2 per circuit: one contribution per member department, a beacon, `snarkjs zkey verify`;
 *   4. verification keys and the transcript go to circuits/build/keys/ (loaded by server/privacy-query/zk/keys.ts).
 *
 * Idempotent: a circuit is rebuilt only when its source hash (its file, circuits/lib, the toolchain
 * versions, the ceremony's parameters) differs from the transcript's or one of its outputs is missing or altered.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as snarkjs from 'snarkjs';
import { DEFAULT_BUILD_DIR, vkeyHash, type CeremonyTranscript, type CircuitCeremony, type PtauRecord } from '../server/privacy-query/zk/keys.ts';
import { CIRCUITS, type CircuitName } from '../server/privacy-query/zk/publicSignals.ts';
import { quietFileHandleWarnings } from '../server/privacy-query/zk/quietFileHandles.ts';
import { BEACON_ITERATIONS_EXP, fileHash, MEMBERS, obtainPtau, phase2 } from './ceremony.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILD = DEFAULT_BUILD_DIR; // circuits/build, or TONGBAN_CIRCUITS_BUILD
const KEYS = join(BUILD, 'keys');
const TRANSCRIPT = join(KEYS, 'ceremony.json');
const require = createRequire(import.meta.url);
const run = promisify(execFile);

/** 2^13: set_membership (5,731 constraints, depth-20 tree) is the largest; the build stops if a circuit outgrows it. */
const PTAU_POWER = 13;

const t0 = Date.now();
const log = (m: string) => console.log(`[circuits ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${m}`);

/**
 * Progress for whoever started the build as a child process (server/start/keysBuild.ts): circuits
 * with keys, out of all, and the one whose ceremony runs. A terminal gets the same as a line.
 */
export interface BuildProgress {
  type: 'progress';
  done: number;
  total: number;
  current: string | null;
}
const report = (done: number, current: string | null) => {
  const p: BuildProgress = { type: 'progress', done, total: CIRCUITS.length, current };
  process.send?.(p);
};
const exists = (f: string) => stat(f).then(() => true, () => false);
const sha256 = (parts: (string | Buffer)[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
};

const outputs = (c: CircuitName) => ({
  r1cs: join(BUILD, c, `${c}.r1cs`),
  wasm: join(BUILD, c, `${c}_js`, `${c}.wasm`),
  calculator: join(BUILD, c, 'witness_calculator.cjs'),
  zkey: join(BUILD, c, `${c}.zkey`),
  vkey: join(KEYS, `${c}.vkey.json`),
});

/** Everything a circuit's keys depend on besides the randomness. */
async function sourceHashes(): Promise<Record<CircuitName, string>> {
  const version = (pkg: string) => (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  const libDir = join(ROOT, 'circuits', 'lib');
  const libs = await Promise.all((await readdir(libDir)).sort().map((f) => readFile(join(libDir, f))));
  const ceremony = [MEMBERS.join(','), String(BEACON_ITERATIONS_EXP), String(PTAU_POWER)];
  const shared = ['tongban-circuits/v1', version('circom2'), version('circomlib'), version('snarkjs'), ...ceremony, ...libs];
  const entries = await Promise.all(CIRCUITS.map(async (c) => [c, sha256([...shared, await readFile(join(ROOT, 'circuits', `${c}.circom`))])]));
  return Object.fromEntries(entries);
}

async function isCurrent(c: CircuitName, hash: string, entry: CircuitCeremony | undefined): Promise<boolean> {
  if (entry?.sourceHash !== hash) return false;
  const o = outputs(c);
  for (const f of Object.values(o)) if (!(await exists(f))) return false;
  const vkey = JSON.parse(await readFile(o.vkey, 'utf8')) as snarkjs.VerificationKey;
  return vkeyHash(vkey) === entry.vkeyHash && (await fileHash(o.zkey, 'sha256')) === entry.zkeyHash;
}

async function compile(c: CircuitName): Promise<void> {
  await rm(join(BUILD, c), { recursive: true, force: true });
  await mkdir(join(BUILD, c), { recursive: true });
  // circom2 runs under WASI, which sees the working directory and below: run it from the file system's
  // root, so the build folder and a symlinked node_modules (named by where it really is) are both in view
  const args = [require.resolve('circom2/cli.js'), join(ROOT, 'circuits', `${c}.circom`), '--r1cs', '--wasm', '--O2', '-l', realpathSync(join(ROOT, 'node_modules')), '-o', join(BUILD, c)];
  await run(process.execPath, args, { cwd: parse(ROOT).root, maxBuffer: 1 << 24 }).catch((e: { stderr?: string }) => {
    throw new Error(`circom2 could not compile ${c}:\n${e.stderr ?? e}`);
  });
  log(`compiled ${c}`);
  // circom's generated witness calculator is CommonJS; the package is ESM, so it needs the .cjs name
  await copyFile(join(BUILD, c, `${c}_js`, 'witness_calculator.js'), outputs(c).calculator);
}

/** Runs jobs at most `n` at a time. */
function limiter(n: number): <T>(job: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (job) => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await job();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/** log2 of snarkjs's Groth16 domain: it must hold the constraints plus one row per public signal. */
const domainPower = (i: { nConstraints: number; nPubInputs: number; nOutputs: number }) => Math.floor(Math.log2(i.nConstraints + i.nPubInputs + i.nOutputs)) + 1;

async function build(force: boolean): Promise<void> {
  const hashes = await sourceHashes();
  const previous: CeremonyTranscript | undefined = (await exists(TRANSCRIPT)) ? JSON.parse(await readFile(TRANSCRIPT, 'utf8')) : undefined;
  const stale: CircuitName[] = [];
  for (const c of CIRCUITS) if (force || !(await isCurrent(c, hashes[c], previous?.circuits[c]))) stale.push(c);
  if (stale.length === 0) {
    report(CIRCUITS.length, null);
    return log('all circuits and keys are up to date');
  }

  // Pipelined on purpose: phase 1 and the compiles run while earlier circuits' ceremonies do, and one
  // core is left to the ceremony, which is where most of the time goes.
  log(`building ${stale.join(', ')}`);
  const ptau = obtainPtau(PTAU_POWER, log);
  const slot = limiter(Math.max(1, availableParallelism() - 1));
  const compiled = new Map(stale.map((c) => [c, slot(() => compile(c))]));
  for (const p of [ptau, ...compiled.values()]) p.catch(() => {}); // each is awaited below, in order

  await mkdir(KEYS, { recursive: true });
  const transcript: CeremonyTranscript = {
    version: 1,
    members: [...MEMBERS],
    ptaus: previous?.ptaus ?? [],
    circuits: previous?.circuits ?? ({} as CeremonyTranscript['circuits']),
  };
  let done = CIRCUITS.length - stale.length;
  let ptauReady = false;
  ptau.then(() => (ptauReady = true), () => {});
  for (const c of stale) {
    if (!ptauReady) {
      // a fresh machine makes its phase-1 file first: the longest wait of all, and no circuit's
      report(done, 'powers of tau');
      log(`${done}/${CIRCUITS.length} phase 1: powers of tau 2^${PTAU_POWER} (made once per machine, kept in the cache)`);
      await ptau;
    }
    report(done, c);
    log(`${done + 1}/${CIRCUITS.length} ${c}: compiling and setting up its keys`);
    // the largest circuit's ceremony runs for minutes on a slow machine: say it is still going
    const since = Date.now();
    const beat = setInterval(() => log(`${done + 1}/${CIRCUITS.length} ${c}: still working (${Math.round((Date.now() - since) / 1000)} s)`), 20_000);
    try {
      await ceremonyOf(c);
    } finally {
      clearInterval(beat);
    }
    report(++done, null);
  }

  async function ceremonyOf(c: CircuitName): Promise<void> {
    await compiled.get(c);
    const info = await snarkjs.r1cs.info(outputs(c).r1cs);
    const power = domainPower(info);
    if (power > PTAU_POWER) throw new Error(`${c} needs 2^${power} powers of tau; raise PTAU_POWER in circuits/build.ts`);
    const { file, record } = await ptau;
    const started = Date.now();
    const { vkey, ...ceremony } = await phase2({ r1cs: outputs(c).r1cs, ptau: { ...record, file }, zkey: outputs(c).zkey });
    await writeFile(outputs(c).vkey, `${JSON.stringify(vkey, null, 2)}\n`);
    transcript.circuits[c] = { sourceHash: hashes[c], constraints: info.nConstraints, ...ceremony };
    transcript.ptaus = keepReferenced([...transcript.ptaus, record], transcript);
    // written after every circuit, so an interrupted build redoes only what it had not finished
    await writeFile(TRANSCRIPT, `${JSON.stringify(transcript, null, 2)}\n`);
    log(`${done + 1}/${CIRCUITS.length} ${c} ready (${info.nConstraints} constraints, 2^${power}): ${MEMBERS.length} contributions, beacon, zkey verify passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

function keepReferenced(ptaus: PtauRecord[], t: CeremonyTranscript): PtauRecord[] {
  const used = new Set(Object.values(t.circuits).map((c) => c.ptauHash));
  return [...new Map(ptaus.filter((p) => used.has(p.hash)).map((p) => [p.hash, p])).values()];
}

quietFileHandleWarnings();
// Started by a server as its child: end with it, rather than keep two cores busy for no one.
const orphaned = () => process.exit(1);
if (process.send) process.once('disconnect', orphaned);
try {
  await build(process.argv.includes('--force'));
  log('done');
} finally {
  // snarkjs leaves ffjavascript's worker threads running (iden3/snarkjs#152)
  await (globalThis as { curve_bn128?: { terminate(): Promise<void> } }).curve_bn128?.terminate();
  // the channel to the server would keep this process alive
  if (process.send) {
    process.off('disconnect', orphaned);
    process.disconnect();
  }
}
