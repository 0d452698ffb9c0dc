import { mkdtempSync, rmSync } from 'node:fs';
import { filingSealRecipients, sealFiling } from '../server/approval/filingSeal.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { CREDIT_CODE_CHARS, withCheckChar } from '../shared/creditCode.ts';
import { createConsortium } from '../server/chain/consortium.ts';
import type { ChainNode } from '../server/chain/node.ts';
import type { Clock } from '../server/chain/orderer/localLog.ts';
import { LocalLog } from '../server/chain/orderer/localLog.ts';
import { openDb } from '../server/chain/store/openDb.ts';
import { signTx } from '../server/chain/tx.ts';
import { createModules } from '../server/modules.ts';
import { sealApplication } from '../server/policy-payout/applicationSeal.ts';
import { deptSealRecipients } from '../server/policy-payout/deptSeal.ts';
import { sealFor } from '../server/policy-payout/http/common.ts';
import { payeeSealRecipients, sealPayee } from '../server/policy-payout/payeeSeal.ts';
import { createPlatform, type Platform } from '../server/platform.ts';
import { adoptVerificationKeys } from '../server/privacy-query/bootstrap.ts';
import { commitFigures } from '../server/privacy-query/holder/figures.ts';
import type { Figure } from './run.ts';

const logger = pino({ level: 'silent' });
const DAY = 86_400_000;

/** A clock the bench moves, so a publication period passes in block time without waiting a week. */
class BenchClock implements Clock {
  offset = 0;
  now = () => Date.now() + this.offset;
}

function code(i: number): string {
  let s = '';
  for (let k = 0, n = i; k < 7; k++, n = Math.floor(n / 31)) s = CREDIT_CODE_CHARS[n % 31] + s;
  return withCheckChar(`91330106MB${s}`);
}

/** A platform of the departments the flow needs, SQLite files in a temporary directory. */
async function platform(dir: string, clock: BenchClock, depts: string[]): Promise<Platform> {
  const keys = createConsortium({ chain: 'bench-payout', depts, time: Date.now(), limits: { blockWaitMs: 20, txTtlMs: 400 * DAY } });
  const log = new LocalLog(join(dir, 'log.sqlite'), clock);
  const specs = depts.map((dept) => ({ dept, db: openDb({ client: 'sqlite', filename: join(dir, `${dept}.sqlite`) }), orderer: log }));
  const p = await createPlatform({ keys, specs, logger, modules: createModules });
  const staff: [string, string, string][] = [['econ', 'policy1', 'policy'], ['finance', 'finance1', 'finance'], ['finance', 'finance2', 'finance'], ['service', 'clerk1', 'clerk'], ['tax', 'holder1', 'holder'], ['hrss', 'holder1', 'holder']];
  await Promise.all(staff.filter(([d]) => depts.includes(d)).map(([d, id, role]) => p.node(d).submitAs('admin', 'user.register', { id, name: id, role })));
  return p;
}

/** Sends many transactions in batches, waiting for every receipt; throws on the first rejection. */
async function inBatches(node: ChainNode, txs: (() => Parameters<ChainNode['submit']>[0])[], batch = 500): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < txs.length; i += batch) {
    const sent = await Promise.all(txs.slice(i, i + batch).map((t) => node.submit(t())));
    const rows = await Promise.all(sent.map(({ id }) => node.waitFor(id, 'receipt', 600_000)));
    const bad = rows.find((r) => r.status !== 'ok');
    if (bad) throw new Error(`${bad.kind} rejected: ${bad.code} ${bad.reason}`);
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

/** Registered, filed enterprises with their own keys; returns a signer per enterprise. */
async function enterprises(p: Platform, n: number) {
  const service = p.node('service');
  const suite = service.suite;
  const ents = Array.from({ length: n }, (_, i) => ({ code: code(i), name: `压测${i}科技有限公司`, ...suite.generateKeyPair(), nonce: 0 }));
  await inBatches(service, ents.map((e) => () => service.signAs('clerk1', 'enterprise.register', { code: e.code, name: e.name, publicKey: e.publicKey, verification: { method: 'window' } })));
  const sign = (e: (typeof ents)[number], kind: string, payload: Record<string, unknown>) =>
    signTx({ chain: service.genesis.chain, kind, payload, signer: e.publicKey, nonce: ++e.nonce, time: Date.now() }, e.privateKey, suite);
  const sealTo = await filingSealRecipients(service.view(), service.genesis);
  const filings = await Promise.all(ents.map((e) => sealFiling({
    code: e.code,
    profile: { name: e.name, legalRepresentative: '张三', address: '滨江市江南区压测路1号', industry: { code: 'C39', name: '电子' }, registeredCapitalFen: '100000000', employees: 30, contacts: [{ name: '李四', phone: '13800138000' }] },
    materials: [], commitments: [], consents: [],
  }, sealTo)));
  await inBatches(service, ents.map((e, i) => () => sign(e, 'filing.submit', filings[i])));
  return { ents, sign };
}

const payee = (name: string) => ({ name, account: '6222021001000000001', bankName: '中国工商银行滨江支行', bankCode: '102331000013' });

/** An application as the enterprise's browser makes it: statement to the policy's department, account to it and finance. */
async function applicationOf(econ: ChainNode, policy: string, name: string) {
  const text = await sealApplication('压测申请', [], await deptSealRecipients(econ.view(), ['econ']));
  return { policy, filingVersion: 1, ...text, payee: await sealPayee(payee(name), await payeeSealRecipients(econ.view(), econ.genesis, 'econ')) };
}

async function publish(p: Platform, body: Record<string, unknown>): Promise<string> {
  const { receipt } = await p.node('econ').submitAs('policy1', 'payout.publish', {
    title: '压测政策', legalBasis: '压测', budgetFen: '900000000000', capFen: '10000000', window: { opensAt: 0, closesAt: Date.now() + 365 * DAY }, review: { method: 'none' }, publicityDays: 1, ...body,
  });
  if (receipt?.status !== 'ok') throw new Error(`publish: ${receipt?.code} ${receipt?.reason}`);
  return String(receipt.events[0].data.policy);
}

/**
 * Applications checked per second: each application raises two privacy questions (tax paid,
 * insured employees) that the holders' nodes answer with Groth16 proofs every node verifies, and
 * the policy department's node then moves it on. Timed from the first submission until every
 * application has passed its checks.
 */
async function applicationsPerSecond(quick: boolean): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tb-bench-payout-'));
  const p = await platform(dir, new BenchClock(), ['market', 'tax', 'hrss', 'enforcement', 'econ', 'finance', 'service']);
  try {
    const n = quick ? 16 : 80;
    await adoptVerificationKeys(p.nodes);
    const { ents, sign } = await enterprises(p, n);
    await commitFigures(p.node('tax').modulePort(), 'holder1', { field: 'tax.paid', period: '2025', rows: ents.map((e) => ({ enterprise: e.code, value: '200000000' })) });
    await commitFigures(p.node('hrss').modulePort(), 'holder1', { field: 'hrss.insured', period: '202510', rows: ents.map((e) => ({ enterprise: e.code, value: 40 })) });
    const policy = await publish(p, {
      eligibility: { privacy: [
        { id: 'tax', label: '纳税额不低于100万元', field: 'tax.paid', period: '2025', predicate: { kind: 'gte', params: { threshold: '100000000' } }, basis: { type: 'statute', rule: 'payout-tax' } },
        { id: 'insured', label: '参保不少于20人', field: 'hrss.insured', period: '202510', predicate: { kind: 'gte', params: { threshold: '20' } }, basis: { type: 'statute', rule: 'payout-insured' } },
      ] },
    });
    const econ = p.node('econ');
    // sealed beforehand, as each enterprise's browser does: the node's work is what is measured
    const bodies = await Promise.all(ents.map((e) => applicationOf(econ, policy, e.name)));
    const t0 = performance.now();
    await inBatches(econ, ents.map((e, i) => () => sign(e, 'payout.apply', bodies[i])));
    for (;;) {
      const { n: left } = (await econ.db('pay_applications').where({ policy, status: 'checking' }).count({ n: '*' }).first()) as { n: number };
      if (Number(left) === 0) break;
      if (performance.now() - t0 > 600_000) throw new Error(`${left} applications still checking after 10 minutes`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const s = (performance.now() - t0) / 1000;
    const { n: passed } = (await econ.db('pay_applications').where({ policy, status: 'deciding' }).count({ n: '*' }).first()) as { n: number };
    if (Number(passed) !== n) throw new Error(`only ${passed} of ${n} applications passed their checks`);
    return Math.round((n / s) * 10) / 10;
  } finally {
    await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A payment run of many awards, timed from the finance officer's trigger (HTTP, which waits for
 * the run's block on the finance node) to the pain.001 file downloaded. The awards are made by the
 * real contracts beforehand (register, file, apply, decide, publicise, release), untimed.
 */
async function paymentRun(n: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tb-bench-payout-'));
  const clock = new BenchClock();
  const p = await platform(dir, clock, ['econ', 'finance', 'service']);
  try {
    const { ents, sign } = await enterprises(p, n);
    const policy = await publish(p, {});
    const econ = p.node('econ');
    const bodies = await Promise.all(ents.map((e) => applicationOf(econ, policy, e.name)));
    const apps = await inBatches(econ, ents.map((e, i) => () => sign(e, 'payout.apply', bodies[i])));
    const appIds = await Promise.all(apps.map(async (id) => String((await econ.store.tx(id))!.events[0].data.application)));
    const reasons = await sealFor(econ.modulePort(), ['econ'], '压测', 'the reasons');
    await inBatches(econ, appIds.map((application, i) => () => econ.signAs('policy1', 'payout.decide', { application, decision: 'approve', amountFen: String(1_000_000 + i), reasons })));
    await inBatches(econ, [() => econ.signAs('policy1', 'payout.publicise', { policy })]);
    clock.offset += 2 * DAY;
    await inBatches(econ, [() => econ.signAs('policy1', 'payout.release', { policy })]);
    const auth = p.auths.get('finance')!;
    await auth.setPassword('finance1', 'bench-password-1');
    const http = request(p.app.callback());
    const res = await http.post('/finance/api/auth/login').send({ user: 'finance1', password: 'bench-password-1' });
    const cookie = (res.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
    // the second finance officer, who approves the run finance1 prepares
    await auth.setPassword('finance2', 'bench-password-2');
    const res2 = await http.post('/finance/api/auth/login').send({ user: 'finance2', password: 'bench-password-2' });
    const cookie2 = (res2.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');

    const t0 = performance.now();
    const prepared = await http.post('/finance/api/payout/runs').set('Cookie', cookie).set('x-csrf-token', res.body.csrfToken).send({ policy });
    if (prepared.status !== 201) throw new Error(`run: ${prepared.status} ${JSON.stringify(prepared.body)}`);
    const run = await http.post(`/finance/api/payout/runs/${prepared.body.run}/approve`).set('Cookie', cookie2).set('x-csrf-token', res2.body.csrfToken).send({});
    if (run.status !== 200) throw new Error(`approve: ${run.status} ${JSON.stringify(run.body)}`);
    const file = await http.get(run.body.file).set('Cookie', cookie);
    const s = (performance.now() - t0) / 1000;
    if (run.body.count !== n || file.status !== 200 || file.text.split('<CdtTrfTxInf>').length !== n + 1) throw new Error('the run or its file is incomplete');
    return Math.round(s * 100) / 100;
  } finally {
    await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runPayoutBench({ quick }: { quick: boolean }): Promise<Figure[]> {
  const awards = quick ? 2000 : 10_000;
  const runS = await paymentRun(awards);
  const apps = await applicationsPerSecond(quick);
  return [
    { metric: 'payout.applications_per_s', value: apps, unit: 'applications/s (2 zk-answered privacy queries each)' },
    { metric: 'payout.run_10k_s', value: runS, unit: quick ? 's (quick: 2,000 awards)' : 's (10,000 awards, trigger to pain.001 file)' },
  ];
}
