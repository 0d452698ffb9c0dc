import { withCheckChar } from '../../shared/creditCode.ts';
import { filingSealRecipients, sealFiling } from '../approval/filingSeal.ts';
import { sealStaffPayload } from '../approval/staffSeal.ts';
import { sha256Hex } from '../chain/hash.ts';
import type { ChainNode } from '../chain/node.ts';
import { SM2_CURVE } from '../chain/suites/sm2.ts';
import { signTx } from '../chain/tx.ts';
import type { Platform } from '../platform.ts';
import { commitFigures } from '../privacy-query/holder/figures.ts';
import { sealFor } from './http/common.ts';
import { sealApplication } from './applicationSeal.ts';
import { deptSealRecipients } from './deptSeal.ts';
import { payeeSealRecipients, sealPayee } from './payeeSeal.ts';
import { storeAttachment } from './http/attachments.ts';
import type { DemoTime } from '../approval/demo.ts';
import { x25519 } from '@noble/curves/ed25519.js';

const DAY = 86_400_000;

/** A demo key from a label, so a restart finds the same enterprises (demo only: real keys are made in the browser). */
function demoKey(node: ChainNode, label: string): { privateKey: string; publicKey: string } {
  const h = sha256Hex(`tongban-demo/payout/${label}`);
  const privateKey = node.suite.name === 'sm2' ? ((BigInt('0x' + h) % (SM2_CURVE.n - 2n)) + 1n).toString(16).padStart(64, '0') : h;
  return { privateKey, publicKey: node.suite.publicKeyOf(privateKey) };
}

const ENTERPRISES = [
  { code: withCheckChar('91330108MA2DEMP01'), name: '滨江芯联微电子有限公司', industry: { code: 'C39', name: '计算机、通信和其他电子设备制造业' }, address: '滨江市江南区科技园路18号', tax: '186000000', insured: 48 },
  { code: withCheckChar('91330108MA2DEMP02'), name: '滨江绿源新材料股份有限公司', industry: { code: 'C26', name: '化学原料和化学制品制造业' }, address: '滨江市江南区滨江大道266号', tax: '73000000', insured: 22 },
  { code: withCheckChar('91330108MA2DEMP03'), name: '滨江云帆软件科技有限公司', industry: { code: 'I65', name: '软件和信息技术服务业' }, address: '滨江市江北区创业路5号', tax: '25000000', insured: 12 },
];

/** The demo experts' decryption keys (X25519) from a public label: demo only; the demo writes them to files to import. */
export function demoExpertKey(id: string): { secret: string; publicKey: string } {
  const secret = sha256Hex(`tongban-demo/payout/expert/${id}`);
  return { secret, publicKey: Buffer.from(x25519.getPublicKey(Buffer.from(secret, 'hex'))).toString('hex') };
}
/** Experts registered before the research policy is published: two of them are drawn for its review, each with a key file. */
export const DEMO_EXPERTS = ['expert1', 'expert2', 'expert3'];

/** The demo enterprise whose key file the demo writes: it has the payable award and the research application. */
export function payoutDemoEnterprise(node: ChainNode): { code: string; name: string; privateKey: string; publicKey: string } {
  return { code: ENTERPRISES[0].code, name: ENTERPRISES[0].name, ...demoKey(node, 'ent/0') };
}

/** A tiny valid PDF standing in for a scanned attachment. */
const demoPdf = (what: string) => Buffer.from(`%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% ${what}\ntrailer<</Root 1 0 R>>\n%%EOF\n`);

const PAYEE = (name: string, n: number) => ({ name, account: `62220210010000${n}${n}${n}${n}`, bankName: '中国工商银行滨江分行营业部', bankCode: '102331000013' });

async function ok(p: Promise<{ receipt?: { status: string; code: string | null; reason: string | null } }>, what: string): Promise<void> {
  const { receipt } = await p;
  if (receipt && receipt.status !== 'ok') throw new Error(`payout demo: ${what} was rejected: ${receipt.code} ${receipt.reason}`);
}

/**
 * Three published policies with applications in several states, so the portal has something to
 * show at the first start: a 稳岗补贴 publicised in the past and payable today (its 公示 has run),
 * one rejected, one awaiting the department's decision, a policy revised into a second version,
 * and applications with attachments. Written days in the past when the clock is the demo's; the
 * research application, whose checks are privacy questions, waits for the keys
 * (seedPayoutAfterKeys). Quick (a handful of blocks) and skipped once any policy exists.
 */
export async function seedPayoutDemo(p: Platform, o: { log?: (m: string) => void; clock?: DemoTime } = {}): Promise<void> {
  // Demo data is a courtesy: a failure here is reported, never a reason for the platform not to start.
  await seed(p, o.clock, o.log).catch((err) => (o.log ?? console.warn)(`payout demo skipped: ${(err as Error).message}`));
}

type Ent = (typeof ENTERPRISES)[number] & { key: { privateKey: string; publicKey: string } };
const entsOf = (service: ChainNode): Ent[] => ENTERPRISES.map((e, i) => ({ ...e, key: demoKey(service, `ent/${i}`) }));

/** An enterprise's own signed transaction, at the clock's time (the demo's, in the past). */
function signer(econ: ChainNode, clock: DemoTime) {
  let nonce = Date.now() * 1000;
  return (e: Ent, kind: string, payload: Record<string, unknown>) =>
    econ.submit(signTx({ chain: econ.genesis.chain, kind, payload, signer: e.key.publicKey, nonce: ++nonce, time: clock.now() }, e.key.privateKey, econ.suite));
}

async function application(econ: ChainNode, sign: ReturnType<typeof signer>, e: Ent, policy: string, requestedFen: string, i: number, files: string[] = []): Promise<string> {
  const payee = await sealPayee(PAYEE(e.name, i), await payeeSealRecipients(econ.view(), econ.genesis, 'econ'));
  // attachments uploaded to the policy department's node, as the portal does before signing
  const drafts = await Promise.all(files.map(async (name) => ({ ...(await storeAttachment(econ.db, { body: demoPdf(`${e.code} ${name}`), type: 'pdf', owner: e.code })), type: 'pdf' as const, name })));
  // the statement sealed to the policy department alone, as the portal does
  const text = await sealApplication(`${e.name}申请政策兑现。`, drafts, await deptSealRecipients(econ.view(), ['econ']));
  const { id } = await sign(e, 'payout.apply', { policy, filingVersion: 1, requestedFen, ...text, payee });
  return id;
}

const LIVE: DemoTime = { now: () => Date.now(), advance: () => {} };

async function seed(p: Platform, past: DemoTime | undefined, log?: (m: string) => void): Promise<void> {
  const clock = past ?? LIVE;
  const has = (d: string) => p.nodes.some((n) => n.dept === d);
  if (!['econ', 'service', 'tax', 'hrss'].every(has)) return;
  const econ = p.node('econ');
  const service = p.node('service');
  if (!['payout.publish', 'enterprise.register', 'privacy.commit'].every((k) => econ.registry.has(k))) return;
  if (await econ.db('pay_policies').first('id')) return;

  const ents = entsOf(service);
  // Appended in order without waiting: a transaction that needs an earlier one's record finds it,
  // whether both land in one block or not, and the demo costs a few blocks instead of many.
  const signed = signer(econ, clock);

  const now = clock.now();
  const base = { legalBasis: '《滨江市促进实体经济高质量发展若干政策》', window: { opensAt: now - DAY, closesAt: now + 120 * DAY }, publicityDays: 7 };
  const pub = (payload: Record<string, unknown>) => econ.submitAs('policy1', 'payout.publish', { ...base, ...payload });
  // Reviewers are drawn from the experts registered when a policy is published, so the
  // registrations go into the log first (no need to wait for their block: the log's order is the
  // order of execution).
  const experts = await Promise.all(DEMO_EXPERTS.map((id) => econ.submitAs(id, 'payout.expertRegister', { encKey: demoExpertKey(id).publicKey, conflicts: {} }, 'none')));
  const [rd, jobs, sme] = await Promise.all([
    pub({ title: '高新技术企业研发投入奖励', budgetFen: '500000000', capFen: '50000000', review: { method: 'expert', experts: 2 }, exclusionGroup: 'rd-2026',
      eligibility: { privacy: [
        { id: 'tax', label: '2025年纳税额不低于50万元', field: 'tax.paid', period: '2025', predicate: { kind: 'gte', params: { threshold: '50000000' } }, basis: { type: 'statute', rule: 'payout-tax' } },
        { id: 'insured', label: '参保职工不少于20人', field: 'hrss.insured', period: '202510', predicate: { kind: 'gte', params: { threshold: '20' } }, basis: { type: 'statute', rule: 'payout-insured' } },
      ], minGrade: 'B', industries: ['C', 'I'] } }),
    pub({ title: '小微企业稳岗补贴', budgetFen: '100000000', capFen: '3000000', review: { method: 'none' }, eligibility: { minGrade: 'C' } }),
    pub({ title: '专精特新企业一次性奖励', budgetFen: '200000000', capFen: '30000000', review: { method: 'none' }, eligibility: { regions: ['江南区'] } }),
    ...ents.map(async (e) => ok(service.submitAs('clerk1', 'enterprise.register', await sealStaffPayload(service.modulePort(), 'enterprise.register', { code: e.code, name: e.name, publicKey: e.key.publicKey, verification: { method: 'window', note: '演示数据 demo' } })), `registering ${e.name}`)),
    ...experts.map((e) => econ.waitFor(e.id, 'receipt')),
    commitFigures(p.node('tax').modulePort(), 'holder1', { field: 'tax.paid', period: '2025', rows: ents.map((e) => ({ enterprise: e.code, value: e.tax })) }),
    commitFigures(p.node('hrss').modulePort(), 'holder1', { field: 'hrss.insured', period: '202510', rows: ents.map((e) => ({ enterprise: e.code, value: e.insured })) }),
  ]);
  const idOf = (r: Awaited<typeof rd>) => String(r.receipt?.events.find((e) => e.type === 'payout.published')?.data.policy ?? '');
  const [RD, JOBS, SME] = [idOf(rd), idOf(jobs), idOf(sme)];
  if (!RD || !JOBS || !SME) throw new Error('payout demo: a policy was not published');

  clock.advance(DAY);
  const sealTo = await filingSealRecipients(service.view(), service.genesis);
  for (const e of ents) {
    await signed(e, 'filing.submit', await sealFiling({
      code: e.code,
      profile: { name: e.name, legalRepresentative: '陈立新', address: e.address, industry: e.industry, registeredCapitalFen: '2000000000', employees: e.insured + 5, contacts: [{ name: '刘晓', phone: '13900139000' }] },
      materials: [], commitments: [], consents: [],
    }, sealTo));
  }
  await econ.submitAs('policy1', 'payout.publish', { ...base, title: '专精特新企业一次性奖励（修订）', budgetFen: '250000000', capFen: '30000000', review: { method: 'none' }, eligibility: { regions: ['江南区'] }, supersedes: SME }, 'none');
  clock.advance(DAY);
  const ids = [
    await application(econ, signed, ents[0], JOBS, '2400000', 1, ['参保缴费证明.pdf', '劳动合同备案表.pdf']),
    await application(econ, signed, ents[1], JOBS, '2000000', 2, ['参保缴费证明.pdf']),
    await application(econ, signed, ents[2], JOBS, '1500000', 3),
  ];
  const rows = await Promise.all(ids.map((id) => econ.waitFor(id, 'receipt')));
  clock.advance(2 * DAY);
  const appId = (i: number) => {
    const a = rows[i].events.find((e) => e.type === 'payout.applied')?.data.application;
    if (!a) throw new Error(`payout demo: an application was rejected: ${rows[i].code} ${rows[i].reason}`);
    return String(a);
  };
  // reasons sealed to the policy department, as its node does for an officer (http/common.ts sealFor)
  await econ.submitAs('policy1', 'payout.decide', { application: appId(0), decision: 'approve', amountFen: '2400000', reasons: await sealFor(econ.modulePort(), ['econ'], '参保稳定，核定补贴2.4万元', 'the reasons') }, 'none');
  await econ.submitAs('policy1', 'payout.decide', { application: appId(2), decision: 'reject', reasons: await sealFor(econ.modulePort(), ['econ'], '参保人数不足，不符合稳岗补贴条件', 'the reasons') }, 'none');
  await ok(econ.submitAs('policy1', 'payout.publicise', { policy: JOBS }), 'the publication');
  // The 公示 has run without objection a day later than its end: the award becomes payable (the
  // policy department's node releases it after any block past the end; this is that block).
  if (past) {
    clock.advance((base.publicityDays + 1) * DAY);
    await econ.submitAs(undefined, 'payout.release', { policy: JOBS });
    await payable(econ, JOBS);
  }
  log?.(`payout demo: policies ${RD}, ${JOBS}${past ? ' (an award payable)' : ''}, ${SME} (revised); the research application follows once the privacy keys are adopted`);
}

/** Waits until the policy's award is payable (released by the block above, or by the node's own release). */
async function payable(econ: ChainNode, policy: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await econ.db('pay_awards').where({ policy, status: 'payable' }).first('id')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`payout demo: no award of ${policy} became payable`);
}

/**
 * The research policy's application, with attachments: its checks are privacy questions the tax
 * and social-security nodes answer with proofs, so it is made once the keys are adopted; then the
 * two demo experts are drawn and can open its materials with their key files. Idempotent.
 */
export async function seedPayoutAfterKeys(p: Platform, log?: (m: string) => void): Promise<void> {
  if (!p.nodes.some((n) => n.dept === 'econ') || !p.nodes.some((n) => n.dept === 'service')) return;
  const econ = p.node('econ');
  if (!econ.registry.has('payout.apply')) return;
  const rd = (await econ.db('pay_policies').where({ grp: 'rd-2026' }).first('id')) as { id: string } | undefined;
  const [e] = entsOf(p.node('service'));
  if (!rd || (await econ.db('pay_applications').where({ policy: rd.id, code: e.code }).first('id'))) return;
  const id = await application(econ, signer(econ, LIVE), e, rd.id, '40000000', 1, ['研发费用专项审计报告.pdf', '高新技术企业证书.pdf']);
  const row = await econ.waitFor(id, 'receipt');
  if (row.status !== 'ok') throw new Error(`payout demo: the research application was rejected: ${row.code} ${row.reason}`);
  log?.(`payout demo: ${e.name} applied for ${rd.id}; its tax and insured-staff checks go to the holders as privacy questions`);
}
