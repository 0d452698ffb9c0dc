import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import type { Module } from '../../server/chain/module.ts';
import type { ChainNode } from '../../server/chain/node.ts';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { txId } from '../../server/chain/tx.ts';
import { createModules } from '../../server/modules.ts';
import type { Platform } from '../../server/platform.ts';
import { parseStatementCsv } from '../../server/policy-payout/payments/bank/statusReport.ts';
import type { AwardRecord, LedgerRecord, RunRecord } from '../../server/policy-payout/records.ts';
import { sealFor } from '../../server/policy-payout/http/common.ts';
import { recordStatement, sealSettlement } from '../../server/policy-payout/payments/settlement.ts';
import { TestEnterprise, testCode } from '../approval/support.ts';
import { createTestNode, makeConsortium, waitForHeight } from '../support/fixtures.ts';
import { DAY, payeeOf, sealApply, payoutFiling, policyBody, TestClock, until } from './support.ts';

const DEPTS = ['market', 'tax', 'hrss', 'housing', 'enforcement', 'econ', 'finance', 'audit', 'service'];

/** Throws inside the block's database transaction once, when armed and the block records a settlement: a crash mid-commit. */
function crashOnSettle() {
  const ctl = { armed: false, fired: false };
  const mod: Module = {
    name: 'crash-test',
    async project(_trx, block) {
      if (ctl.armed && !ctl.fired && block.txs.some((t) => t.tx?.kind === 'payout.settle')) {
        ctl.fired = true;
        throw new Error('simulated crash after the payment was written, before the block (and its offset) committed');
      }
    },
  };
  return { ctl, mod };
}

async function ok(node: ChainNode, user: string | undefined, kind: string, payload: Record<string, unknown>) {
  const { receipt } = await node.submitAs(user, kind, payload);
  assert.equal(receipt!.status, 'ok', `${kind}: ${receipt!.code} ${receipt!.reason}`);
  return receipt!;
}

const paidSet = async (db: Knex) => (await db('pay_awards').where({ status: 'paid' }).orderBy('id').select('id', 'json')).map((r: { id: string; json: string }) => `${r.id}:${(JSON.parse(r.json) as AwardRecord).paid!.endToEndId}`);

/**
 * Exactly once across failures: the finance node crashes inside the commit of a block that records
 * payments and restarts on the same database file; it is stopped between appending a statement and
 * applying it, restarted, and the statement read again; a fresh node replays the log from genesis.
 * Each time the same awards are paid, once, and every node holds the same blocks.
 */
describe('exactly once after a crash, a restart and a replay from genesis', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-payout-crash-'));
  const clock = new TestClock();
  const keys = makeConsortium(DEPTS, { txTtlMs: 400 * DAY });
  const log = new LocalLog(join(dir, 'log.sqlite'), clock);
  const nodes: Record<string, ChainNode> = {};
  const crash = crashOnSettle();
  let financeDb: Knex;
  let policy: string;
  let run: RunRecord;
  const awards: string[] = [];

  const startFinance = async (extra: Module[] = []) => {
    financeDb = openDb({ client: 'sqlite', filename: join(dir, 'finance.sqlite') });
    nodes.finance = await createTestNode({ keys, dept: 'finance', orderer: log, db: financeDb, modules: [...createModules(), ...extra] });
    nodes.finance.on('error', () => undefined);
  };
  const others = () => DEPTS.filter((d) => d !== 'finance').map((d) => nodes[d]);

  before(async () => {
    for (const d of DEPTS) if (d !== 'finance') nodes[d] = await createTestNode({ keys, dept: d, orderer: log, modules: createModules() });
    await startFinance([crash.mod]);
    await Promise.all([
      ok(nodes.econ, 'admin', 'user.register', { id: 'policy1', name: '卫政策', role: 'policy' }),
      ok(nodes.finance, 'admin', 'user.register', { id: 'finance1', name: '杨财务', role: 'finance' }),
      ok(nodes.finance, 'admin', 'user.register', { id: 'finance2', name: '许复核', role: 'finance' }),
      ok(nodes.service, 'admin', 'user.register', { id: 'clerk1', name: '秦窗口', role: 'clerk' }),
    ]);
    const shim = { nodes: [nodes.econ] } as unknown as Platform;
    const ents = Array.from({ length: 6 }, (_, i) => new TestEnterprise(shim, testCode(900 + i), `滨江恢复${i}科技有限公司`));
    await Promise.all(ents.map((e) => ok(nodes.service, 'clerk1', 'enterprise.register', { code: e.code, name: e.name, publicKey: e.publicKey, verification: { method: 'window' } })));
    for (const e of ents) await nodes.econ.submit(e.sign('filing.submit', await payoutFiling(e) as never));
    const pub = await ok(nodes.econ, 'policy1', 'payout.publish', policyBody());
    policy = String(pub.events[0].data.policy);
    const applied = await Promise.all(ents.map(async (e) => {
      const { id } = await nodes.econ.submit(e.sign('payout.apply', await sealApply(nodes.econ, { policy, filingVersion: 1, statement: '申请', payee: payeeOf(e) })));
      const row = await nodes.econ.waitFor(id, 'receipt');
      assert.equal(row.status, 'ok', `${row.code} ${row.reason}`);
      return String(row.events[0].data.application);
    }));
    for (const [i, app] of applied.entries()) {
      const r = await ok(nodes.econ, 'policy1', 'payout.decide', { application: app, decision: 'approve', amountFen: String(500_000 + i), reasons: await sealFor(nodes.econ.modulePort(), ['econ'], '符合条件', 'the reasons') });
      awards.push((r.events[0].data.records as string[]).find((k) => k.startsWith('pay/award/'))!.slice('pay/award/'.length));
    }
    await ok(nodes.econ, 'policy1', 'payout.publicise', { policy });
    clock.advanceDays(8);
    await ok(nodes.audit, 'admin', 'user.register', { id: 'ticker', name: 'tick', role: 'auditor' });
    await until('released', async () => (await nodes.finance.view().get<AwardRecord>(`pay/award/${awards[0]}`))?.status === 'payable');
    const r = await ok(nodes.finance, 'finance1', 'payout.run', { policy });
    await ok(nodes.finance, 'finance2', 'payout.runApprove', { run: r.events[0].data.run });
    run = (await nodes.finance.view().get<RunRecord>(`pay/run/${r.events[0].data.run}`))!;
  });

  after(async () => {
    for (const n of Object.values(nodes)) {
      await n.stop();
      await n.db.destroy();
    }
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a crash inside the commit of a settlement: restarted on the same db, the payment is recorded once', async () => {
    crash.ctl.armed = true;
    const height = nodes.finance.height;
    const results = await sealSettlement(nodes.finance, awards.slice(0, 2).map((a) => ({ endToEndId: `${a}-1`, outcome: 'settled' as const, bankRef: `R-${a}` })));
    const tx = nodes.finance.signAs('finance1', 'payout.settle', { run: run.id, results });
    await nodes.finance.submit(tx);
    await until('the finance node crashed', async () => crash.ctl.fired);
    await waitForHeight(others(), height + 1);
    assert.equal(nodes.finance.height, height, 'nothing of the crashed block was committed');
    await nodes.finance.stop();
    await financeDb.destroy();
    await startFinance();
    await waitForHeight([nodes.finance], nodes.econ.height);
    assert.deepEqual(await paidSet(nodes.finance.db), await paidSet(nodes.econ.db));
    assert.equal((await paidSet(nodes.finance.db)).length, 2);
    const row = await nodes.finance.store.tx(txId(tx));
    assert.equal(row!.status, 'ok');
  });

  test('stopped between appending a statement and applying it, then the statement read again: the rest is paid, nothing twice', async () => {
    const csv = ['endToEndId,status,bankRef,reason', ...awards.map((a) => `${a}-1,settled,R-${a},`)].join('\n');
    const report = parseStatementCsv(csv);
    const submitNoWait = async (kind: string, payload: Record<string, unknown>) => {
      const { id } = await nodes.finance.submit(nodes.finance.signAs('finance1', kind, payload));
      return { id, events: [] };
    };
    // First attempt: the node appends the settlement and is stopped before applying it.
    const first = await recordStatement(nodes.finance.modulePort(), run, report, submitNoWait);
    assert.equal(first.alreadyRecorded, 2);
    await nodes.finance.stop();
    await financeDb.destroy();
    await waitForHeight(others(), nodes.econ.height + 1).catch(() => undefined);
    await startFinance();
    await until('caught up', async () => nodes.finance.height >= nodes.econ.height && nodes.econ.height > 0);
    // The operator, unsure what happened, reads the same statement again.
    const again = await recordStatement(nodes.finance.modulePort(), run, report, async (kind, payload) => {
      const { receipt, id } = await nodes.finance.submitAs('finance1', kind, payload);
      return { id, events: receipt!.events };
    });
    assert.equal(again.settled, 0);
    assert.equal(again.alreadyRecorded, awards.length);
    const paid = await paidSet(nodes.finance.db);
    assert.equal(paid.length, awards.length);
    assert.deepEqual(paid, awards.map((a) => `${a}:${a}-1`).sort());
    const ledger = (await nodes.finance.view().get<LedgerRecord>(`pay/ledger/${policy}`))!;
    assert.equal(ledger.paidFen, awards.reduce((s, _a, i) => s + 500_000n + BigInt(i), 0n).toString());
    assert.equal(ledger.reservedFen, '0');
  });

  test('a fresh node replaying the log from genesis reaches the same blocks and the same paid set', async () => {
    const height = nodes.econ.height;
    await nodes.audit.stop();
    await nodes.audit.db.destroy();
    nodes.audit = await createTestNode({ keys, dept: 'audit', orderer: log, modules: createModules() });
    await waitForHeight(Object.values(nodes), height);
    for (const h of [1, Math.floor(height / 2), height]) {
      const hashes = await Promise.all(Object.values(nodes).map(async (n) => (await n.store.blockByHeight(h))?.hash));
      assert.equal(new Set(hashes).size, 1, `block ${h} is the same on every node`);
    }
    assert.deepEqual(await paidSet(nodes.audit.db), await paidSet(nodes.finance.db));
    assert.deepEqual(await nodes.audit.view().get(`pay/ledger/${policy}`), await nodes.finance.view().get(`pay/ledger/${policy}`));
  });
});
