import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import type { Platform } from '../../server/platform.ts';
import { fileOnce, login, registerEnterprise, startApprovalPlatform, type Session, type TestEnterprise, supplementOf } from './support.ts';

/**
 * Every list, detail and export tried with someone else's ids: another enterprise, another
 * department, a role without access, nobody signed in. The answer is 401/403/404 and the body
 * carries nothing of the record.
 */
describe('access: nobody sees what is not theirs', () => {
  let p: Platform;
  let a: TestEnterprise;
  let b: TestEnterprise;
  const ids: Record<string, string> = {};
  const s: Record<string, Session> = {};

  before(async () => {
    p = await startApprovalPlatform();
    const clerk = await login(p, 'service', 'clerk1');
    a = await registerEnterprise(p, clerk, 51, '滨江金桥食品有限公司');
    b = await registerEnterprise(p, clerk, 52, '滨江博远科技有限公司');
    ids.material = (await fileOnce(a)).hash;
    await fileOnce(b);
    const app = await a.submit('approval.apply', { process: 'foodLicence', project: { name: '门店' } });
    ids.app = app.body.records[0].slice(4);
    s.marketInspector = await login(p, 'market', 'inspector1');
    const insp = await s.marketInspector.post('/market/api/approval/inspections/adhoc', { code: a.code, subject: '检查', result: 'pass' }).expect(201);
    ids.inspection = insp.body.records[0].slice(5);
    s.enforcer = await login(p, 'enforcement', 'enforcer1');
    const c = await s.enforcer.post('/enforcement/api/approval/cases', { code: a.code, subject: '群众投诉：占道经营', severity: 'minor' }).expect(201);
    ids.case = c.body.records[0].slice(5);
    s.b = await b.login();
    s.a = await a.login();
    s.housingApprover = await login(p, 'housing', 'approver1');
    s.housingInspector = await login(p, 'housing', 'inspector1');
    s.finance = await login(p, 'finance', 'finance1');
    s.policy = await login(p, 'econ', 'policy1');
    s.marketApprover = await login(p, 'market', 'approver1');
  });
  after(() => p.stop());

  const leaks = (body: unknown) => {
    const text = JSON.stringify(body ?? '');
    return [a.code, ids.app, ids.inspection, ids.case, '滨江金桥'].filter((x) => text.includes(x));
  };

  // who, dept of the node asked, path, expected status
  const cases = (): [string, string, string, number][] => [
    ['b', 'service', `/approval/enterprises/${a.code}`, 404],
    ['b', 'service', `/approval/filings/${a.code}`, 404],
    ['b', 'service', `/approval/credit/${a.code}`, 404],
    ['b', 'service', `/approval/dossier/${a.code}`, 404],
    ['b', 'service', `/approval/dossier/${a.code}/export`, 404],
    ['b', 'service', `/approval/materials/${ids.material}`, 404],
    ['b', 'service', `/approval/applications/${ids.app}`, 404],
    ['b', 'service', `/approval/inspections/${ids.inspection}`, 404],
    ['b', 'service', `/approval/cases/${ids.case}`, 404],
    ['b', 'service', '/approval/enterprises', 403],
    ['b', 'service', '/approval/worklist', 403],
    ['housingApprover', 'housing', `/approval/applications/${ids.app}`, 404],
    ['housingApprover', 'housing', `/approval/filings/${a.code}`, 403],
    ['housingApprover', 'housing', `/approval/credit/${a.code}`, 403],
    ['housingInspector', 'housing', `/approval/inspections/${ids.inspection}`, 404],
    ['housingInspector', 'housing', `/approval/cases/${ids.case}`, 404],
    ['marketInspector', 'market', `/approval/cases/${ids.case}`, 404],
    ['marketApprover', 'market', `/approval/cases/${ids.case}`, 404],
    ['finance', 'finance', `/approval/dossier/${a.code}?purpose=${encodeURIComponent('随便看看企业')}`, 403],
    ['finance', 'finance', '/approval/enterprises', 403],
    ['finance', 'finance', '/approval/applications', 403],
    ['finance', 'finance', '/approval/applications/export', 403],
    ['finance', 'finance', '/approval/inspections', 403],
    ['finance', 'finance', '/approval/cases', 403],
    ['policy', 'econ', `/approval/materials/${ids.material}?purpose=${encodeURIComponent('政策审查材料')}`, 403],
    ['policy', 'econ', `/approval/applications/${ids.app}`, 403],
  ];

  test('details and exports of others are refused without leaking', async () => {
    for (const [who, dept, path, status] of cases()) {
      const res = await s[who].get(`/${dept}/api${path}`);
      assert.equal(res.status, status, `${who} GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.deepEqual(leaks(res.body), [], `${who} GET ${path} leaked`);
      assert.ok(res.body.code, 'a code');
    }
  });

  test('lists and CSV exports are scoped to the caller', async () => {
    for (const path of ['/service/api/approval/applications', '/service/api/approval/inspections', '/service/api/approval/cases']) {
      const res = await s.b.get(path).expect(200);
      assert.deepEqual(leaks(res.body), [], `enterprise b listed ${path}`);
    }
    const own = await s.a.get('/service/api/approval/applications').expect(200);
    assert.equal(own.body.items.length, 1);
    const csvB = await s.b.get('/service/api/approval/applications/export').expect(200);
    assert.deepEqual(leaks(csvB.text), []);
    const csvHousing = await s.housingApprover.get('/housing/api/approval/applications/export').expect(200);
    assert.deepEqual(leaks(csvHousing.text), [], 'housing has no stage in the food licence');
    const csvMarket = await s.marketApprover.get('/market/api/approval/applications/export').expect(200);
    assert.ok(csvMarket.text.includes(ids.app), 'market owns the stage');
    const inspHousing = await s.housingInspector.get('/housing/api/approval/inspections').expect(200);
    assert.deepEqual(leaks(inspHousing.body), []);
    const casesHousing = await s.housingInspector.get('/housing/api/approval/cases').expect(200);
    assert.deepEqual(leaks(casesHousing.body), []);
    const worklist = await s.housingApprover.get('/housing/api/approval/worklist').expect(200);
    assert.deepEqual(leaks(worklist.body), []);
  });

  test('nobody signed in gets 401 everywhere but the signed-transaction endpoint', async () => {
    const http = request(p.app.callback());
    for (const [, , path] of cases()) {
      const res = await http.get(`/service/api${path}`);
      assert.equal(res.status, 401, path);
      assert.deepEqual(leaks(res.body), []);
    }
  });

  test('an enterprise cannot act for another: apply in its name, supplement its application', async () => {
    const sup = await b.submit('approval.supplement', await supplementOf(b, ids.app, '冒名补正'));
    assert.equal(sup.status, 403);
    assert.equal(sup.body.code, 'NOT_YOUR_RECORD');
    const filing = await b.submit('filing.amend', { code: a.code, baseVersion: 1, profile: {}, materials: [], commitments: [], consents: [] });
    assert.equal(filing.status, 400, 'malformed first');
  });
});
