import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ak } from '../../server/approval/stateKeys.ts';
import type { LicenceRecord } from '../../server/approval/records.ts';
import type { Platform } from '../../server/platform.ts';
import { login, type Session } from '../support/platform.ts';
import { buildXlsx } from './xlsx.ts';
import { csvOf, finished, HEADER, licenceRow, registerEnterprises, startImportPlatform, testCode, upload } from './support.ts';

let p: Platform;
let admin: Session;
let codes: string[];

before(async () => {
  p = await startImportPlatform();
  codes = await registerEnterprises(p, [501, 502, 503]);
  admin = await login(p, 'market', 'admin');
});
after(() => p.stop());

/** The licences on the market node that came from this source and number range. */
async function importedLicences(prefix: string): Promise<LicenceRecord[]> {
  const rows: { json: string }[] = await p.node('market').db('ap_licences').select('json');
  return rows.map((r) => JSON.parse(r.json) as LicenceRecord).filter((l) => l.imported?.number.startsWith(prefix));
}

test('a CSV of past licences goes on the chain as imported history in the department\'s name; importing it again changes nothing', async () => {
  const rows = codes.map((c, i) => licenceRow(c, 100 + i));
  const file = csvOf(rows);
  const started = await upload(admin, file).expect(202);
  assert.equal(started.body.total, 3);
  const { job, errors } = await finished(admin, started.body.id);
  assert.deepEqual(errors, []);
  assert.deepEqual([job.status, job.imported, job.skipped, job.failed], ['done', 3, 0, 0]);

  const lics = await importedLicences('SC-2019-00010');
  assert.equal(lics.length, 3);
  const one = lics.find((l) => l.code === codes[0])!;
  assert.equal(one.dept, 'market');
  assert.equal(one.app, undefined);
  assert.deepEqual(one.imported && { source: one.imported.source, number: one.imported.number, issuedOn: one.imported.issuedOn, by: one.imported.by }, { source: 'legacy-approval', number: 'SC-2019-000100', issuedOn: '2019-03-15', by: { dept: 'market', user: 'admin' } });
  assert.equal(one.validFrom, Date.UTC(2019, 2, 14, 16));
  assert.equal(one.validTo, Date.UTC(2024, 2, 14, 16) - 1);
  // the key of its origin names it, and its credit facts count it
  assert.deepEqual(await p.node('market').view().get(ak.importedLicence('market', 'legacy-approval', 'SC-2019-000100')), { licence: one.id, txId: (await p.node('market').view().get<{ txId: string }>(ak.importedLicence('market', 'legacy-approval', 'SC-2019-000100')))!.txId });
  const facts = await p.node('market').view().get<{ licences: Record<string, unknown> }>(ak.creditFacts(codes[0]));
  assert.ok(facts?.licences[ak.licence(one.id)]);

  // in the enterprise's dossier like any licence, marked as history
  const approver = await login(p, 'market', 'approver1');
  const dossier = await approver.get(`/market/api/approval/dossier/${codes[0]}?purpose=${encodeURIComponent('核对历史证照')}`).expect(200);
  const shown = (dossier.body.licences as LicenceRecord[]).find((l) => l.id === one.id);
  assert.equal(shown?.imported?.number, 'SC-2019-000100');

  // Counted by kind, not by height: the approver's dossier read above is recorded by a
  // transaction of its own, which may be ordered while the second import runs.
  const importTxs = async () => Number((await p.node('market').db('txs').where({ kind: 'licence.import' }).count({ n: '*' }).first())!.n);
  const before = await importTxs();
  const again = await upload(admin, file).expect(202);
  const second = await finished(admin, again.body.id);
  assert.deepEqual([second.job.status, second.job.imported, second.job.skipped, second.job.failed], ['done', 0, 3, 0]);
  assert.equal(await importTxs(), before, 'nothing was ordered the second time');
  assert.equal((await importedLicences('SC-2019-00010')).length, 3);

  const list = await admin.get('/market/api/imports').expect(200);
  assert.deepEqual(list.body.items.slice(0, 2).map((j: { id: string }) => j.id), [again.body.id, started.body.id]);
  assert.equal(list.body.items[0].fileHash, list.body.items[1].fileHash);
});

test('an XLSX file imports alike, dates as day numbers or text', async () => {
  const file = buildXlsx([HEADER, [codes[1], 'XL-1', 'foodBusiness', '食品经营许可证', 43539, '2030-01-31'], [codes[2], 'XL-2', 'foodBusiness', '食品经营许可证', '2020-05-01', 47000]]);
  const started = await upload(admin, file, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'source=legacy-approval&name=licences.xlsx').expect(202);
  const { job, errors } = await finished(admin, started.body.id);
  assert.deepEqual(errors, []);
  assert.equal(job.imported, 2);
  const lics = await importedLicences('XL-');
  assert.deepEqual(lics.map((l) => l.imported!.issuedOn).sort(), ['2019-03-15', '2020-05-01']);
});

test('bad rows are reported by row, column and code and write nothing; the good rows of the same file go on', async () => {
  const unknown = testCode(999);
  const rows = [
    licenceRow(codes[0], 200), // row 2: fine
    licenceRow('91330106MA2B3C4D5X', 201), // row 3: check character
    licenceRow(unknown, 202), // row 4: not registered
    licenceRow(codes[1], 203, { issuedOn: '2019-02-30' }), // row 5: no such day
    licenceRow(codes[1], 204, { validTo: '2018-01-01' }), // row 6: ends before it starts
    licenceRow(codes[1], 205, { issuedOn: '2999-01-01', validTo: '2999-12-31' }), // row 7: future
    licenceRow(codes[2], 200), // row 8: the number of row 2 again
    [codes[2], 'SC-2019-000206', 'foodBusiness', '', '2019-01-01', '2020-01-01'], // row 9: empty name
    licenceRow(codes[2], 207, { type: '食品' }), // row 10: a type that is no key
    licenceRow(codes[2], 208, { issuedOn: '15/03/2019' }), // row 11: not YYYY-MM-DD
  ];
  const height = p.node('market').height;
  const started = await upload(admin, csvOf(rows)).expect(202);
  const { job, errors } = await finished(admin, started.body.id);
  assert.deepEqual([job.imported, job.failed], [1, 9]);
  assert.deepEqual(errors.map((e) => [e.row, e.column, e.code]), [
    [3, 'code', 'BAD_CREDIT_CODE'],
    [4, 'code', 'UNKNOWN_ENTERPRISE'],
    [5, 'issuedOn', 'BAD_DATE'],
    [6, 'validTo', 'DATE_ORDER'],
    [7, 'issuedOn', 'ISSUED_IN_FUTURE'],
    [8, 'number', 'DUPLICATE_ROW'],
    [9, 'name', 'MISSING_VALUE'],
    [10, 'type', 'BAD_VALUE'],
    [11, 'issuedOn', 'BAD_VALUE'],
  ]);
  assert.equal(errors[1].params.value, unknown);
  assert.equal(errors[5].params.first, '2');
  assert.equal(p.node('market').height - height, 1, 'one block: the good row only');
  assert.deepEqual((await importedLicences('SC-2019-0002')).map((l) => l.imported!.number), ['SC-2019-000200']);

  const zh = await admin.get(`/market/api/imports/${started.body.id}/errors.csv?lang=zh-CN`).expect(200);
  assert.match(zh.headers['content-type'], /text\/csv/);
  assert.match(zh.text, /"4","统一社会信用代码","UNKNOWN_ENTERPRISE","企业“[0-9A-Z]{18}”尚未在链上登记/);
  assert.match(zh.text, /"8","原证照编号","DUPLICATE_ROW","与第 2 行的原证照编号重复"/);
  const en = await admin.get(`/market/api/imports/${started.body.id}/errors.csv?lang=en`).expect(200);
  assert.match(en.text, /"5","Issue date","BAD_DATE","""Issue date"" date ""2019-02-30"" does not exist"/);
});

test('a whole-file problem is one 4xx with a code, and no job is made', async () => {
  const before = (await admin.get('/market/api/imports').expect(200)).body.items.length;
  const cases: [Buffer, string, string, number, string][] = [
    [csvOf([licenceRow(codes[0], 300)], ['统一社会信用代码', '证照名称']), 'text/csv', 'source=x', 400, 'BAD_COLUMNS'],
    [csvOf([licenceRow(codes[0], 300)], [...HEADER.slice(0, 5), 'Remarks']), 'text/csv', 'source=x', 400, 'BAD_COLUMNS'],
    [csvOf([]), 'text/csv', 'source=x', 400, 'EMPTY_FILE'],
    [Buffer.alloc(0), 'text/csv', 'source=x', 400, 'EMPTY_FILE'],
    [Buffer.from('%PDF-1.7\n\u0000\u0001binary'), 'application/pdf', 'source=x', 415, 'NOT_A_SPREADSHEET'],
    [Buffer.from('PK\u0003\u0004not really a zip'), 'application/zip', 'source=x', 415, 'NOT_A_SPREADSHEET'],
    [Buffer.from([0xd6, 0xd0, 0xce, 0xc4, 0x2c, 0x31]), 'text/csv', 'source=x', 415, 'NOT_UTF8'],
    [Buffer.from('"unclosed,1\n'), 'text/csv', 'source=x', 415, 'NOT_A_SPREADSHEET'],
    [csvOf([licenceRow(codes[0], 300)]), 'text/csv', 'source=Bad%20Source', 400, 'BAD_SOURCE'],
    [csvOf([licenceRow(codes[0], 300)]), 'text/csv', '', 400, 'BAD_SOURCE'],
  ];
  for (const [file, type, query, status, code] of cases) {
    const res = await upload(admin, file, type, query);
    assert.equal(res.status, status, `${code}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.code, code);
    assert.ok(res.body.message.length > 10);
  }
  const big = await admin.post('/market/api/imports?source=x').set('content-type', 'text/csv').send(Buffer.alloc(21 * 1024 * 1024, 0x41));
  assert.equal(big.status, 413);
  assert.equal(big.body.code, 'FILE_TOO_LARGE');
  assert.equal((await admin.get('/market/api/imports').expect(200)).body.items.length, before);
});

test('only the administrator or clerk of a department imports; another role is refused, and the contract refuses it too', async () => {
  const approver = await login(p, 'market', 'approver1');
  const res = await upload(approver, csvOf([licenceRow(codes[0], 400)]));
  assert.equal(res.status, 403);
  assert.equal(res.body.code, 'FORBIDDEN');
  assert.equal((await approver.get('/market/api/imports').expect(403)).body.code, 'FORBIDDEN');
  const payload = { code: codes[0], source: 'legacy-approval', number: 'SC-X-1', type: 'foodBusiness', name: '食品经营许可证', issuedOn: '2019-01-01', validTo: '2020-01-01' };
  await assert.rejects(p.node('market').submit(p.node('market').signAs('approver1', 'licence.import', payload)), (e: { code: string }) => e.code === 'ROLE_NOT_ALLOWED' || /ROLE|FORBIDDEN/.test(e.code));
  // an import of another department is not visible here
  const other = await login(p, 'service', 'admin');
  assert.equal((await other.get('/service/api/imports').expect(200)).body.items.length, 0);
  const mine = (await admin.get('/market/api/imports').expect(200)).body.items[0].id;
  assert.equal((await other.get(`/service/api/imports/${mine}`).expect(404)).body.code, 'NOT_FOUND');
});

test('the contract itself refuses a duplicate key: two transactions for one record leave one licence', async () => {
  const node = p.node('market');
  const payload = { code: codes[2], source: 'legacy-approval', number: 'RACE-1', type: 'foodBusiness', name: '食品经营许可证', issuedOn: '2019-01-01', validTo: '2020-01-01' };
  const [a, b] = [node.signAs('admin', 'licence.import', payload), node.signAs('admin', 'licence.import', payload)];
  const ids = await Promise.all([node.submit(a), node.submit(b)]);
  const receipts = await Promise.all(ids.map((x) => node.waitFor(x.id, 'receipt')));
  assert.deepEqual(receipts.map((r) => r.status).sort(), ['ok', 'rejected']);
  assert.equal(receipts.find((r) => r.status === 'rejected')!.code, 'ALREADY_IMPORTED');
  assert.equal((await importedLicences('RACE-')).length, 1);
});
