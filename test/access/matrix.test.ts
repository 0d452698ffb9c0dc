import assert from 'node:assert/strict';
import { get as httpGet } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import type { Role } from '../../server/chain/schema.ts';
import type { Platform } from '../../server/platform.ts';
import { filingDraftOf, filingOf, registerEnterprise } from '../approval/support.ts';
import { filingSealRecipients, sealFiling } from '../../server/approval/filingSeal.ts';
import { apply, commitTaxAndInsured, login, payoutFiling, publish, startPayoutPlatform, TestClock, until, type Session, type TestEnterprise } from '../payout/support.ts';
import { TEST_PASSWORD } from '../support/platform.ts';
import { TEST_STATUTES } from '../privacy/support.ts';
import { stateKindOf, unclassifiedStateLeaves } from '../../server/chain/classification.ts';
import { STATE_CLASSES } from '../../server/http/stateClasses.ts';

/**
 * Every staff role of every department, and two enterprises, against every read route the node
 * documents in /openapi.json, with records of another department and of enterprise A seeded with
 * recognisable values. A value may appear in an answer only to a caller with a basis for it; an
 * auditor's look with a purpose is tried separately, since it is recorded.
 */

const DEPTS = ['market', 'tax', 'hrss', 'housing', 'enforcement', 'econ', 'finance', 'audit', 'service'];
const STAFF_ROLES: Role[] = ['admin', 'approver', 'inspector', 'enforcer', 'policy', 'expert', 'finance', 'auditor', 'clerk', 'holder'];

const M = {
  phone: '13977770001',
  legalRep: '标记法人甲乙',
  finding: '标记发现消防通道堵塞',
  reasoning: '标记理由违规占道经营',
  account: '6222777788889999',
  purpose: '标记目的核验纳税资格',
};
type Marker = keyof typeof M;

interface Caller {
  key: string;
  dept: string;
  role: Role | 'enterprise';
  id: string;
  s: Session;
}

describe('access matrix: no personal or party-only value reaches a caller without a basis', () => {
  let p: Platform;
  const clock = new TestClock();
  const callers: Caller[] = [];
  let a: TestEnterprise;
  let b: TestEnterprise;
  const ids: Record<string, string> = {};
  const txs: string[] = [];

  before(async () => {
    // the statute names the question asked below, as governance would (server/privacy-query/config.ts)
    p = await startPayoutPlatform({ clock, keys: false, config: { privacy: { statutes: TEST_STATUTES } } });
    // one user of every staff role in every department that may have it, registered and signed in all at once
    const seats = DEPTS.flatMap((dept) => STAFF_ROLES.filter((role) => role !== 'auditor' || dept === 'audit').map((role) => ({ dept, role, id: role === 'admin' ? 'admin' : `m-${role}` })));
    await Promise.all(seats.filter((x) => x.role !== 'admin').map((x) => p.node(x.dept).submitAs('admin', 'user.register', { id: x.id, name: `${x.dept}-${x.role}`, role: x.role })));
    await Promise.all(seats.filter((x) => x.role !== 'admin').map((x) => p.auths.get(x.dept)!.setPassword(x.id, TEST_PASSWORD)));
    for (const x of seats) callers.push({ key: `${x.dept}/${x.role}`, dept: x.dept, role: x.role, id: x.id, s: undefined as unknown as Session });
    await Promise.all(callers.map(async (c) => (c.s = await login(p, c.dept, c.id))));
    const clerk = await login(p, 'service', 'clerk1');
    a = await registerEnterprise(p, clerk, 901, '滨江标记甲科技有限公司');
    b = await registerEnterprise(p, clerk, 902, '滨江标记乙科技有限公司');
    const fa = await payoutFiling(a);
    // the marked personal fields, sealed as the enterprise's browser seals them
    const draft = filingDraftOf(a);
    const node = p.nodes[0];
    const marked = await sealFiling(
      { ...draft, profile: { ...draft.profile, legalRepresentative: M.legalRep, contacts: [{ name: '联系人', role: '办事员', phone: M.phone, email: 'marker@example.cn' }] } },
      await filingSealRecipients(node.view(), node.genesis),
    );
    const filed = await a.submit('filing.submit', { ...fa, profile: { ...fa.profile, personal: marked.profile.personal } } as unknown as Record<string, unknown>);
    assert.equal(filed.status, 200, JSON.stringify(filed.body));
    txs.push(filed.body.id);
    await b.submit('filing.submit', (await filingOf(b)) as unknown as Record<string, unknown>).expect(200);

    const inspector = await login(p, 'market', 'inspector1');
    const insp = await inspector.post('/market/api/approval/inspections/adhoc', { code: a.code, subject: '消防检查', result: 'rectify', findings: [{ severity: 'minor', category: '消防', description: M.finding }] });
    assert.equal(insp.status, 201, JSON.stringify(insp.body));
    ids.inspection = insp.body.records[0].slice(5);
    txs.push(insp.body.tx ?? insp.body.id);

    const enforcer = await login(p, 'enforcement', 'enforcer1');
    const c = await enforcer.post('/enforcement/api/approval/cases', { code: a.code, subject: '群众投诉', severity: 'minor' }).expect(201);
    ids.case = c.body.records[0].slice(5);
    const d = await enforcer.post(`/enforcement/api/approval/cases/${ids.case}/decision`, { type: 'warning', legalBasis: '《城市市容和环境卫生管理条例》第十四条', opinion: M.reasoning });
    assert.equal(d.status, 200, JSON.stringify(d.body));
    txs.push(d.body.tx ?? d.body.id);

    const policy = await login(p, 'econ', 'policy1');
    const pol = await publish(policy, { publicityDays: 7 });
    ids.policy = pol;
    ids.application = await apply(p, a, pol, { payee: { name: a.name, account: M.account, bankName: '中国工商银行滨江江南支行', bankCode: '102331000013' } });
    const dec = await policy.post(`/econ/api/payout/applications/${ids.application}/decision`, { decision: 'approve', amountFen: '100000', reasons: '符合条件' }).expect(200);
    ids.award = dec.body.award;
    await policy.post(`/econ/api/payout/policies/${pol}/publicise`, {}).expect(201);

    await commitTaxAndInsured(p, [{ code: a.code, taxFen: '200000000', insured: 30 }]);
    const q = await policy.post('/econ/api/privacy/queries', { enterprise: a.code, field: 'tax.paid', period: '2025', predicate: { kind: 'gte', params: { threshold: '100000000' } }, purpose: M.purpose, basis: { type: 'statute', rule: 'payout-tax' } });
    assert.equal(q.status, 201, JSON.stringify(q.body));
    ids.query = q.body.id;
    txs.push(q.body.id);

    const housing = await login(p, 'housing', 'approver1');
    await housing.get(`/housing/api/approval/dossier/${a.code}?purpose=${encodeURIComponent('工程建设审批前置核查')}`).expect(200);

    for (const t of [...txs]) {
      const row = await until(`tx ${t}`, () => p.node('market').store.tx(t));
      ids[`h${row.height}`] = String(row.height);
    }
    callers.push({ key: 'enterprise A', dept: 'econ', role: 'enterprise', id: a.code, s: await a.login('econ') });
    callers.push({ key: 'enterprise B', dept: 'econ', role: 'enterprise', id: b.code, s: await b.login('econ') });
  });
  after(() => p.stop());

  /**
   * Who has a basis for each value, besides enterprise A itself. Module rules: the one window
   * (service clerks) keeps filings; the department that recorded an inspection or decided a case
   * reads it in its lists (its admin and the person who acted also through the explorer), the
   * finance office pays the award; the asking department reads its question; audit reads the
   * module's records (the ledger's content only with a recorded purpose).
   */
  const basis = (c: Caller, m: Marker): boolean => {
    if (c.role === 'enterprise') return c.id === a.code;
    if (c.dept === 'audit' && c.role === 'auditor') return true;
    switch (m) {
      case 'phone':
      case 'legalRep':
        return c.dept === 'service' && (c.role === 'clerk' || c.role === 'admin');
      case 'finding':
        return c.dept === 'market' && ['admin', 'approver', 'inspector', 'enforcer'].includes(c.role);
      case 'reasoning':
        return c.dept === 'enforcement' && ['admin', 'approver', 'inspector', 'enforcer'].includes(c.role);
      case 'account':
        return c.dept === 'finance' && c.role === 'finance';
      case 'purpose':
        return (c.dept === 'econ' && ['admin', 'policy', 'approver', 'inspector', 'enforcer', 'finance', 'clerk', 'holder'].includes(c.role)) || (c.dept === 'tax' && ['admin', 'holder', 'approver', 'inspector', 'enforcer', 'policy', 'finance', 'clerk'].includes(c.role));
    }
  };

  const fill = (path: string, c: Caller): string[] => {
    const rel = path.replace('/{dept}/api', '');
    const one = (v: Record<string, string>) => rel.replace(/\{(\w+)\}/g, (_, k: string) => v[k] ?? 'none');
    if (rel.startsWith('/tx/')) return txs.map((id) => one({ id }));
    if (rel.startsWith('/blocks/')) return Object.keys(ids).filter((k) => /^h\d+$/.test(k)).map((k) => one({ ref: ids[k] }));
    if (rel.includes('/inspections/')) return [one({ id: ids.inspection })];
    if (rel.includes('/cases/')) return [one({ id: ids.case })];
    if (rel.includes('/payout/applications/')) return [one({ id: ids.application })];
    if (rel.includes('/awards/')) return [one({ id: ids.award })];
    if (rel.includes('/privacy/queries/')) return [one({ id: ids.query })];
    return [one({ code: a.code, id: ids.application, ref: '1' })];
  };

  test('every documented read route, every caller', async () => {
    const docs = (await request(p.app.callback()).get('/openapi.json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    const reads = Object.entries(docs.paths)
      .filter(([path, methods]) => 'get' in methods && path.startsWith('/{dept}/api') && !/stream|\/events$|\/verify\//.test(path))
      .map(([path]) => path);
    assert.ok(reads.length > 30, `only ${reads.length} read routes documented`);
    const leaks: string[] = [];
    let answered = 0;
    const sweep = async (c: Caller) => {
      for (const path of reads) {
        for (const url of fill(path, c)) {
          const res = await c.s.get(`/${c.dept}/api${url}`);
          if (res.status === 200) answered++;
          const text = res.text ?? JSON.stringify(res.body);
          for (const m of Object.keys(M) as Marker[]) {
            if (text.includes(M[m]) && !basis(c, m)) leaks.push(`${c.key} ${url}: ${m}`);
          }
        }
      }
    };
    for (let i = 0; i < callers.length; i += 4) await Promise.all(callers.slice(i, i + 4).map(sweep));
    assert.ok(answered > callers.length * 5, `only ${answered} answers`);
    assert.deepEqual(leaks, []);
  });

  test('the explorer gives the envelope only to a caller without a basis, the content to the signer', async () => {
    const inspTx = txs[1];
    const holder = callers.find((c) => c.key === 'econ/holder')!;
    const env = (await holder.s.get(`/econ/api/tx/${inspTx}`).expect(200)).body;
    assert.equal(env.redacted, true);
    assert.equal(env.signerDept, 'market');
    assert.equal(env.kind, 'inspection.record');
    for (const k of ['tx', 'events', 'reason', 'changes', 'signer', 'actor']) assert.equal(env[k], undefined, k);
    const marketAdmin = callers.find((c) => c.key === 'market/admin')!;
    const full = (await marketAdmin.s.get(`/market/api/tx/${inspTx}`).expect(200)).body;
    assert.equal(full.redacted, false);
    assert.equal(full.basis, 'signer');
    // the transaction itself: the finding's text travels sealed (the read models open it for recipients)
    assert.equal(full.tx.payload.findings[0].description.sealed, 1);
    assert.ok(!JSON.stringify(full).includes(M.finding));
    const sameDeptExpert = callers.find((c) => c.key === 'market/expert')!;
    assert.equal((await sameDeptExpert.s.get(`/market/api/tx/${inspTx}`).expect(200)).body.redacted, true);
  });

  test('an auditor sees the content only with a purpose, and the look lands in the enterprise\'s data-use record', async () => {
    const auditor = callers.find((c) => c.key === 'audit/auditor')!;
    const inspTx = txs[1];
    const plain = (await auditor.s.get(`/audit/api/tx/${inspTx}`).expect(200)).body;
    assert.equal(plain.redacted, true);
    assert.equal(plain.needsPurpose, true);
    assert.equal((await auditor.s.get(`/audit/api/tx/${inspTx}?purpose=ab`)).body.code, 'BAD_PURPOSE');
    const looked = (await auditor.s.get(`/audit/api/tx/${inspTx}?purpose=${encodeURIComponent('专项审计：监管执法抽查')}`).expect(200)).body;
    assert.equal(looked.basis, 'audit');
    assert.equal(looked.tx.payload.findings[0].description.sealed, 1, 'the content, with the finding sealed');
    assert.ok(!JSON.stringify(looked).includes(M.finding));
    assert.match(looked.auditViewTx, /^[0-9a-f]{64}$/);
    await until('audit view committed', () => p.node('econ').store.tx(looked.auditViewTx));
    const ent = callers.find((c) => c.key === 'enterprise A')!;
    const use = await until('data use', async () => {
      const r = (await ent.s.get('/econ/api/me/data-use?limit=100').expect(200)).body;
      return r.items.some((x: { type: string }) => x.type === 'audit') ? r : undefined;
    });
    const audit = use.items.find((x: { type: string }) => x.type === 'audit');
    assert.equal(audit.purpose, '专项审计：监管执法抽查');
    assert.equal(audit.dept.name, p.node('audit').genesis.members.find((m) => m.dept === 'audit')!.name);
    assert.equal(audit.person, 'audit-auditor');
    const dossier = use.items.find((x: { type: string }) => x.type === 'dossier');
    assert.deepEqual([dossier.dept.id, dossier.person, dossier.purpose], ['housing', '吴住建', '工程建设审批前置核查']);
    const question = use.items.find((x: { type: string }) => x.type === 'question');
    assert.equal(question.purpose, M.purpose);
    assert.equal(question.dept.id, 'econ');
    assert.match(question.question, /2025/);
    for (let i = 1; i < use.items.length; i++) assert.ok(use.items[i - 1].time >= use.items[i].time, 'newest first');
    // B sees nothing of A's
    const other = callers.find((c) => c.key === 'enterprise B')!;
    const bUse = (await other.s.get('/econ/api/me/data-use').expect(200)).body;
    assert.ok(!JSON.stringify(bUse).includes(M.purpose));
    assert.equal((await auditor.s.get('/audit/api/me/data-use')).status, 403);
  });

  test('module pages that show an auditor other departments\' records want a purpose and record the look', async () => {
    const auditor = callers.find((c) => c.key === 'audit/auditor')!;
    const pages = [
      '/approval/applications',
      `/approval/applications/${ids.appApproval ?? 'none'}`,
      '/approval/inspections',
      `/approval/inspections/${ids.inspection}`,
      '/approval/cases',
      `/approval/cases/${ids.case}`,
      `/approval/filings/${a.code}`,
      `/approval/credit/${a.code}`,
      '/payout/applications',
      `/payout/applications/${ids.application}`,
      '/payout/awards',
      `/payout/awards/${ids.award}`,
      '/payout/objections',
      '/payout/experts',
      '/payout/runs',
      `/payout/policies/${ids.policy}/reconciliation`,
      '/privacy/queries?scope=all',
      `/privacy/queries/${ids.query}`,
    ].filter((x) => !x.endsWith('/none'));
    for (const page of pages) {
      const bare = await auditor.s.get(`/audit/api${page}`);
      assert.equal(bare.status, 400, `${page} without a purpose: ${bare.status}`);
      assert.equal(bare.body.code, 'PURPOSE_REQUIRED', page);
      assert.deepEqual(Object.keys(bare.body).sort(), ['code', 'message'], `${page} answers nothing but the refusal`);
      assert.equal((await auditor.s.get(`/audit/api${page}${page.includes('?') ? '&' : '?'}purpose=ab`)).body.code, 'BAD_PURPOSE', page);
    }
    const purpose = '专项审计：模块页面抽查';
    const recorded: string[] = [];
    for (const page of pages) {
      const res = await auditor.s.get(`/audit/api${page}`).set('x-audit-purpose', encodeURIComponent(purpose));
      assert.equal(res.status, 200, `${page}: ${JSON.stringify(res.body)}`);
      const tx = res.body.auditViewTx ?? res.headers['x-audit-view-tx'];
      assert.match(String(tx), /^[0-9a-f]{64}$/, `${page} names its audit view`);
      recorded.push(tx);
    }
    const node = p.node('econ');
    const subjects: string[] = [];
    for (const id of recorded) {
      const row = await until(`audit view ${id}`, () => node.store.tx(id));
      assert.equal(row.kind, 'audit.view');
      assert.equal(row.status, 'ok');
      const payload = (JSON.parse(row.raw) as { payload: { subject: string; purpose: string; records?: string[] } }).payload;
      assert.equal(payload.purpose, purpose);
      subjects.push(payload.subject);
    }
    assert.ok(subjects.includes('list:approval/inspections'), subjects.join());
    assert.ok(subjects.includes(`record:${ids.inspection}`), subjects.join());
    assert.ok(subjects.includes('list:privacy/queries?scope=all'), subjects.join());
    // the enterprise finds the looks at its records in its data-use record
    const ent = callers.find((c) => c.key === 'enterprise A')!;
    await until('module looks in the data-use record', async () => {
      const r = (await ent.s.get('/econ/api/me/data-use?limit=100').expect(200)).body as { items: { type: string; subject?: string; purpose: string }[] };
      const mine = r.items.filter((x) => x.type === 'audit' && x.purpose === purpose).map((x) => x.subject);
      return mine.includes(`record:${ids.inspection}`) && mine.includes('list:approval/cases') && mine.includes(`record:${ids.award}`) ? true : undefined;
    });
  });

  test('an audit look at an inspection gets audit a share of its sealed text, opened for the auditor only', async () => {
    const auditor = callers.find((c) => c.key === 'audit/auditor')!;
    const purpose = encodeURIComponent('专项审计：检查记录核对');
    const audit = p.node('audit');
    await auditor.s.get(`/audit/api/approval/inspections/${ids.inspection}?purpose=${purpose}`).expect(200);
    const shareKey = `seal/share/record/${ids.inspection}/audit`;
    const share = await until('the share to audit', () => audit.view().get<{ fields: Record<string, { basis: { auditView: string }; by: { dept: string } }> }>(shareKey));
    assert.ok(share.fields['findings.0.description'], Object.keys(share.fields).join());
    // its basis: a recorded look by an auditor at this very inspection (the first one, made above or by the module pages)
    const basis = await audit.view().get<{ by: { dept: string; user: string }; records: string[] }>(`audit/view/${share.fields['findings.0.description'].basis.auditView}`);
    assert.deepEqual([basis?.by.dept, basis?.by.user, basis?.records.includes(ids.inspection)], ['audit', 'm-auditor', true]);
    assert.notEqual(share.fields['findings.0.description'].by.dept, 'audit');
    const again = (await auditor.s.get(`/audit/api/approval/inspections/${ids.inspection}?purpose=${purpose}`).expect(200)).body;
    assert.equal(again.findings[0].description, M.finding, 'the auditor reads the finding once audit holds a share');
    // the audit node's read model and state keep ciphertext only; the route opens it per look
    const cells = JSON.stringify(await audit.db('ap_inspections').select('json'));
    assert.ok(!cells.includes(M.finding));
    assert.ok(!JSON.stringify(await audit.db('state').where('k', shareKey).select('v')).includes(M.finding));
    // other staff of the audit department do not get it
    for (const key of ['audit/inspector', 'audit/admin', 'audit/approver']) {
      const c = callers.find((x) => x.key === key)!;
      const res = await c.s.get(`/audit/api/approval/inspections/${ids.inspection}?purpose=${purpose}`);
      assert.ok(!res.text.includes(M.finding), key);
    }
    // the payee account: an audit look at the award gets audit a share from the policy's department
    await auditor.s.get(`/audit/api/payout/awards/${ids.award}?purpose=${purpose}`).expect(200);
    await until('the payee share to audit', () => audit.view().get(`seal/share/record/${ids.award}/audit`));
    const award = (await auditor.s.get(`/audit/api/payout/awards/${ids.award}?purpose=${purpose}`).expect(200)).body;
    assert.equal(award.payee.account, M.account);
    // the policy department's decision reasons, sealed to itself, shown where the payout view marks them sealed
    await auditor.s.get(`/audit/api/payout/applications/${ids.application}?purpose=${purpose}`).expect(200);
    await until('the application shared to audit', () => audit.view().get(`seal/share/record/${ids.application}/audit`));
    const payoutApp = (await auditor.s.get(`/audit/api/payout/applications/${ids.application}?purpose=${purpose}`).expect(200)).body;
    assert.equal(payoutApp.decision.reasons, '符合条件');
    assert.equal(payoutApp.decision.reasonsSealed, undefined);
    assert.equal(payoutApp.payee, undefined, 'an application carries the payee to the applicant only');
    // the window's note on how the enterprise was verified: the enterprise's record, named by its code
    const brief = (await auditor.s.get(`/audit/api/approval/enterprises/${a.code}`).expect(200)).body;
    assert.deepEqual([brief.needsPurpose, brief.verification, brief.keys], [true, undefined, undefined]);
    await auditor.s.get(`/audit/api/approval/enterprises/${a.code}?purpose=${purpose}`).expect(200);
    await until('the window\'s note shared to audit', () => audit.view().get(`seal/share/record/${a.code}/audit`));
    const ent = (await auditor.s.get(`/audit/api/approval/enterprises/${a.code}?purpose=${purpose}`).expect(200)).body;
    assert.equal(ent.verification.note, '法定代表人身份证原件核验');
    const policyOfficer = callers.find((x) => x.key === 'audit/policy')!;
    assert.ok(!(await policyOfficer.s.get(`/audit/api/payout/awards/${ids.award}`)).text.includes(M.account));
  });

  test('a share to audit needs a recorded audit look at that record', async () => {
    const market = p.node('market');
    const insp = await market.view().get<{ findings: { description: { commit: string } }[] }>(`insp/${ids.inspection}`);
    const { reseal } = await import('../../server/chain/sealing/envelope.ts');
    const { openSealed } = await import('../../server/chain/sealing/openSealed.ts');
    const opened = (await openSealed(insp!.findings[0].description as never, market.keyring))!;
    const fields = [{ path: 'findings.0.description', sealed: await reseal(opened.value, opened.salt, market.sealRecipients(['audit'])) }];
    const bogus = await market.submitAs(undefined, 'seal.share', { record: ids.inspection, to: 'audit', basis: { purpose: '无依据', auditView: '0'.repeat(64) }, fields });
    assert.equal(bogus.receipt!.code, 'SEAL_NO_BASIS');
    const toOther = await market.submitAs(undefined, 'seal.share', { record: ids.inspection, to: 'econ', basis: { purpose: '无依据', auditView: '0'.repeat(64) }, fields });
    assert.equal(toOther.receipt!.code, 'SEAL_NO_BASIS');
    // with a real look as basis: only a recipient shares, and only the value the record holds
    const looks = await market.store.scan('audit/view/');
    const look = looks.find((l) => (l.value as { records: string[] }).records.includes(ids.inspection))!;
    const basis = { purpose: '专项审计', auditView: look.key.slice('audit/view/'.length) };
    const econ = p.node('econ');
    const notHolder = await econ.submitAs(undefined, 'seal.share', { record: ids.inspection, to: 'audit', basis, fields: [{ path: 'findings.0.description', sealed: await reseal(opened.value, opened.salt, econ.sealRecipients(['audit'])) }] });
    assert.equal(notHolder.receipt!.code, 'SEAL_NOT_HOLDER');
    const other = await market.submitAs(undefined, 'seal.share', { record: ids.inspection, to: 'audit', basis, fields: [{ path: 'findings.0.description', sealed: await reseal('另一段文字', opened.salt, market.sealRecipients(['audit'])) }] });
    assert.equal(other.receipt!.code, 'SEAL_COMMIT_MISMATCH');
    const wrongKey = await market.submitAs(undefined, 'seal.share', { record: ids.inspection, to: 'audit', basis, fields: [{ path: 'findings.0.description', sealed: await reseal(opened.value, opened.salt, market.sealRecipients(['audit', 'econ'])) }] });
    assert.equal(wrongKey.receipt!.code, 'SEAL_RECIPIENTS');
    const noField = await market.submitAs(undefined, 'seal.share', { record: ids.inspection, to: 'audit', basis, fields: [{ path: 'result', sealed: fields[0].sealed }] });
    assert.equal(noField.receipt!.code, 'SEAL_NO_FIELD');
  });

  test('every version of every state record this chain holds is classified, shares and audit looks included', async () => {
    const db = p.node('market').db;
    const rows: { k: string; v: string }[] = [...(await db('state').select('k', 'v')), ...(await db('state_history').whereNotNull('new_v').select('k', 'new_v as v'))];
    const prefixes = new Set(rows.map((r) => stateKindOf(STATE_CLASSES, r.k)?.prefix));
    for (const x of ['insp/', 'case/', 'seal/share/record/', 'audit/view/', 'pq/query/', 'pay/award/']) assert.ok(prefixes.has(x), x);
    const missing = new Set<string>();
    for (const r of rows) for (const leaf of unclassifiedStateLeaves(STATE_CLASSES, r.k, JSON.parse(r.v))) missing.add(`${stateKindOf(STATE_CLASSES, r.k)?.prefix ?? r.k}: ${leaf}`);
    assert.deepEqual([...missing], []);
  });

  test('the auditor role exists only in the audit department', async () => {
    const res = await p.node('market').submitAs('admin', 'user.register', { id: 'aud-x', name: '审计', role: 'auditor' });
    assert.equal(res.receipt!.status, 'rejected');
    assert.equal(res.receipt!.code, 'AUDITOR_OUTSIDE_AUDIT');
    assert.equal(await p.node('market').view().get('user/market/aud-x'), undefined);
  });

  test('the block stream carries kinds, never content', async () => {
    const server = await p.listen(0);
    const port = (server.address() as AddressInfo).port;
    const c = callers.find((x) => x.key === 'econ/expert')!;
    const chunks: string[] = [];
    const req = httpGet({ host: '127.0.0.1', port, path: '/econ/api/chain/stream', headers: { cookie: c.s.cookie } }, (res) => res.on('data', (d: Buffer) => chunks.push(d.toString())));
    await new Promise((r) => setTimeout(r, 200));
    const inspector = await login(p, 'market', 'inspector1');
    await inspector.post('/market/api/approval/inspections/adhoc', { code: a.code, subject: '复查', result: 'rectify', findings: [{ severity: 'minor', category: '消防', description: M.finding }] }).expect(201);
    await until('a block event', async () => chunks.join('').includes('event: block'));
    req.destroy();
    const text = chunks.join('');
    assert.ok(text.includes('inspection.record'));
    for (const m of Object.keys(M) as Marker[]) assert.ok(!text.includes(M[m]), m);
    assert.ok(!text.includes(a.code));
  });
});
