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

const PAYEE = (name: string, n: number) => ({ name, account: `62220210010000${n}${n}${n}${n}`, bankName: '中国工商银行滨江分行营业部', bankCode: '102331000013' });

async function ok(p: Promise<{ receipt?: { status: string; code: string | null; reason: string | null } }>, what: string): Promise<void> {
  const { receipt } = await p;
  if (receipt && receipt.status !== 'ok') throw new Error(`payout demo: ${what} was rejected: ${receipt.code} ${receipt.reason}`);
}

/**
 * Three published policies with applications in several states, so the portal has something to
 * show at the first start: one waiting for privacy answers (then expert review), one publicised,
 * one approved, one rejected, one awaiting the department's decision, and a policy revised into
 * a second version. Quick (a handful of blocks) and skipped once any policy exists.
 */
export async function seedPayoutDemo(p: Platform, log?: (m: string) => void): Promise<void> {
  // Demo data is a courtesy: a failure here is reported, never a reason for the platform not to start.
  await seed(p, log).catch((err) => (log ?? console.warn)(`payout demo skipped: ${(err as Error).message}`));
}

async function seed(p: Platform, log?: (m: string) => void): Promise<void> {
  const has = (d: string) => p.nodes.some((n) => n.dept === d);
  if (!['econ', 'service', 'tax', 'hrss'].every(has)) return;
  const econ = p.node('econ');
  const service = p.node('service');
  if (!['payout.publish', 'enterprise.register', 'privacy.commit'].every((k) => econ.registry.has(k))) return;
  if (await econ.db('pay_policies').first('id')) return;

  const ents = ENTERPRISES.map((e, i) => ({ ...e, key: demoKey(service, `ent/${i}`) }));
  let nonce = Date.now() * 1000;
  // Appended in order without waiting: a transaction that needs an earlier one's record finds it,
  // whether both land in one block or not, and the demo costs three blocks instead of six.
  const signed = (e: (typeof ents)[number], kind: string, payload: Record<string, unknown>) =>
    econ.submit(signTx({ chain: econ.genesis.chain, kind, payload, signer: e.key.publicKey, nonce: ++nonce, time: Date.now() }, e.key.privateKey, econ.suite));

  const now = Date.now();
  const base = { legalBasis: '《滨江市促进实体经济高质量发展若干政策》', window: { opensAt: now - DAY, closesAt: now + 90 * DAY }, publicityDays: 7 };
  const pub = (payload: Record<string, unknown>) => econ.submitAs('policy1', 'payout.publish', { ...base, ...payload });
  // Reviewers are drawn from the experts registered when a policy is published, so the
  // registrations go into the log first (no need to wait for their block: the log's order is the
  // order of execution).
  const experts = await Promise.all(['expert1', 'expert2', 'expert3'].map((id) => econ.submitAs(id, 'payout.expertRegister', { encKey: sha256Hex(`tongban-demo/payout/expert/${id}`), conflicts: {} }, 'none')));
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

  const sealTo = await filingSealRecipients(service.view(), service.genesis);
  for (const e of ents) {
    await signed(e, 'filing.submit', await sealFiling({
      code: e.code,
      profile: { name: e.name, legalRepresentative: '陈立新', address: e.address, industry: e.industry, registeredCapitalFen: '2000000000', employees: e.insured + 5, contacts: [{ name: '刘晓', phone: '13900139000' }] },
      materials: [], commitments: [], consents: [],
    }, sealTo));
  }
  await econ.submitAs('policy1', 'payout.publish', { ...base, title: '专精特新企业一次性奖励（修订）', budgetFen: '250000000', capFen: '30000000', review: { method: 'none' }, eligibility: { regions: ['江南区'] }, supersedes: SME }, 'none');
  const application = async (e: (typeof ents)[number], policy: string, requestedFen: string, i: number) => {
    const payee = await sealPayee(PAYEE(e.name, i), await payeeSealRecipients(econ.view(), econ.genesis, 'econ'));
    // the statement sealed to the policy department alone, as the portal does
    const text = await sealApplication(`${e.name}申请政策兑现。`, [], await deptSealRecipients(econ.view(), ['econ']));
    const { id } = await signed(e, 'payout.apply', { policy, filingVersion: 1, requestedFen, ...text, payee });
    return id;
  };
  const ids = [await application(ents[0], RD, '40000000', 1), await application(ents[0], JOBS, '2400000', 1), await application(ents[1], JOBS, '2000000', 2), await application(ents[2], JOBS, '1500000', 3)];
  const rows = await Promise.all(ids.map((id) => econ.waitFor(id, 'receipt')));
  const appId = (i: number) => {
    const a = rows[i].events.find((e) => e.type === 'payout.applied')?.data.application;
    if (!a) throw new Error(`payout demo: an application was rejected: ${rows[i].code} ${rows[i].reason}`);
    return String(a);
  };
  // reasons sealed to the policy department, as its node does for an officer (http/common.ts sealFor)
  await econ.submitAs('policy1', 'payout.decide', { application: appId(1), decision: 'approve', amountFen: '2400000', reasons: await sealFor(econ.modulePort(), ['econ'], '参保稳定，核定补贴2.4万元', 'the reasons') }, 'none');
  await econ.submitAs('policy1', 'payout.decide', { application: appId(3), decision: 'reject', reasons: await sealFor(econ.modulePort(), ['econ'], '参保人数不足，不符合稳岗补贴条件', 'the reasons') }, 'none');
  await ok(econ.submitAs('policy1', 'payout.publicise', { policy: JOBS }), 'the publication');
  log?.(`payout demo: policies ${RD}, ${JOBS}, ${SME} (revised) with applications in review, publication, decision`);
}
