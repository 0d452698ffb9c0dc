import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { approvalModule } from '../../server/approval/index.ts';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import type { Receipt } from '../../server/chain/schema.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import { createPlatform, type Platform } from '../../server/platform.ts';
import { bindingOf } from '../../server/privacy-query/binding.ts';
import { decideTogether } from '../../server/privacy-query/bootstrap.ts';
import { commitFigures } from '../../server/privacy-query/holder/figures.ts';
import { openingOf } from '../../server/privacy-query/holder/privateValues.ts';
import { privacyModule, privacyPort } from '../../server/privacy-query/index.ts';
import { effectiveStatus, type QueryRecord } from '../../server/privacy-query/raise.ts';
import { commitmentOf, pq, type CommitmentBucket } from '../../server/privacy-query/stateKeys.ts';
import { privacyGenesisConfig } from '../../server/privacy-query/verificationKeys.ts';
import { proveAnswer } from '../../server/privacy-query/zk/answer.ts';
import { loadVerificationKeys } from '../../server/privacy-query/zk/keys.ts';
import { Prover } from '../../server/privacy-query/zk/prover.ts';
import { verifyQueryAnswer } from '../../server/privacy-query/zk/verifier.ts';
import { testCode } from '../approval/support.ts';
import { makeConsortium, silentLogger } from '../support/fixtures.ts';
import { TEST_STATUTES, testPrivacyRules } from './support.ts';
import { TEST_PASSWORD } from '../support/platform.ts';

/*
 * What a dishonest or mistaken participant can try, and every node refusing it the same way. Holders
 * do not answer by themselves here, so each test decides what reaches the chain. The verification keys
 * come from genesis (the other path, governance, is used by chainE2e).
 */

const A = testCode(8101);
const B = testCode(8102);
const EXPIRY = 30;

let p: Platform;
let prover: Prover;

/** The same receipt on every node; returns it. */
async function sameEverywhere(txId: string): Promise<Receipt | { status: string; code: string | null; events: unknown[] }> {
  const rows = await Promise.all(p.nodes.map(async (n) => (await n.store.tx(txId)) ?? (await n.waitFor(txId, 'receipt'))));
  const shapes = rows.map((r) => JSON.stringify({ h: r.height, i: r.index, s: r.status, c: r.code, e: r.events }));
  assert.equal(new Set(shapes).size, 1, 'every node records the same receipt');
  return rows[0];
}

async function submit(dept: string, actor: string | undefined, kind: string, payload: Record<string, unknown>) {
  const { id } = await p.node(dept).submitAs(actor, kind, payload);
  return sameEverywhere(id);
}

const gte = (enterprise: string, threshold: string) => ({ enterprise, field: 'tax.paid', period: '2025', predicate: { kind: 'gte', params: { threshold } }, purpose: '惠企政策兑现资格核验', basis: { type: 'statute', rule: 'payout-tax' } });

async function ask(body: Record<string, unknown>): Promise<QueryRecord> {
  const { id } = await p.node('econ').submitAs('policy1', 'privacy.ask', body);
  const r = await sameEverywhere(id);
  assert.equal(r.status, 'ok', `${r.code}`);
  return (await p.node('econ').view().get<QueryRecord>(pq.query(id)))!;
}

/** What the honest holder would send for a query. */
async function honestProof(q: QueryRecord) {
  const o = (await openingOf(p.node('tax').db, { field: q.field, period: q.period, enterprise: q.enterprise, commitment: q.commitment }))!;
  return proveAnswer(prover, { ...bindingOf(q), value: BigInt(o.value), salt: BigInt(o.salt) });
}

before(async () => {
  const keys = makeConsortium(['market', 'tax', 'hrss', 'housing', 'enforcement', 'econ', 'finance', 'audit', 'service'], {}, { config: { privacy: { ...(await privacyGenesisConfig()), expiryBlocks: EXPIRY, statutes: TEST_STATUTES, maxDistinctQuestions: 4 } } });
  const log = new LocalLog(':memory:');
  const specs = keys.genesis.members.map((m) => ({ dept: m.dept, db: openDb({ client: 'sqlite', filename: ':memory:' }), orderer: log }));
  prover = new Prover({ size: 2 });
  p = await createPlatform({ keys, specs, logger: silentLogger, modules: () => [approvalModule({ privacy: privacyPort }), privacyModule({ autoAnswer: false, prover: () => prover })] });
  await seedDemo(p, { password: TEST_PASSWORD });
  await commitFigures(p.node('tax').modulePort(), 'holder1', { field: 'tax.paid', period: '2025', rows: [{ enterprise: A, value: '153726481' }, { enterprise: B, value: '98000000' }] });
});

after(async () => {
  await p.stop();
  await prover.close();
});

describe('who may ask', () => {
  const refused = async (dept: string, user: string, body: Record<string, unknown>, code: string) => {
    const { id } = await p.node(dept).submitAs(user, 'privacy.ask', body);
    const r = await sameEverywhere(id);
    assert.equal(r.status, 'rejected');
    assert.equal(r.code, code);
    assert.deepEqual(r.events, [], 'no privacy.asked event');
    for (const n of p.nodes) {
      assert.equal(await n.view().get(pq.query(id)), undefined, 'no query in state');
      assert.equal((await n.db('pq_queries').where({ id })).length, 0, 'no query in the read model');
    }
  };

  test('no consent and no statute: refused, nothing asked', async () => {
    await refused('finance', 'finance1', { ...gte(A, '1'), basis: { type: 'consent' } }, 'PQ_NO_BASIS');
  });
  test('a statute that names another department: refused', async () => {
    await refused('finance', 'finance1', gte(A, '1'), 'PQ_NO_BASIS');
  });
  test('a statute that does not exist: refused', async () => {
    await refused('econ', 'policy1', { ...gte(A, '1'), basis: { type: 'statute', rule: 'made-up-rule' } }, 'PQ_NO_BASIS');
  });
  test('no commitment, or a predicate outside the circuit\'s bounds: refused', async () => {
    await refused('econ', 'policy1', { ...gte(A, '1'), period: '2024' }, 'PQ_NO_COMMITMENT');
    await refused('econ', 'policy1', gte(A, '18446744073709551616'), 'ZK_OUT_OF_RANGE');
    await refused('econ', 'policy1', { ...gte(A, '1'), predicate: { kind: 'dateValid', params: { date: '20260101' } } }, 'PQ_BAD_PREDICATE');
  });
});

describe('who may answer, and with what', () => {
  test('another department cannot answer, even with a valid proof', async () => {
    const q = await ask(gte(A, '100000000'));
    const a = await honestProof(q);
    for (const dept of ['hrss', 'econ']) {
      const r = await submit(dept, undefined, 'privacy.answer', { query: q.id, answer: a.answer, proof: a.proof as never });
      assert.equal(r.code, 'PQ_NOT_HOLDER');
    }
    const byStaff = await p.node('tax').submit(p.node('tax').signAs('approver1', 'privacy.answer', { query: q.id, answer: a.answer, proof: a.proof as never })).catch((e) => e);
    assert.equal(byStaff.code, 'FORBIDDEN_KIND', 'a tax approver is not holder staff');
    const rec = await p.node('audit').view().get<QueryRecord>(pq.query(q.id));
    assert.equal(rec!.status, 'open');
  });

  test('a proof for another query, enterprise or threshold is rejected by every node', async () => {
    const q1 = await ask(gte(A, '100000000'));
    const q1again = await ask(gte(A, '100000000')); // same question, another query id
    const otherEnterprise = await ask(gte(B, '100000000'));
    const otherThreshold = await ask(gte(A, '50000000'));
    const a = await honestProof(q1);
    assert.equal(a.answer, true);
    for (const q of [q1again, otherEnterprise, otherThreshold]) {
      const r = await submit('tax', undefined, 'privacy.answer', { query: q.id, answer: true, proof: a.proof as never });
      assert.equal(r.code, 'PQ_BAD_PROOF', `proof of ${q1.id} accepted for ${q.id}`);
    }
    const flipped = await submit('tax', undefined, 'privacy.answer', { query: q1.id, answer: false, proof: a.proof as never });
    assert.equal(flipped.code, 'PQ_BAD_PROOF', 'the proof binds the answer too');
    const q = BigInt('21888242871839275222246405745257275088696311157297823662689037894645226208583');
    const aliased = { ...a.proof, pi_a: [(BigInt(a.proof.pi_a[0]) + q).toString(), a.proof.pi_a[1], a.proof.pi_a[2]] };
    assert.equal((await submit('tax', undefined, 'privacy.answer', { query: q1.id, answer: true, proof: aliased as never })).code, 'PQ_BAD_PROOF');
    const ok = await submit('tax', undefined, 'privacy.answer', { query: q1.id, answer: true, proof: a.proof as never });
    assert.equal(ok.status, 'ok');
    for (const n of p.nodes) {
      const rec = (await n.view().get<QueryRecord>(pq.query(q1.id)))!;
      assert.equal(rec.status, 'answered');
      assert.equal(rec.verified, true);
    }
  });

  test('a second, re-randomised proof for an answered query is rejected', async () => {
    const q = await ask(gte(B, '100000000'));
    const first = await honestProof(q);
    assert.equal(first.answer, false);
    assert.equal((await submit('tax', undefined, 'privacy.answer', { query: q.id, answer: false, proof: first.proof as never })).status, 'ok');
    const second = await honestProof(q);
    assert.notDeepEqual(second.proof, first.proof, 'fresh randomness');
    const keys = await loadVerificationKeys();
    assert.equal(await verifyQueryAnswer(keys, { ...bindingOf(q), answer: false, proof: second.proof }), true, 'the replay is itself a valid proof');
    const r = await submit('tax', undefined, 'privacy.answer', { query: q.id, answer: false, proof: second.proof as never });
    assert.equal(r.code, 'PQ_ALREADY_ANSWERED');
    const declined = await submit('tax', 'holder1', 'privacy.decline', { query: q.id, reason: '改主意了' });
    assert.equal(declined.code, 'PQ_ALREADY_ANSWERED');
  });

  test('a declined query takes no answer', async () => {
    const q = await ask(gte(A, '1'));
    assert.equal((await submit('tax', 'holder1', 'privacy.decline', { query: q.id, reason: '数据核对中' })).status, 'ok');
    const a = await honestProof(q);
    assert.equal((await submit('tax', undefined, 'privacy.answer', { query: q.id, answer: a.answer, proof: a.proof as never })).code, 'PQ_DECLINED');
  });

  test('an expired query takes neither an answer nor a decline', async () => {
    const q = await ask(gte(A, '1'));
    const a = await honestProof(q);
    assert.equal(q.expiresAtHeight, q.askedHeight + EXPIRY);
    // Blocks come from transactions; register clerks until the query's last block has passed.
    for (let i = 0; p.node('tax').height <= q.expiresAtHeight; i++) {
      await p.node('service').submitAs('admin', 'user.register', { id: `clerk-x${i}`, name: `临时窗口${i}`, role: 'clerk' });
    }
    assert.equal(effectiveStatus(q, p.node('tax').height + 1), 'expired');
    assert.equal((await submit('tax', undefined, 'privacy.answer', { query: q.id, answer: a.answer, proof: a.proof as never })).code, 'PQ_EXPIRED');
    assert.equal((await submit('tax', 'holder1', 'privacy.decline', { query: q.id, reason: 'late' })).code, 'PQ_EXPIRED');
  });
});

describe('the consortium\'s rules', () => {
  test('a statute added by quorum lets a department ask; until then it may not', async () => {
    const body = { ...gte(A, '1'), basis: { type: 'statute', rule: 'finance-tax' } };
    const before = await p.node('finance').submitAs('finance1', 'privacy.ask', body);
    assert.equal(before.receipt!.code, 'PQ_NO_BASIS');
    const cfg = testPrivacyRules({ expiryBlocks: EXPIRY });
    const rules = { ...cfg, statutes: [...cfg.statutes, { id: 'finance-tax', dept: 'finance', field: 'tax.paid', basis: '《预算法》第五十七条：财政部门核验收入', questions: [{ kind: 'gte', value: '1' }] }] };
    await decideTogether(p.nodes, 'privacy.setRules', rules);
    const after = await p.node('finance').submitAs('finance1', 'privacy.ask', body);
    assert.equal(after.receipt!.status, 'ok', after.receipt!.code ?? '');
    const q = (await p.node('finance').view().get<QueryRecord>(pq.query(after.id)))!;
    assert.equal(q.basisText, '《预算法》第五十七条：财政部门核验收入', 'the record carries the statute\'s text');
  });
});

describe('what holders may commit', () => {
  test('only the holder of a figure commits it; corrections get a higher version', async () => {
    const r = await submit('hrss', 'holder1', 'privacy.commit', { field: 'tax.paid', period: '2025', items: [[A, '1']] });
    assert.equal(r.code, 'PQ_NOT_HOLDER');
    const before = (await commitmentOf(p.node('tax').view(), 'tax.paid', '2025', A))!;
    const again = await commitFigures(p.node('tax').modulePort(), 'holder1', { field: 'tax.paid', period: '2025', rows: [{ enterprise: A, value: '153726481' }] });
    assert.equal(again.committed, 0, 'an unchanged figure is not sent again');
    const fixed = await commitFigures(p.node('tax').modulePort(), 'holder1', { field: 'tax.paid', period: '2025', rows: [{ enterprise: A, value: '163726481' }] });
    assert.equal(fixed.committed, 1);
    const after = (await commitmentOf(p.node('audit').view(), 'tax.paid', '2025', A))!;
    assert.ok(after.version > before.version);
    assert.notEqual(after.commitment, before.commitment);
    const history = await p.node('audit').store.history(pq.commitment('tax.paid', '2025', A));
    assert.deepEqual(history.map((h) => (h.new as CommitmentBucket)[A].commitment), [before.commitment, after.commitment], 'the superseded commitment stays in history');
  });
});
