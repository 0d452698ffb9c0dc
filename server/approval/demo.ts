import type { MaterialDraft } from './schema.ts';
import type { ChainNode } from '../chain/node.ts';
import type { Tx } from '../chain/schema.ts';
import { ed25519Suite } from '../chain/suites/ed25519.ts';
import { signTx } from '../chain/tx.ts';
import type { Platform } from '../platform.ts';
import { demoEnterprise, demoLicencePdf, type DemoEnterprise } from './demo/generator.ts';
import { filingSealRecipients, sealFiling, type FilingDraft } from './filingSeal.ts';
import { appSealRecipients, processSealRecipients, sealStaffPayload } from './staffSeal.ts';
import { seal } from '../chain/sealing/envelope.ts';
import { storeBlob } from './http/materialsStore.ts';

export interface ApprovalDemoOptions {
  password: string;
  log?: (msg: string) => void;
  /** how many enterprises; default 300 */
  enterprises?: number;
  /** the embedded platform's clock while it writes history: each round is a working day later */
  clock?: DemoTime;
  /** the index of the first (the city generator seeds a large city in batches); default 0 */
  from?: number;
}

/** A clock the seeding may move on (server/demo/demoClock.ts), read for the enterprises' signing time. */
export interface DemoTime {
  now(): number;
  advance(ms: number): void;
}

const DAY = 86_400_000;

const DEPTS = ['service', 'market', 'housing', 'enforcement'];

/**
 * A living city for a first-time user: a few hundred enterprises with filings, approvals in
 * every state (some on commitment), inspections, findings and enforcement cases, all made
 * through signed transactions like real ones. Submissions go out in rounds, each round all at
 * once, then waited for together, so seeding costs a handful of blocks, not one per record.
 * Idempotent: if the first demo enterprise exists, nothing is done.
 */
export async function seedApprovalDemo(p: Platform, o: ApprovalDemoOptions): Promise<void> {
  const n = o.enterprises ?? 300;
  if (n <= 0 || !DEPTS.every((d) => p.nodes.some((x) => x.dept === d))) return;
  const node = (d: string) => p.node(d);
  if (!node('service').registry.has('enterprise.register')) return;
  const ents = Array.from({ length: n }, (_, i) => demoEnterprise((o.from ?? 0) + i));
  if (await node('service').view().get(`ent/${ents[0].code}`)) return;
  const t0 = Date.now();
  const s = new Seeder(p, o.clock);
  const members = p.nodes[0].genesis.members.map((m) => m.dept);

  // Staff the demo needs beyond the shared demo staff: an approver for enforcement's stages.
  if (!(await node('enforcement').view().get('user/enforcement/approver1'))) {
    await node('enforcement').submitAs('admin', 'user.register', { id: 'approver1', name: '卢审批', role: 'approver' });
  }
  if (!(await p.auths.get('enforcement')!.hasPassword('approver1'))) await p.auths.get('enforcement')!.setPassword('approver1', o.password);

  s.nextDay();
  await s.round(ents.map((e) => s.staff('service', 'clerk1', 'enterprise.register', { code: e.code, name: e.name, publicKey: e.publicKey, verification: { method: 'window', note: '法定代表人身份证件现场核验' } })));
  const materials = new Map<string, MaterialDraft>();
  for (const e of ents) {
    const stored = await storeBlob(node('service').db, { body: demoLicencePdf(e), type: 'pdf', owner: e.code, uploadedBy: 'service/clerk1' });
    materials.set(e.code, { hash: stored.hash, name: '营业执照.pdf', type: 'pdf', size: stored.size, category: '营业执照' });
  }
  // The enterprises seal their contacts, headcount and file names to the departments that must read them, as the portal does.
  const sealTo = await filingSealRecipients(node('service').view(), node('service').genesis);
  const filingsOf = async (list: DemoEnterprise[], change: (e: DemoEnterprise) => Partial<FilingDraft['profile']> = () => ({})) =>
    new Map(await Promise.all(list.map(async (e) => [e.code, await sealFiling({ ...filingOf(e, materials.get(e.code)!, members), profile: { ...e.profile, ...change(e) } }, sealTo)] as const)));
  const filed = await filingsOf(ents);
  s.nextDay();
  await s.round(ents.map((e) => s.ent(e, 'filing.submit', filed.get(e.code)!)));

  // Applications: builders take construction projects, food businesses ask for food licences.
  // In proportion to the enterprises seeded (60 and 80 of the demo's 300), so a city seeded in
  // batches has the same mix whatever the batch size.
  const builders = ents.filter((e) => e.industry.kind === 'construction').slice(0, Math.ceil(n / 5));
  const food = ents.filter((e) => e.industry.kind === 'food').slice(0, Math.ceil((n * 4) / 15));
  const amend = ents.filter((e) => e.index % 10 === 7);
  const amended = await filingsOf(amend, (e) => ({ employees: e.profile.employees + 12 }));
  s.nextDay();
  const applied = await s.round([
    ...amend.map((e) => s.ent(e, 'filing.amend', { ...amended.get(e.code)!, baseVersion: 1 })),
    ...builders.map(async (e) => s.ent(e, 'approval.apply', { process: 'construction', project: { name: `${e.district.name}${['商住综合体', '安置房', '产业园厂房', '学校扩建'][e.index % 4]}项目`, location: e.profile.address, investmentFen: await seal(String((5 + (e.index % 40)) * 1_000_000_000), await processSealRecipients(node('service').view(), node('service').genesis, 'construction')) } })),
    ...food.map((e, k) => s.ent(e, 'approval.apply', { process: 'foodLicence', project: { name: `${e.name.replace(/有限公司$/, '')}门店` }, ...(k % 2 === 0 ? { commitment: { letter: '本企业承诺具备食品经营许可条件，接受事后核查。', accepted: true } } : {}) })),
  ]);
  const appOf = new Map<string, { id: string; code: string; process: string; postCheck?: string }>();
  for (const row of applied) {
    const ev = row.events.find((e) => e.type === 'approval.applied');
    if (!ev) continue;
    const d = ev.data as { id: string; code: string; process: string; records: string[] };
    appOf.set(d.id, { id: d.id, code: d.code, process: d.process, postCheck: d.records.find((r) => r.startsWith('insp/'))?.slice(5) });
  }
  const construction = [...appOf.values()].filter((a) => a.process === 'construction');
  const foodApps = [...appOf.values()].filter((a) => a.process === 'foodLicence');
  const progress = (a: { code: string }) => ents.find((e) => e.code === a.code)!.index % 5; // 0 just filed … 3 finished, 4 returned
  const ok = '材料齐全，符合法定条件，同意。';
  const decide = (dept: string, app: string, stage: string, decision = 'approve', opinion = ok) =>
    s.staff(dept, 'approver1', 'approval.decide', { app, stage, decision, opinion, evidence: [{ type: 'dossierView', ref: `demo:${app}` }] });

  // Inspections: ad hoc checks with findings; major ones open cases at enforcement by rule.
  // (Not the builders with applications: a severe finding could drop one below the grade a later stage requires.)
  const inspected = ents.filter((e) => e.index % 9 === 4 && !builders.includes(e));
  s.nextDay();
  const inspections = await s.round([
    ...construction.filter((a) => progress(a) >= 1 && progress(a) <= 3).map((a) => decide('housing', a.id, 'landUse')),
    ...construction.filter((a) => progress(a) === 4).map((a) => decide('housing', a.id, 'landUse', 'return', '请补充项目用地红线图及规划条件核实意见。')),
    ...foodApps.filter((a) => !a.postCheck && progress(a) !== 0).map((a) => s.staff('market', 'approver1', 'approval.decide', { app: a.id, stage: 'review', decision: progress(a) === 4 ? 'reject' : 'approve', opinion: progress(a) === 4 ? '经营场所布局不符合食品安全要求，不予许可。' : ok, evidence: [] })),
    ...foodApps.filter((a) => a.postCheck && progress(a) >= 2).map((a) => s.staff('market', 'inspector1', 'inspection.record', { inspection: a.postCheck, result: progress(a) === 3 ? 'fail' : 'pass', findings: progress(a) === 3 ? [{ severity: 'minor', category: '告知承诺核查', description: '从业人员健康证明不全，与承诺不符' }] : [] })),
    ...inspected.map((e, k) => s.staff(e.industry.kind === 'construction' ? 'housing' : 'market', 'inspector1', 'inspection.record', inspectionOf(e, k))),
  ]);
  const cases = inspections.flatMap((row) => row.events.flatMap((e) => (e.type === 'inspection.recorded' ? (e.data as { cases: string[] }).cases : [])));

  s.nextDay();
  await s.round([
    ...construction.filter((a) => progress(a) === 2 || progress(a) === 3).flatMap((a) => [decide('housing', a.id, 'planning'), decide('market', a.id, 'qualification'), decide('enforcement', a.id, 'siteManagement')]),
    ...construction.filter((a) => progress(a) === 1).map((a) => decide('housing', a.id, 'planning')),
    ...construction.filter((a) => progress(a) === 4).map(async (a) => s.ent(ents.find((e) => e.code === a.code)!, 'approval.supplement', { app: a.id, note: await seal('已补充用地红线图及规划条件核实意见。', await appSealRecipients(node('service').view(), node('service').genesis, a.id)) })),
    ...cases.filter((_, k) => k % 3 !== 2).map((id, k) => s.staff('enforcement', 'enforcer1', 'case.decide', k % 2 === 0
      ? { case: id, type: 'penalty', penaltyFen: String((2 + (k % 5)) * 1_000_000), legalBasis: '《城市市容和环境卫生管理条例》第三十六条', opinion: '责令限期改正，并处罚款。' }
      : { case: id, type: 'warning', penaltyFen: '0', legalBasis: '《中华人民共和国行政处罚法》第三十三条', opinion: '初次违法且危害后果轻微，予以警告。' })),
  ]);
  s.nextDay();
  await s.round([
    ...construction.filter((a) => progress(a) === 3).map((a) => decide('housing', a.id, 'constructionPermit')),
    ...cases.filter((_, k) => k % 3 === 0).map((id) => s.staff('enforcement', 'enforcer1', 'case.close', { case: id, outcome: 'paid', note: '罚款已缴纳，现场已整改。' })),
  ]);
  s.nextDay();
  await s.round(construction.filter((a) => progress(a) === 3).flatMap((a) => [decide('housing', a.id, 'completion'), decide('enforcement', a.id, 'completionSite')]));
  s.nextDay();
  await s.round(ents.filter((e) => e.index % 25 === 1).map((e) => s.staff('housing', 'approver1', 'dossier.view', { code: e.code, purpose: '工程建设审批前置信用核查', sections: ['profile', 'licences', 'credit'] })));

  o.log?.(`approval demo: ${n} enterprises, ${appOf.size} applications, ${inspections.length} inspections, ${cases.length} cases in ${Date.now() - t0} ms`);
}

function filingOf(e: DemoEnterprise, material: MaterialDraft, members: string[]): FilingDraft {
  return {
    code: e.code,
    profile: e.profile,
    materials: [material],
    commitments: [{ id: 'truthful', title: '申报材料真实性承诺书', text: '本企业承诺所提交的全部材料真实、合法、有效，如有虚假，自愿承担相应法律责任并接受信用惩戒。', accepted: true }],
    // A consent names the department that may ask (the holder answers): housing for approvals, econ for subsidies.
    consents: [
      { dept: 'housing', field: 'tax.paid', purpose: '工程建设审批资格核验' },
      { dept: 'housing', field: 'hrss.insured', purpose: '工程建设审批资格核验' },
      { dept: 'econ', field: 'tax.paid', purpose: '惠企政策兑现资格核验' },
      { dept: 'econ', field: 'hrss.insured', purpose: '惠企政策兑现资格核验' },
    ].filter((c) => members.includes(c.dept)),
  };
}

function inspectionOf(e: DemoEnterprise, k: number) {
  const construction = e.industry.kind === 'construction';
  const severity = (['minor', 'minor', 'major', 'minor', 'severe'] as const)[k % 5];
  const finding = construction
    ? { severity, category: '扬尘治理', description: severity === 'minor' ? '工地出入口冲洗设施未正常使用' : '裸土未覆盖，渣土车辆未密闭运输', legalBasis: '《中华人民共和国大气污染防治法》第六十九条' }
    : { severity, category: '食品安全', description: severity === 'minor' ? '进货查验记录不完整' : '使用超过保质期的食品原料', legalBasis: '《中华人民共和国食品安全法》第一百二十四条' };
  return { code: e.code, subject: construction ? '在建工地文明施工检查' : '食品经营日常监督检查', result: k % 4 === 0 ? 'pass' : 'rectify', findings: k % 4 === 0 ? [] : [finding] };
}

/** Submits a round of transactions at once and waits for all their receipts. */
class Seeder {
  private nonce = Date.now() * 1000;

  constructor(
    private readonly p: Platform,
    private readonly clock?: DemoTime,
  ) {}

  /** The next round happens a day later (when the clock is the demo's). */
  nextDay(): void {
    this.clock?.advance(DAY);
  }

  /** Signed by the department's node for its staff, sealing staff-written text as the routes do. */
  async staff(dept: string, user: string, kind: string, payload: Record<string, unknown>): Promise<[ChainNode, Tx]> {
    const node = this.p.node(dept);
    return [node, node.signAs(user, kind, await sealStaffPayload(node.modulePort(), kind, payload))];
  }

  ent(e: DemoEnterprise, kind: string, payload: Record<string, unknown>): [ChainNode, Tx] {
    const node = this.p.node('service');
    return [node, signTx({ chain: node.genesis.chain, kind, payload, signer: e.publicKey, nonce: ++this.nonce, time: this.clock?.now() ?? Date.now() }, e.privateKey, ed25519Suite)];
  }

  async round(pending: ([ChainNode, Tx] | Promise<[ChainNode, Tx]>)[]) {
    const items = await Promise.all(pending);
    const ids: [ChainNode, string][] = [];
    // Consecutive transactions to one node go to the log in one write, in the same order.
    for (let i = 0; i < items.length; ) {
      const node = items[i][0];
      let j = i;
      while (j < items.length && items[j][0] === node) j++;
      for (const { id } of await node.submitMany(items.slice(i, j).map(([, tx]) => tx))) ids.push([node, id]);
      i = j;
    }
    const rows = await Promise.all(ids.map(([node, id]) => node.waitFor(id, 'receipt', 120_000)));
    const failed = rows.filter((r) => r.status !== 'ok');
    if (failed.length) throw new Error(`demo seeding: ${failed.length} rejected, first ${failed[0].kind} ${failed[0].code}: ${failed[0].reason}`);
    // The next round seals to recipients read from each signing node's own state: every node
    // first reaches this round's blocks, or a slower one seals to the records as they were.
    const top = Math.max(0, ...rows.map((r) => r.height));
    while (this.p.nodes.some((n) => n.height < top)) await new Promise((r) => setTimeout(r, 20));
    return rows;
  }
}
