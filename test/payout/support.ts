import { x25519 } from '@noble/curves/ed25519.js';
import { compactDecrypt, importJWK } from 'jose';
import { join } from 'node:path';
import request from 'supertest';
import type { FilingSubmit } from '../../server/approval/schema.ts';
import type { Module } from '../../server/chain/module.ts';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { DEMO_STAFF } from '../../server/demo/staff.ts';
import { createModules } from '../../server/modules.ts';
import { createPlatform, type Platform } from '../../server/platform.ts';
import { adoptVerificationKeys } from '../../server/privacy-query/bootstrap.ts';
import { commitFigures } from '../../server/privacy-query/holder/figures.ts';
import type { ChainNode } from '../../server/chain/node.ts';
import { seal } from '../../server/chain/sealing/envelope.ts';
import { sealApplication } from '../../server/policy-payout/applicationSeal.ts';
import { deptSealRecipients } from '../../server/policy-payout/deptSeal.ts';
import { payeeSealRecipients, sealPayee } from '../../server/policy-payout/payeeSeal.ts';
import type { PolicyRecord } from '../../server/policy-payout/records.ts';
import type { AttachmentDraft, Payee, PolicyPublish } from '../../server/policy-payout/schema.ts';
import { pk } from '../../server/policy-payout/stateKeys.ts';
import { filingOf, registerEnterprise, TestClock, TestEnterprise, type Session } from '../approval/support.ts';
import { makeConsortium, silentLogger, waitForHeight } from '../support/fixtures.ts';
import { login, TEST_PASSWORD } from '../support/platform.ts';

export { login, TestClock, TestEnterprise, type Session };
export const DAY = 86_400_000;

/**
 * A whole embedded platform in memory with the shipped modules (approval, privacy queries with
 * real proofs, payouts), demo staff with the test password but no demo data, and the consortium's
 * verification keys adopted. Blocks take their time from the clock, and the transaction
 * time-to-live is wide, so a test can let a publication period pass.
 */
export async function startPayoutPlatform(o: { clock?: TestClock; keys?: boolean; modules?: () => Module[]; config?: Record<string, unknown>; dir?: string } = {}): Promise<Platform> {
  const keys = makeConsortium(['market', 'tax', 'hrss', 'housing', 'enforcement', 'econ', 'finance', 'audit', 'service'], { txTtlMs: 400 * DAY }, { config: o.config ?? {} });
  // in memory, or one SQLite file a node and one for the ordering log in `dir`
  const file = (name: string) => (o.dir ? join(o.dir, `${name}.sqlite`) : ':memory:');
  const log = new LocalLog(file('ordering'), o.clock);
  const specs = keys.genesis.members.map((m) => ({ dept: m.dept, db: openDb({ client: 'sqlite', filename: file(m.dept) }), orderer: log }));
  const p = await createPlatform({ keys, specs, logger: silentLogger, modules: o.modules ?? createModules });
  await seedStaff(p);
  if (o.keys !== false) await adoptVerificationKeys(p.nodes);
  return p;
}

export async function seedStaff(p: Platform): Promise<void> {
  const waits: Promise<unknown>[] = [];
  for (const node of p.nodes) {
    const auth = p.auths.get(node.dept)!;
    await auth.setPassword('admin', TEST_PASSWORD);
    for (const s of DEMO_STAFF.filter((x) => x.dept === node.dept)) {
      waits.push(node.submitAs('admin', 'user.register', { id: s.id, name: s.name, role: s.role }));
      await auth.setPassword(s.id, TEST_PASSWORD);
    }
  }
  await Promise.all(waits);
}

/**
 * A payment run as the finance office makes one: `prepare` prepares it, `approve` (another
 * officer) approves it. Answers as the approval did (run, count, totalFen, file), with the
 * preparation's 201; a refused preparation or approval answers as itself.
 */
export async function payRun(prepare: Session, approve: Session, body: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const made = await prepare.post('/finance/api/payout/runs', body);
  if (made.status !== 201) return made;
  const ok = await approve.post(`/finance/api/payout/runs/${made.body.run}/approve`, {});
  return ok.status === 200 ? { status: 201, body: ok.body } : ok;
}

export const payeeOf = (ent: TestEnterprise) => ({ name: ent.name, account: '6222021001' + ent.code.slice(-8).replace(/[^0-9]/g, '7').padEnd(8, '7'), bankName: '中国工商银行滨江江南支行', bankCode: '102331000013' });

/** A filing that consents to econ checking tax and insured employees, in a district and industry of choice. */
export async function payoutFiling(ent: TestEnterprise, o: { industry?: string; address?: string } = {}): Promise<FilingSubmit> {
  const f = await filingOf(ent);
  return {
    ...f,
    profile: { ...f.profile, industry: { code: o.industry ?? 'C39', name: '计算机、通信和其他电子设备制造业' }, address: o.address ?? '滨江市江南区科技园路8号' },
    consents: [
      { dept: 'econ', field: 'tax.paid', purpose: '惠企政策兑现资格核验' },
      { dept: 'econ', field: 'hrss.insured', purpose: '惠企政策兑现资格核验' },
    ],
  };
}

/** Registers and files an enterprise that may apply for payouts. */
export async function payoutEnterprise(p: Platform, clerk: Session, seed: number, o: { industry?: string; address?: string } = {}): Promise<TestEnterprise> {
  const ent = await registerEnterprise(p, clerk, seed, `滨江测试${seed}科技有限公司`);
  const res = await ent.submit('filing.submit', await payoutFiling(ent, o) as unknown as Record<string, unknown>);
  if (res.status !== 200) throw new Error(`filing failed: ${res.status} ${JSON.stringify(res.body)}`);
  return ent;
}

/** The holders commit figures (kept privately on their nodes) so questions about them can be answered with proofs. */
export async function commitTaxAndInsured(p: Platform, rows: { code: string; taxFen: string | number; insured: number }[]): Promise<void> {
  await commitFigures(p.node('tax').modulePort(), 'holder1', { field: 'tax.paid', period: '2025', rows: rows.map((r) => ({ enterprise: r.code, value: String(r.taxFen) })) });
  await commitFigures(p.node('hrss').modulePort(), 'holder1', { field: 'hrss.insured', period: '202510', rows: rows.map((r) => ({ enterprise: r.code, value: r.insured })) });
}

export const TAX_RULE = { id: 'tax', label: '2025年纳税额不低于100万元', field: 'tax.paid', period: '2025', predicate: { kind: 'gte' as const, params: { threshold: '100000000' } }, basis: { type: 'consent' as const } };
export const INSURED_RULE = { id: 'insured', label: '参保职工不少于20人', field: 'hrss.insured', period: '202510', predicate: { kind: 'gte' as const, params: { threshold: '20' } }, basis: { type: 'statute' as const, rule: 'payout-insured' } };

export function policyBody(o: Partial<Record<keyof PolicyPublish, unknown>> = {}): Record<string, unknown> {
  const now = Date.now();
  return {
    title: '高新技术企业研发投入奖励',
    legalBasis: '《滨江市促进科技创新若干政策》第五条',
    budgetFen: '100000000',
    capFen: '20000000',
    eligibility: { privacy: [], industries: [], regions: [] },
    window: { opensAt: now - DAY, closesAt: now + 60 * DAY },
    review: { method: 'none' },
    publicityDays: 7,
    ...o,
  };
}

export async function publish(policy: Session, o: Partial<Record<keyof PolicyPublish, unknown>> = {}): Promise<string> {
  const res = await policy.post('/econ/api/payout/policies', policyBody(o));
  if (res.status !== 201) throw new Error(`publish failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.policy as string;
}

/** The enterprise signs an application with its own key and sends it to the policy department's node. */
export function applyBody(ent: TestEnterprise, policy: string, o: Record<string, unknown> = {}): Record<string, unknown> {
  return { policy, filingVersion: 1, statement: '本企业2025年研发投入3200万元，申请研发投入奖励。', payee: payeeOf(ent), ...o };
}

/**
 * Seals an application's payee account as the portal does, to the policy's department and the
 * finance office by their current keys (`econ` when the policy is unknown, for refusals).
 */
export async function sealApply(node: ChainNode, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
  const policy = typeof payload.policy === 'string' ? await node.view().get<PolicyRecord>(pk.policy(payload.policy)).catch(() => undefined) : undefined;
  const dept = policy?.dept ?? 'econ';
  // the statement and the attachments' names, to the policy's department alone
  if (typeof payload.statement === 'string') {
    const drafts = (Array.isArray(payload.attachments) ? payload.attachments : []) as AttachmentDraft[];
    const named = drafts.every((a) => typeof a?.name === 'string');
    const text = await sealApplication(payload.statement, named ? drafts : [], await deptSealRecipients(node.view(), [dept]));
    payload = { ...payload, statement: text.statement, ...(named && drafts.length ? { attachments: text.attachments, attachmentNames: text.attachmentNames } : {}) };
  }
  const payee = payload.payee as Payee | undefined;
  if (!payee || typeof payee !== 'object' || !('account' in payee)) return payload;
  return { ...payload, payee: await sealPayee(payee, await payeeSealRecipients(node.view(), node.genesis, dept)) };
}

/** Seals an objection's reasons as the portal does, to the award's department. */
export async function sealObjection(node: ChainNode, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
  if (typeof payload.reasons !== 'string') return payload;
  const award = typeof payload.award === 'string' ? await node.view().get<{ dept: string }>(`pay/award/${payload.award}`) : undefined;
  return { ...payload, reasons: await seal(payload.reasons, await deptSealRecipients(node.view(), [award?.dept ?? 'econ'])) };
}

/** Signs and posts an enterprise transaction; an application's payee is sealed first, as the portal does. */
export async function signedPost(p: Platform, ent: TestEnterprise, kind: string, payload: Record<string, unknown>, dept = 'econ') {
  const body = kind === 'payout.apply' ? await sealApply(p.node(dept), payload) : kind === 'payout.object' ? await sealObjection(p.node(dept), payload) : payload;
  return request(p.app.callback()).post(`/${dept}/api/payout/tx`).send(ent.sign(kind, body));
}

export async function apply(p: Platform, ent: TestEnterprise, policy: string, o: Record<string, unknown> = {}): Promise<string> {
  const res = await signedPost(p, ent, 'payout.apply', applyBody(ent, policy, o));
  if (res.status !== 200) throw new Error(`apply failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.application as string;
}

/** Polls until the check holds (the chain moves by itself: answers, advances, releases). */
export async function until<T>(what: string, f: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until every node has applied the blocks any node has (nodes of one process follow the log a step apart). */
export const synced = (p: Platform) => waitForHeight(p.nodes, Math.max(...p.nodes.map((n) => n.height)));

/** A state record as a node holds it, once every node has every block (so what follows sees the same chain anywhere). */
export async function stateOf<T>(p: Platform, key: string, dept = 'econ'): Promise<T | undefined> {
  await synced(p);
  return p.node(dept).view().get<T>(key);
}

/** Lets block time pass: the clock moves, then a block is cut so the chain sees the new time. */
export async function passDays(p: Platform, clock: TestClock, days: number): Promise<void> {
  clock.advanceDays(days);
  await p.node('audit').submitAs('admin', 'user.register', { id: 'ticker', name: 'tick', role: 'auditor' });
  await synced(p);
}

/** An expert's X25519 key pair, as the expert's browser would make it. */
export function expertKeys() {
  const secret = x25519.utils.randomSecretKey();
  return { secret, publicKey: Buffer.from(x25519.getPublicKey(secret)).toString('hex') };
}

export async function openSealed(jwe: string, k: { secret: Uint8Array; publicKey: string }): Promise<Buffer> {
  const key = await importJWK({ kty: 'OKP', crv: 'X25519', x: Buffer.from(k.publicKey, 'hex').toString('base64url'), d: Buffer.from(k.secret).toString('base64url') }, 'ECDH-ES+A256KW');
  return Buffer.from((await compactDecrypt(jwe, key)).plaintext);
}

/** Row counts of the ledger and this module's read models, to prove refused input wrote nothing. */
export async function counts(p: Platform, dept = 'econ'): Promise<Record<string, number>> {
  const db = p.node(dept).db;
  const out: Record<string, number> = {};
  for (const t of ['txs', 'state', 'pay_policies', 'pay_applications', 'pay_awards', 'pay_objections', 'pay_runs', 'pay_payments', 'pay_blobs']) {
    out[t] = Number(((await db(t).count({ n: '*' }).first()) as { n: number }).n);
  }
  return out;
}
