import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ChainNode } from '../../server/chain/node.ts';
import { createModules } from '../../server/modules.ts';
import type { Platform } from '../../server/platform.ts';
import { adoptVerificationKeys } from '../../server/privacy-query/bootstrap.ts';
import { approveAdoption, proposeAdoption, type CeremonyFiles } from '../../server/privacy-query/ceremony/adopt.ts';
import { ceremonyOf } from '../../server/privacy-query/ceremony/contracts.ts';
import { consortiumKeys, type StoredKeys } from '../../server/privacy-query/verificationKeys.ts';
import { pq } from '../../server/privacy-query/stateKeys.ts';
import { proveAnswer } from '../../server/privacy-query/zk/answer.ts';
import { DEFAULT_BUILD_DIR, vkeyHash } from '../../server/privacy-query/zk/keys.ts';
import { parsePredicate } from '../../server/privacy-query/zk/predicates.ts';
import { Prover } from '../../server/privacy-query/zk/prover.ts';
import { verifyQueryAnswer } from '../../server/privacy-query/zk/verifier.ts';
import { TEST_PASSWORD, login, startTestPlatform } from '../support/platform.ts';
import { bindingOf, commitmentVectors, predicateCases } from './support.ts';

/*
 * A phase-2 ceremony for the smallest circuit by four departments, each contribution made by a process of
 * its own in a folder of its own, the hashes on the chain in order, the transcript verified by every node
 * that signs its adoption, then a proof with the ceremony's zkey that every node accepts. A fifth member
 * that is not a participant, a contribution out of turn or twice, and a tampered zkey are refused.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const CIRCUIT = 'equality' as const;
const PARTICIPANTS = ['market', 'tax', 'hrss', 'housing'];
// the phase-1 file the circuits were built with: a published one when TONGBAN_PTAU names it, else the build's local one
const PUBLISHED = process.env.TONGBAN_PTAU;
const PTAU = PUBLISHED ?? join(process.env.TONGBAN_CACHE_DIR ?? join(homedir(), '.cache', 'tongban'), 'ptau', 'local_pot13.ptau');

/** `npm run ceremony -- ...` as its own process; its one JSON line on success, or its exit code and stderr. */
async function ceremonyCli(args: string[]): Promise<{ ok: true; out: Record<string, unknown> } | { ok: false; stderr: string }> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'server/cli/ceremony.ts', ...args], { cwd: ROOT, maxBuffer: 1 << 22 });
    return { ok: true, out: JSON.parse(stdout.trim().split('\n').at(-1)!) };
  } catch (e) {
    return { ok: false, stderr: String((e as { stderr?: string }).stderr) };
  }
}

async function submit(node: ChainNode, kind: string, payload: Record<string, unknown>, wait: 'receipt' | 'final' = 'receipt') {
  const { receipt } = await node.submitAs('admin', kind, payload, wait);
  return receipt!;
}

describe('the multi-party ceremony, adopted by governance', () => {
  let p: Platform;
  let tmp: string;
  const folder = (dept: string) => join(tmp, dept, 'ceremony');
  const files = (dir: string): CeremonyFiles => ({ dirs: { [CIRCUIT]: dir }, ptau: PTAU });

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'tongban-ceremony-'));
    p = await startTestPlatform({ depts: [...PARTICIPANTS, 'enforcement'], modules: createModules, demo: false });
    // the keys in force before: the development build's; the ceremony replaces the equality circuit's
    await adoptVerificationKeys(p.nodes);
  });
  after(async () => {
    await p?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('four departments contribute in turn from their own folders, the chain refusing anything else', { timeout: 600_000 }, async () => {
    const local = await ceremonyCli(['init', '--circuit', CIRCUIT, '--dir', folder('market'), '--ptau', PTAU, '--participants', PARTICIPANTS.join(',')]);
    if (!PUBLISHED) assert.ok(!local.ok && local.stderr.includes('CEREMONY_UNPUBLISHED_PTAU'), 'a phase 1 made on one machine is refused unless allowed');
    else rmSync(folder('market'), { recursive: true, force: true });
    // the test's phase 1 is the build's, made on this machine: allowed here, for speed, as in development
    const opened = await ceremonyCli(['init', '--circuit', CIRCUIT, '--dir', folder('market'), '--ptau', PTAU, '--participants', PARTICIPANTS.join(','), '--allow-local-ptau']);
    assert.ok(opened.ok, !opened.ok ? opened.stderr : '');
    const { r1csHash, ptauHash, initHash } = opened.out as Record<string, string>;
    const bad = await submit(p.node('market'), 'ceremony.open', { circuit: CIRCUIT, participants: [...PARTICIPANTS, 'police'], r1csHash, ptauHash, initHash });
    assert.equal(bad.code, 'CEREMONY_NOT_MEMBER');
    assert.equal((await submit(p.node('market'), 'ceremony.open', { circuit: CIRCUIT, participants: PARTICIPANTS, r1csHash, ptauHash, initHash })).status, 'ok');

    // a contribution out of turn is refused by the files and by the chain
    const early = await ceremonyCli(['contribute', '--dir', folder('market'), '--dept', 'tax']);
    assert.ok(!early.ok && early.stderr.includes('CEREMONY_OUT_OF_ORDER'));
    assert.equal((await submit(p.node('tax'), 'ceremony.contribute', { circuit: CIRCUIT, hash: 'ab'.repeat(64) })).code, 'CEREMONY_OUT_OF_ORDER');

    let prev = folder('market');
    for (const dept of PARTICIPANTS) {
      if (dept !== 'market') cpSync(prev, folder(dept), { recursive: true }); // the folder handed on
      const made = await ceremonyCli(['contribute', '--dir', folder(dept), '--dept', dept]);
      assert.ok(made.ok, !made.ok ? made.stderr : '');
      const r = await submit(p.node(dept), 'ceremony.contribute', { circuit: CIRCUIT, hash: made.out.hash as string }, 'final');
      assert.equal(r.status, 'ok', `${dept}: ${r.code} ${r.reason}`);
      prev = folder(dept);
    }
    assert.equal((await submit(p.node('market'), 'ceremony.contribute', { circuit: CIRCUIT, hash: 'cd'.repeat(64) })).code, 'CEREMONY_ALREADY_CONTRIBUTED');
    assert.equal((await submit(p.node('enforcement'), 'ceremony.contribute', { circuit: CIRCUIT, hash: 'cd'.repeat(64) })).code, 'CEREMONY_NOT_PARTICIPANT');

    // the beacon: the hash of a block finalized after the last contribution
    const marker = await p.node('housing').submitAs('admin', 'ceremony.contribute', { circuit: CIRCUIT, hash: 'ef'.repeat(64) }, 'final');
    const height = marker.receipt!.height;
    const blockHash = (await p.node('housing').store.blockByHeight(height))!.hash;
    const beacon = await ceremonyCli(['beacon', '--dir', folder('housing'), '--height', String(height), '--block-hash', blockHash]);
    assert.ok(beacon.ok, !beacon.ok ? beacon.stderr : '');
    const { hash, zkeyHash, vkeyHash: vh } = beacon.out as Record<string, string>;
    assert.equal((await submit(p.node('housing'), 'ceremony.beacon', { circuit: CIRCUIT, height, blockHash, hash, zkeyHash, vkeyHash: vh }, 'final')).status, 'ok');
    for (const n of p.nodes) assert.deepEqual((await ceremonyOf(n.view(), CIRCUIT))!.contributions.map((c) => c.dept), PARTICIPANTS);

  });

  test('a tampered zkey fails verification and its adoption is refused; the verified transcript is adopted', { timeout: 600_000 }, async () => {
    const tampered = join(tmp, 'tampered');
    cpSync(folder('housing'), tampered, { recursive: true });
    const zkey = join(tampered, `${CIRCUIT}.final.zkey`);
    const bytes = readFileSync(zkey);
    bytes[bytes.length >> 1] ^= 1;
    writeFileSync(zkey, bytes);
    const cli = await ceremonyCli(['verify', '--dir', tampered, '--ptau', PTAU]);
    assert.ok(!cli.ok && cli.stderr.includes('CEREMONY_VERIFY_FAILED'));
    await assert.rejects(proposeAdoption(p.node('market').modulePort(), files(tampered)), { code: 'CEREMONY_VERIFY_FAILED' });

    // a proposal naming another final zkey than the chain's ceremony ended in is refused by the contract
    const current = await consortiumKeys(p.node('market').view(), p.node('market').genesis);
    const wrong = await submit(p.node('market'), 'gov.propose', { type: 'privacy.setVerificationKeys', params: { keys: current, ceremonies: { [CIRCUIT]: '00'.repeat(32) } } });
    assert.equal(wrong.code, 'CEREMONY_MISMATCH');

    // each department verifies its own copy before it signs
    const copyFor = (dept: string) => {
      const dir = join(tmp, dept, 'received');
      cpSync(folder('housing'), dir, { recursive: true });
      return dir;
    };
    const proposal = await proposeAdoption(p.node('market').modulePort(), files(copyFor('market')));
    await assert.rejects(approveAdoption(p.node('tax').modulePort(), proposal, files(tampered)), { code: 'CEREMONY_VERIFY_FAILED' });
    const stored = () => p.node('tax').view().get<StoredKeys>(pq.verificationKeys());
    assert.equal((await stored())!.ceremonies, undefined, 'nothing adopted yet');
    await approveAdoption(p.node('tax').modulePort(), proposal, files(copyFor('tax')));
    // hrss's administrator approves in the portal: the node verifies the folder its operator configured
    await p.auths.get('hrss')!.setPassword('admin', TEST_PASSWORD);
    const admin = await login(p, 'hrss', 'admin');
    const unconfigured = await admin.post('/hrss/api/privacy/keys/approve', { proposal });
    assert.equal(unconfigured.status, 409);
    assert.equal(unconfigured.body.code, 'CEREMONY_NOT_CONFIGURED');
    // nor can a bare vote on the governance page skip the node's own check
    const bare = await admin.post(`/hrss/api/admin/proposals/${proposal}/approve`, {});
    assert.equal(bare.status, 409, JSON.stringify(bare.body));
    assert.equal(bare.body.code, 'CEREMONY_VERIFY_FIRST');
    const root = join(tmp, 'hrss', 'operator');
    cpSync(folder('housing'), join(root, CIRCUIT), { recursive: true });
    Object.assign(process.env, { TONGBAN_CEREMONY_DIR: root, TONGBAN_PTAU: PTAU });
    try {
      const res = await admin.post('/hrss/api/privacy/keys/approve', { proposal });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    } finally {
      delete process.env.TONGBAN_CEREMONY_DIR;
      if (PUBLISHED) process.env.TONGBAN_PTAU = PUBLISHED;
      else delete process.env.TONGBAN_PTAU;
    }
    await approveAdoption(p.node('housing').modulePort(), proposal, files(copyFor('housing')));

    const t = JSON.parse(readFileSync(join(folder('housing'), 'transcript.json'), 'utf8'));
    for (const n of p.nodes) {
      const s = await n.view().get<StoredKeys>(pq.verificationKeys());
      assert.equal((await n.view().get<{ status: string }>(`gov/proposal/${proposal}`))!.status, 'done', n.dept);
      assert.equal(s!.hashes[CIRCUIT], t.beacon.vkeyHash);
      assert.deepEqual(s!.ceremonies, { [CIRCUIT]: t.beacon.zkeyHash });
    }
  });

  test('a question proved with the ceremony zkey on one node is accepted by every node; the old zkey no longer is', { timeout: 120_000 }, async () => {
    const build = join(tmp, 'holder-build', CIRCUIT);
    mkdirSync(build, { recursive: true });
    cpSync(join(folder('housing'), `${CIRCUIT}.final.zkey`), join(build, `${CIRCUIT}.zkey`));
    symlinkSync(join(DEFAULT_BUILD_DIR, CIRCUIT, `${CIRCUIT}_js`), join(build, `${CIRCUIT}_js`));
    symlinkSync(join(DEFAULT_BUILD_DIR, CIRCUIT, 'witness_calculator.cjs'), join(build, 'witness_calculator.cjs'));
    const c = predicateCases.find((x) => x.name === 'eq yes')!;
    const o = commitmentVectors.openings[c.opening];
    const binding = bindingOf(o, 'ceremony-question');
    const predicate = parsePredicate(c.predicate);
    const req = { binding, predicate, value: BigInt(o.value), salt: BigInt(o.salt) };
    const fresh = new Prover({ buildDir: join(tmp, 'holder-build'), size: 1, split: false });
    const old = new Prover({ size: 1, split: false });
    try {
      const answer = await proveAnswer(fresh, req);
      const stale = await proveAnswer(old, req);
      for (const n of p.nodes) {
        const keys = await consortiumKeys(n.view(), n.genesis);
        assert.equal(vkeyHash(keys[CIRCUIT]), JSON.parse(readFileSync(join(folder('housing'), 'transcript.json'), 'utf8')).beacon.vkeyHash);
        assert.equal(await verifyQueryAnswer(keys, { binding, predicate, answer: answer.answer, proof: answer.proof }), true, n.dept);
        assert.equal(await verifyQueryAnswer(keys, { binding, predicate, answer: stale.answer, proof: stale.proof }), false, `${n.dept}: a proof from the replaced zkey`);
      }
    } finally {
      await fresh.close();
      await old.close();
    }
  });
});
