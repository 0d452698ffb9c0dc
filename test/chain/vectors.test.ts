import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { canonicalJson } from '../../server/chain/canonical.ts';
import { verifyCert } from '../../server/chain/finality.ts';
import { genesisHash, parseGenesis, quorumOf } from '../../server/chain/genesis.ts';
import { sha256Hex } from '../../server/chain/hash.ts';
import { blockHash, buildHeader, genesisBlock } from '../../server/chain/header.ts';
import { merkleRoot, merkleRootV2, receiptLeaf, receiptLeafV2 } from '../../server/chain/merkle.ts';
import type { Receipt } from '../../server/chain/schema.ts';
import { BlockState, nextStateHash, type StateWrite } from '../../server/chain/state.ts';
import { suiteByName } from '../../server/chain/suites/index.ts';
import { checkTxStateless, signTx, txId, txSigningMessage, txSigningText } from '../../server/chain/tx.ts';

/**
 * Golden vectors (test/vectors/{tx,block,state}/*.json, made once by test/vectors/generate.ts):
 * each is recomputed from its inputs and compared with the committed expected values.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../vectors');
const load = (dir: string): [string, any][] =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(ROOT, dir, f), 'utf8'))]);

describe('transaction vectors', () => {
  for (const [name, v] of load('tx')) {
    test(`${name}: ${v.description}`, () => {
      const suite = suiteByName(v.suite);
      const e = v.expected;
      assert.equal(suite.publicKeyOf(v.privateKey), e.publicKey);
      assert.equal(txId(v.unsigned), e.id);
      assert.equal(txSigningText(e.id), e.signingText);
      const signed = signTx(v.unsigned, v.privateKey, suite);
      assert.equal(signed.signature, e.signature);
      assert.equal(canonicalJson(signed), e.canonical);
      assert.ok(suite.verify(e.publicKey, txSigningMessage(e.id), e.signature));
      const checked = checkTxStateless(JSON.parse(e.canonical), { chain: v.unsigned.chain, suite, maxTxBytes: 64 * 1024 });
      assert.equal(checked.id, e.id);
    });
  }
});

for (const dir of ['block', 'block-v2']) describe(`${dir} vectors`, () => {
  const genesis = parseGenesis(load(dir).find(([n]) => n === 'genesis')![1].input);
  const v2 = dir === 'block-v2';
  for (const [name, v] of load(dir)) {
    test(`${name}: ${v.description}`, () => {
      const e = v.expected;
      if (v.kind === 'genesis') {
        const g = parseGenesis(v.input);
        const block = genesisBlock(g);
        assert.equal(genesisHash(g), e.genesisHash);
        assert.equal(block.writes.length, e.writes);
        assert.deepEqual(block.header, e.header);
        assert.equal(blockHash(block.header), e.hash);
        return;
      }
      const input = v.input;
      assert.equal(input.version, v2 ? 2 : undefined);
      const leaves = input.receipts.map((r: Receipt) => (v2 ? receiptLeafV2 : receiptLeaf)(r.txId, r.status, r.code, r.events ?? []));
      assert.deepEqual(leaves, e.leaves);
      assert.equal((v2 ? merkleRootV2 : merkleRoot)(leaves), e.txRoot);
      const receipts: Receipt[] = input.receipts.map((r: Receipt, index: number) => ({ ...r, height: input.height, index, offset: input.firstOffset + index, events: [] }));
      const header = buildHeader({ ...input, receipts });
      assert.equal(header.stateHash, e.stateHash);
      assert.deepEqual(header, e.header);
      assert.equal(blockHash(header), e.hash);
      for (const cert of input.certs) {
        const members = { quorum: quorumOf(genesis.members.length), nodeKey: (d: string) => genesis.members.find((m) => m.dept === d)?.nodeKey };
        assert.equal(verifyCert(input.chain, suiteByName(genesis.suite), cert, members), undefined);
      }
    });
  }
});

describe('state vectors', () => {
  for (const [name, v] of load('state')) {
    test(`${name}: ${v.description}`, async () => {
      const e = v.expected;
      if (v.kind === 'hash') {
        const writes: StateWrite[] = v.input.writes.map((w: { key: string; new: string | null }) => ({ ...w, old: null, txId: '' }));
        assert.equal(sha256Hex(canonicalJson(writes.map((w) => [w.key, w.new]))), e.body);
        assert.equal(nextStateHash(v.input.prev, writes), e.stateHash);
        return;
      }
      const committed = new Map(Object.entries(v.input.pre as Record<string, unknown>).map(([k, x]) => [k, canonicalJson(x)]));
      const state = new BlockState({ get: async (k) => committed.get(k) });
      for (const t of v.input.txs as { id: string; ops: [string, string, unknown?][]; commit: boolean }[]) {
        const view = state.begin(t.id);
        for (const [op, key, value] of t.ops) op === 'put' ? view.put(key, value) : view.del(key);
        if (t.commit) await state.commitTx();
        else state.rollbackTx();
      }
      const writes = await state.writes();
      assert.deepEqual(writes, e.writes);
      assert.equal(nextStateHash(v.input.prev, writes), e.stateHash);
    });
  }
});
