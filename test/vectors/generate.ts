/**
 * Writes the golden vectors under test/vectors/ from fixed seeds and fixed inputs.
 *
 *   npx tsx test/vectors/generate.ts           writes only the files that do not exist yet
 *   npx tsx test/vectors/generate.ts --force   rewrites every file (then review the diff!)
 *
 * Run it once when adding a case. The tests (test/chain/vectors.test.ts and
 * contractVectors.test.ts) never call this: they recompute from each file's inputs and compare
 * with the committed expected values, so a change to hashing, signing or a contract rule shows
 * up as a failing vector, and regenerating is a deliberate, reviewed act.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRegistry } from '../../server/chain/buildRegistry.ts';
import { canonicalJson } from '../../server/chain/canonical.ts';
import { attestationMessage } from '../../server/chain/finality.ts';
import { CHAIN_VERSION, DEFAULT_LIMITS, genesisHash } from '../../server/chain/genesis.ts';
import { genesisEntries } from '../../server/chain/genesisState.ts';
import { sha256Hex } from '../../server/chain/hash.ts';
import { blockHash, buildHeader, genesisBlock } from '../../server/chain/header.ts';
import { receiptLeaf, receiptLeafV2 } from '../../server/chain/merkle.ts';
import type { Cert, Genesis, Receipt, UnsignedTx } from '../../server/chain/schema.ts';
import { BlockState, nextStateHash, type StateWrite } from '../../server/chain/state.ts';
import { suiteByName } from '../../server/chain/suites/index.ts';
import { SM2_CURVE } from '../../server/chain/suites/sm2.ts';
import { signTx, txId, txSigningText } from '../../server/chain/tx.ts';
import { createModules } from '../../server/modules.ts';
import { runContractCase, type ContractPre } from './runContract.ts';

const ROOT = dirname(fileURLToPath(import.meta.url));
const force = process.argv.includes('--force');
let written = 0;
let kept = 0;

function write(rel: string, value: unknown): void {
  const path = join(ROOT, rel);
  if (existsSync(path) && !force) return void kept++;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value, null, 2) + '\n');
  written++;
}

/** A fixed private key from a label: SHA-256 of it (reduced into [1, n-2] for SM2). */
function fixedKey(suite: 'ed25519' | 'sm2', label: string): { privateKey: string; publicKey: string } {
  const h = sha256Hex(`tongban-vectors/${label}`);
  const privateKey = suite === 'ed25519' ? h : ((BigInt('0x' + h) % (SM2_CURVE.n - 2n)) + 1n).toString(16).padStart(64, '0');
  return { privateKey, publicKey: suiteByName(suite).publicKeyOf(privateKey) };
}

const TIME = Date.UTC(2026, 0, 1); // 1767225600000
const CHAIN = 'vector-chain';
const DEPTS = ['market', 'tax', 'hrss', 'housing'];
const member = Object.fromEntries(DEPTS.map((d) => [d, fixedKey('ed25519', `member/${d}`)]));

// ------------------------------------------------------------------ transactions

function txVector(name: string, description: string, suite: 'ed25519' | 'sm2', keyLabel: string, fields: Omit<UnsignedTx, 'signer'>) {
  const key = fixedKey(suite, keyLabel);
  const unsigned: UnsignedTx = { ...fields, signer: key.publicKey };
  const signed = signTx(unsigned, key.privateKey, suiteByName(suite));
  const id = txId(unsigned);
  write(`tx/${name}.json`, {
    description,
    suite,
    privateKey: key.privateKey,
    unsigned,
    expected: { publicKey: key.publicKey, id, signingText: txSigningText(id), signature: signed.signature, canonical: canonicalJson(signed) },
  });
}

txVector('ed25519-node', 'a node acting for itself (no actor)', 'ed25519', 'tx/node', {
  chain: CHAIN, kind: 'user.register', payload: { id: 'clerk1', name: 'Clerk One', role: 'clerk' }, nonce: 1, time: TIME,
});
txVector('ed25519-staff-unicode', 'a staff action with Chinese text in the payload', 'ed25519', 'tx/staff', {
  chain: CHAIN, kind: 'user.register', payload: { id: 'appr1', name: '审批员一号', role: 'approver' }, actor: 'admin', nonce: 1767225600000000, time: TIME,
});
txVector('ed25519-canonical-order', 'nested payload whose keys are out of order and strings need escaping', 'ed25519', 'tx/nested', {
  chain: CHAIN, kind: 'policy.apply', payload: { z: [3, 1, { b: 'x"y', a: '\u00e9\n' }], a: { y: null, x: true }, amountFen: '123456789012345678901' }, nonce: 42, time: TIME,
});
txVector('sm2-staff', 'an SM2 chain: 130-hex key, r||s signature, deterministic k (RFC 6979 over SM3)', 'sm2', 'tx/sm2', {
  chain: CHAIN, kind: 'user.register', payload: { id: 'clerk2', name: '窗口二', role: 'clerk' }, actor: 'admin', nonce: 7, time: TIME,
});

// ------------------------------------------------------------------ blocks

const receipts = (list: [string, 'ok' | 'rejected', string?][]): Receipt[] =>
  list.map(([label, status, code], index) => ({ txId: sha256Hex(label), height: 5, index, offset: 100 + index, status, ...(code ? { code } : {}), events: [] }));
const writeOf = (key: string, value: unknown, old: unknown = null): StateWrite => ({
  key, old: old === null ? null : canonicalJson(old), new: value === null ? null : canonicalJson(value), txId: sha256Hex('tx-a'),
});

/** Version 1 vectors under block/ (no version in their input), version 2 under block-v2/. */
function blockVector(name: string, description: string, rs: Receipt[], writes: StateWrite[], certs: Cert[] = [], version = 1) {
  const input = { chain: CHAIN, height: 5, prev: sha256Hex('block-4'), prevStateHash: sha256Hex('state-4'), receipts: rs, writes, firstOffset: 100, lastOffset: 100 + Math.max(rs.length, 1), time: TIME + 5000, certs, ...(version > 1 ? { version } : {}) };
  const header = buildHeader(input);
  const leaf = version > 1 ? receiptLeafV2 : receiptLeaf;
  write(`${version > 1 ? 'block-v2' : 'block'}/${name}.json`, {
    kind: 'block',
    description,
    input: { ...input, receipts: rs.map((r) => ({ txId: r.txId, status: r.status, ...(r.code ? { code: r.code } : {}) })) },
    expected: { leaves: rs.map((r) => leaf(r.txId, r.status, r.code, r.events ?? [])), txRoot: header.txRoot, stateHash: header.stateHash, header, hash: blockHash(header) },
  });
}

function certFor(height: number, hash: string, depts: string[]): Cert {
  const suite = suiteByName('ed25519');
  return { height, hash, sigs: depts.map((dept) => ({ dept, sig: suite.sign(member[dept].privateKey, attestationMessage(CHAIN, height, hash)) })) };
}

blockVector('empty', 'every record was a duplicate: no receipts, zero root, writes none', [], []);
blockVector('one-ok', 'one receipt: the root is its leaf', receipts([['tx-a', 'ok']]), [writeOf('user/market/clerk1', { id: 'clerk1' })]);
blockVector(
  'three-mixed',
  'three receipts, one rejected with a code: the odd leaf is promoted, not duplicated',
  receipts([['tx-a', 'ok'], ['tx-b', 'rejected', 'FORBIDDEN_KIND'], ['tx-c', 'ok']]),
  [writeOf('a/1', 1), writeOf('b/2', null, { was: 2 }), writeOf('c/3', '三')],
);
blockVector('with-cert', 'a block carrying the finality certificate of block 4', receipts([['tx-a', 'ok']]), [], [certFor(4, sha256Hex('block-4'), ['hrss', 'market', 'tax'])]);

// Chain version 2: RFC 6962 leaf (0x00) and node (0x01) prefixes in the transaction tree.
blockVector('empty', 'version 2, no receipts: the zero root as in version 1', [], [], [], CHAIN_VERSION);
blockVector('one-ok', 'version 2, one receipt: the root is its leaf hash H(0x00 || leaf text)', receipts([['tx-a', 'ok']]), [writeOf('user/market/clerk1', { id: 'clerk1' })], [], CHAIN_VERSION);
blockVector(
  'three-mixed',
  'version 2, three receipts, one rejected: H(0x01 || H(0x01 || a || b) || c), the odd leaf promoted',
  receipts([['tx-a', 'ok'], ['tx-b', 'rejected', 'FORBIDDEN_KIND'], ['tx-c', 'ok']]),
  [writeOf('a/1', 1), writeOf('b/2', null, { was: 2 }), writeOf('c/3', '三')],
  [],
  CHAIN_VERSION,
);
blockVector(
  'seven',
  'version 2, seven receipts: the same tree as RFC 6962 (split at 4, then at 2)',
  receipts(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((l) => [`tx-${l}`, 'ok'] as [string, 'ok'])),
  [],
  [],
  CHAIN_VERSION,
);
blockVector('with-cert', 'version 2, a block carrying the finality certificate of block 4', receipts([['tx-a', 'ok']]), [], [certFor(4, sha256Hex('block-4'), ['hrss', 'market', 'tax'])], CHAIN_VERSION);

const genesis: Genesis = {
  chain: CHAIN,
  suite: 'ed25519',
  time: TIME,
  members: DEPTS.map((dept) => ({ dept, name: dept, nameEn: dept, nodeKey: member[dept].publicKey })),
  users: [
    ...DEPTS.map((dept) => ({ dept, id: 'admin', name: `${dept} admin`, role: 'admin' as const })),
    { dept: 'market', id: 'appr1', name: '审批员', role: 'approver' },
    { dept: 'market', id: 'clerk1', name: '窗口', role: 'clerk' },
  ],
  limits: DEFAULT_LIMITS,
  config: {},
};
const genesisCase = (file: string, description: string, g: Genesis) => {
  const g0 = genesisBlock(g);
  write(file, { kind: 'genesis', description, input: g, expected: { genesisHash: genesisHash(g), writes: g0.writes.length, header: g0.header, hash: blockHash(g0.header) } });
};
genesisCase('block/genesis.json', 'block 0 of the vector consortium: genesis state chained from the zero hash', genesis);
const genesisV2: Genesis = { ...genesis, version: CHAIN_VERSION };
genesisCase('block-v2/genesis.json', 'block 0 of a version 2 consortium: the version is part of the genesis, so of its hash', genesisV2);

// ------------------------------------------------------------------ state

const hashCase = (name: string, description: string, prev: string, writes: { key: string; new: string | null }[]) =>
  write(`state/${name}.json`, {
    kind: 'hash',
    description,
    input: { prev, writes },
    expected: { body: sha256Hex(canonicalJson(writes.map((w) => [w.key, w.new]))), stateHash: nextStateHash(prev, writes.map((w) => ({ ...w, old: null, txId: '' }))) },
  });
hashCase('no-writes', 'a block that wrote nothing still moves the state hash on', sha256Hex('state-4'), []);
hashCase('put-and-delete', 'writes in key order; a delete hashes as null', sha256Hex('state-4'), [
  { key: 'a/1', new: '{"v":1}' },
  { key: 'b/2', new: null },
  { key: 'c/3', new: '"三"' },
]);

/** Operations per transaction, some rolled back, and the block's net writes that result. */
async function blockStateCase(name: string, description: string, pre: Record<string, unknown>, txs: { id: string; ops: [string, string, unknown?][]; commit: boolean }[]) {
  const committed = new Map(Object.entries(pre).map(([k, v]) => [k, canonicalJson(v)]));
  const state = new BlockState({ get: async (k) => committed.get(k) });
  for (const t of txs) {
    const view = state.begin(t.id);
    for (const [op, key, value] of t.ops) op === 'put' ? view.put(key, value) : view.del(key);
    if (t.commit) await state.commitTx();
    else state.rollbackTx();
  }
  const writes = await state.writes();
  write(`state/${name}.json`, { kind: 'blockState', description, input: { prev: sha256Hex('state-4'), pre, txs }, expected: { writes, stateHash: nextStateHash(sha256Hex('state-4'), writes) } });
}
await blockStateCase('net-writes', 'net writes per key, old value from before the block, rolled-back writes gone, a key restored still counts', { 'k/a': 1, 'k/b': 2, 'k/c': 3 }, [
  { id: sha256Hex('t1'), ops: [['put', 'k/b', 20], ['put', 'k/z', 'new'], ['del', 'k/c']], commit: true },
  { id: sha256Hex('t2'), ops: [['put', 'k/a', 'lost'], ['del', 'k/b']], commit: false },
  { id: sha256Hex('t3'), ops: [['put', 'k/b', 2], ['put', 'k/y', { n: 1 }]], commit: true },
]);

// ------------------------------------------------------------------ contracts

write('contracts/genesis.json', genesis);
const registry = buildRegistry(createModules());
const baseState = Object.fromEntries(genesisEntries(genesis));
const BLOCK = { height: 7, time: TIME + 60_000 };
let nonce = 1;
const sign = (dept: string, actor: string | undefined, kind: string, payload: Record<string, unknown>) =>
  signTx({ chain: CHAIN, kind, payload, signer: member[dept].publicKey, ...(actor ? { actor } : {}), nonce: nonce++, time: BLOCK.time - 1000 }, member[dept].privateKey, suiteByName('ed25519'));

async function contractCase(kind: string, name: string, description: string, tx: ReturnType<typeof sign>, extraState: Record<string, unknown> = {}, over: Partial<ContractPre> = {}) {
  const pre: ContractPre = { description, block: BLOCK, state: { ...baseState, ...extraState }, ...over };
  const post = await runContractCase(genesis, pre, tx, registry);
  const dir = `contracts/${kind}/${name}`;
  write(`${dir}/pre.json`, pre);
  write(`${dir}/tx.json`, tx);
  write(`${dir}/post.json`, post);
}

await contractCase('user.register', 'admin-registers-clerk', 'an administrator registers a clerk of their department', sign('market', 'admin', 'user.register', { id: 'clerk9', name: '窗口九', role: 'clerk' }));
await contractCase('user.register', 'node-registers', 'the node itself (no actor) may register staff', sign('tax', undefined, 'user.register', { id: 'fin1', name: '财务', role: 'finance' }));
await contractCase('user.register', 'approver-forbidden', 'an approver may not register staff', sign('market', 'appr1', 'user.register', { id: 'x', name: 'x', role: 'admin' }));
await contractCase('user.register', 'enterprise-role-refused', 'staff cannot be given the enterprise role', sign('market', 'admin', 'user.register', { id: 'ent', name: 'x', role: 'enterprise' }));
await contractCase('user.register', 'unknown-actor', 'the actor must be an active user of the signing department', sign('tax', 'appr1', 'user.register', { id: 'x', name: 'x', role: 'clerk' }));
await contractCase('user.register', 'nonce-reused', 'a nonce an earlier block used is rejected before the contract runs', sign('market', 'admin', 'user.register', { id: 'clerk8', name: 'x', role: 'clerk' }), {}, { usedNonces: [`${member.market.publicKey}:${nonce - 1}`] });

await contractCase('user.disable', 'disables-clerk', 'an administrator disables a clerk', sign('market', 'admin', 'user.disable', { id: 'clerk1' }));
await contractCase('user.disable', 'not-found', 'no such user in the department', sign('market', 'admin', 'user.disable', { id: 'nobody' }));
await contractCase('user.disable', 'self-disable', 'an administrator cannot disable themselves', sign('market', 'admin', 'user.disable', { id: 'admin' }));

const econ = fixedKey('ed25519', 'member/econ');
const addEcon = { type: 'member.add', params: { dept: 'econ', name: '经济和信息化局', nameEn: 'Economy & IT', nodeKey: econ.publicKey } };
await contractCase('gov.propose', 'member-add-opens', 'a proposal starts open with the proposer department as its first approval', sign('market', 'admin', 'gov.propose', addEcon));
await contractCase('gov.propose', 'quorum-of-one-applies', 'with a single member the proposer is the quorum: applied at once', sign('market', 'admin', 'gov.propose', addEcon), { members: ['market'] });
await contractCase('gov.propose', 'unknown-action', 'an action no module provides', sign('market', 'admin', 'gov.propose', { type: 'member.promote', params: {} }));
await contractCase('gov.propose', 'already-member', 'adding a department that is already a member is refused when proposed', sign('market', 'admin', 'gov.propose', { type: 'member.add', params: { ...addEcon.params, dept: 'tax' } }));
await contractCase('gov.propose', 'clerk-forbidden', 'only administrators propose', sign('market', 'clerk1', 'gov.propose', addEcon));

const newTaxKey = fixedKey('ed25519', 'member/tax/rotated');
const proposalId = sha256Hex('proposal/rotate-tax');
const proposal = (approvals: string[], status = 'open') => ({
  [`gov/proposal/${proposalId}`]: { id: proposalId, type: 'member.rotateKey', params: { dept: 'tax', nodeKey: newTaxKey.publicKey }, proposer: { dept: 'tax', user: 'admin' }, approvals, status, height: 3 },
});
await contractCase('gov.approve', 'counted', 'a second approval of four members is counted; still open', sign('market', 'admin', 'gov.approve', { proposal: proposalId }), proposal(['tax']));
await contractCase('gov.approve', 'reaches-quorum', 'the third approval of four applies member.rotateKey', sign('hrss', 'admin', 'gov.approve', { proposal: proposalId }), proposal(['market', 'tax']));
await contractCase('gov.approve', 'already-approved', 'a department approves once', sign('tax', 'admin', 'gov.approve', { proposal: proposalId }), proposal(['tax']));
await contractCase('gov.approve', 'closed', 'approving a proposal that already took effect', sign('housing', 'admin', 'gov.approve', { proposal: proposalId }), proposal(['hrss', 'market', 'tax'], 'done'));
await contractCase('gov.approve', 'not-found', 'no such proposal', sign('housing', 'admin', 'gov.approve', { proposal: sha256Hex('nothing') }));

await contractCase('user.register', 'auditor-outside-audit', 'the auditor role is granted only in the audit department', sign('market', 'admin', 'user.register', { id: 'aud1', name: '审计', role: 'auditor' }));

console.log(`vectors: ${written} written, ${kept} kept${kept && !force ? ' (--force to rewrite)' : ''}`);
