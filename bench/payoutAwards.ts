import request from 'supertest';
import { filingSealRecipients, sealFiling } from '../server/approval/filingSeal.ts';
import type { ChainNode } from '../server/chain/node.ts';
import type { Clock } from '../server/chain/orderer/localLog.ts';
import { signTx } from '../server/chain/tx.ts';
import { sealApplication } from '../server/policy-payout/applicationSeal.ts';
import { deptSealRecipients } from '../server/policy-payout/deptSeal.ts';
import { sealFor } from '../server/policy-payout/http/common.ts';
import { payeeSealRecipients, sealPayee } from '../server/policy-payout/payeeSeal.ts';
import type { Platform } from '../server/platform.ts';
import { CREDIT_CODE_CHARS, withCheckChar } from '../shared/creditCode.ts';

export const DAY = 86_400_000;

/** A clock the bench moves, so a publication period passes in block time without waiting a week. */
export class BenchClock implements Clock {
  offset = 0;
  now = () => Date.now() + this.offset;
}

/** Distinct valid credit codes, one per index; `MB` keeps them apart from the city's demo enterprises (`MA`). */
export function benchCode(i: number): string {
  let s = '';
  for (let k = 0, n = i; k < 7; k++, n = Math.floor(n / 31)) s = CREDIT_CODE_CHARS[n % 31] + s;
  return withCheckChar(`91330106MB${s}`);
}

/** Sends many transactions in batches, waiting for every receipt; throws on the first rejection. */
export async function inBatches(node: ChainNode, txs: (() => Parameters<ChainNode['submit']>[0])[], batch = 500): Promise<string[]> {
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

/** Registered, filed enterprises with their own keys (codes from index `from`); returns a signer per enterprise. */
export async function benchEnterprises(p: Platform, n: number, o: { clock?: Clock; batch?: number; from?: number } = {}) {
  const service = p.node('service');
  const suite = service.suite;
  const now = () => o.clock?.now() ?? Date.now();
  const from = o.from ?? 0;
  const ents = Array.from({ length: n }, (_, i) => ({ code: benchCode(from + i), name: `压测${from + i}科技有限公司`, ...suite.generateKeyPair(), nonce: 0 }));
  await inBatches(service, ents.map((e) => () => service.signAs('clerk1', 'enterprise.register', { code: e.code, name: e.name, publicKey: e.publicKey, verification: { method: 'window' } })), o.batch);
  const sign = (e: (typeof ents)[number], kind: string, payload: Record<string, unknown>) =>
    signTx({ chain: service.genesis.chain, kind, payload, signer: e.publicKey, nonce: ++e.nonce, time: now() }, e.privateKey, suite);
  const sealTo = await filingSealRecipients(service.view(), service.genesis);
  const filings = await Promise.all(ents.map((e) => sealFiling({
    code: e.code,
    profile: { name: e.name, legalRepresentative: '张三', address: '滨江市江南区压测路1号', industry: { code: 'C39', name: '电子' }, registeredCapitalFen: '100000000', employees: 30, contacts: [{ name: '李四', phone: '13800138000' }] },
    materials: [], commitments: [], consents: [],
  }, sealTo)));
  await inBatches(service, ents.map((e, i) => () => sign(e, 'filing.submit', filings[i])), o.batch);
  return { ents, sign };
}

const payee = (name: string) => ({ name, account: '6222021001000000001', bankName: '中国工商银行滨江支行', bankCode: '102331000013' });

/** An application as the enterprise's browser makes it: statement to the policy's department, account to it and finance. */
export async function applicationOf(econ: ChainNode, policy: string, name: string) {
  const text = await sealApplication('压测申请', [], await deptSealRecipients(econ.view(), ['econ']));
  return { policy, filingVersion: 1, ...text, payee: await sealPayee(payee(name), await payeeSealRecipients(econ.view(), econ.genesis, 'econ')) };
}

export async function publishPolicy(p: Platform, body: Record<string, unknown>): Promise<string> {
  const { receipt } = await p.node('econ').submitAs('policy1', 'payout.publish', {
    title: '压测政策', legalBasis: '压测', budgetFen: '900000000000', capFen: '10000000', window: { opensAt: 0, closesAt: Date.now() + 365 * DAY }, review: { method: 'none' }, publicityDays: 1, ...body,
  });
  if (receipt?.status !== 'ok') throw new Error(`publish: ${receipt?.code} ${receipt?.reason}`);
  return String(receipt.events[0].data.policy);
}

/**
 * `n` awards of one policy, released and payable, made by the real contracts: enterprises
 * registered and filed, a policy published, each enterprise applies with its own key, the policy
 * officer approves each, publicises the list, and after the publicity period (the clock moved on
 * two days) releases it. Every transaction goes through a node's submit and waits for its receipt.
 * Enterprises are made `batch` at a time so that their keys, filings and applications are held
 * for one batch only: holding ten thousand at once ran a city-sized bench out of heap.
 */
export async function makeAwards(p: Platform, n: number, o: { clock: BenchClock; batch?: number; from?: number }): Promise<{ policy: string }> {
  const policy = await publishPolicy(p, {});
  const econ = p.node('econ');
  const reasons = await sealFor(econ.modulePort(), ['econ'], '压测', 'the reasons');
  const batch = o.batch ?? 500;
  const from = o.from ?? 0;
  for (let done = 0; done < n; done += batch) {
    const { ents, sign } = await benchEnterprises(p, Math.min(batch, n - done), { ...o, from: from + done });
    const bodies = await Promise.all(ents.map((e) => applicationOf(econ, policy, e.name)));
    const apps = await inBatches(econ, ents.map((e, i) => () => sign(e, 'payout.apply', bodies[i])), batch);
    const appIds = await Promise.all(apps.map(async (id) => String((await econ.store.tx(id))!.events[0].data.application)));
    await inBatches(econ, appIds.map((application, i) => () => econ.signAs('policy1', 'payout.decide', { application, decision: 'approve', amountFen: String(1_000_000 + done + i), reasons })), batch);
  }
  await inBatches(econ, [() => econ.signAs('policy1', 'payout.publicise', { policy })]);
  o.clock.offset += 2 * DAY;
  await inBatches(econ, [() => econ.signAs('policy1', 'payout.release', { policy })]);
  return { policy };
}

async function login(http: ReturnType<typeof request>, user: string, password: string) {
  const res = await http.post('/finance/api/auth/login').send({ user, password });
  if (res.status !== 200) throw new Error(`login finance/${user}: ${res.status}`);
  return { cookie: (res.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; '), csrf: String(res.body.csrfToken) };
}

/**
 * A payment run of a policy's `n` released awards, in seconds from the finance officer's trigger
 * (HTTP, which waits for the run's block on the finance node) through the second officer's
 * approval to the pain.001 file downloaded; checks the file holds every award.
 */
export async function timePaymentRun(p: Platform, policy: string, n: number): Promise<number> {
  const auth = p.auths.get('finance')!;
  await auth.setPassword('finance1', 'bench-password-1');
  // the second finance officer, who approves the run finance1 prepares
  await auth.setPassword('finance2', 'bench-password-2');
  const http = request(p.app.callback());
  const one = await login(http, 'finance1', 'bench-password-1');
  const two = await login(http, 'finance2', 'bench-password-2');

  const t0 = performance.now();
  const prepared = await http.post('/finance/api/payout/runs').set('Cookie', one.cookie).set('x-csrf-token', one.csrf).send({ policy });
  if (prepared.status !== 201) throw new Error(`run: ${prepared.status} ${JSON.stringify(prepared.body)}`);
  const run = await http.post(`/finance/api/payout/runs/${prepared.body.run}/approve`).set('Cookie', two.cookie).set('x-csrf-token', two.csrf).send({});
  if (run.status !== 200) throw new Error(`approve: ${run.status} ${JSON.stringify(run.body)}`);
  const file = await http.get(run.body.file).set('Cookie', one.cookie);
  const s = (performance.now() - t0) / 1000;
  if (run.body.count !== n || file.status !== 200 || file.text.split('<CdtTrfTxInf>').length !== n + 1) throw new Error('the run or its file is incomplete');
  return s;
}
