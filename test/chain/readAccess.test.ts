import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultParties, isAuditor, NO_PARTIES, purposeFrom, redactTx, txReadBasis, type Reader, type TxFacts } from '../../server/chain/readAccess.ts';

const A = '91330106MA0000001X';
const B = '91330106MA0000002X';
const inspection: TxFacts = { signerDept: 'market', signerEnterprise: null, actor: 'inspector1', parties: { enterprises: [A], depts: [], roles: [] } };
const filing: TxFacts = { signerDept: null, signerEnterprise: A, actor: null, parties: defaultParties({ code: A }) };
const staff = (dept: string, role: Reader['role'], id = `${role}1`): Reader => ({ dept, role, id });

test('who reads a transaction\'s content, and on which basis', () => {
  const cases: [string, Reader, TxFacts, boolean, string][] = [
    ['the person who acted', staff('market', 'inspector'), inspection, false, 'signer'],
    ['the signing department\'s administrator', staff('market', 'admin', 'admin'), inspection, false, 'signer'],
    ['another inspector of the same department', staff('market', 'inspector', 'inspector2'), inspection, false, 'none'],
    ['an expert of the same department', staff('market', 'expert'), inspection, false, 'none'],
    ['another department\'s administrator', staff('tax', 'admin', 'admin'), inspection, false, 'none'],
    ['the enterprise it is about', { dept: 'econ', role: 'enterprise', id: A }, inspection, false, 'party'],
    ['another enterprise', { dept: 'econ', role: 'enterprise', id: B }, inspection, false, 'none'],
    ['the enterprise that signed', { dept: 'service', role: 'enterprise', id: A }, filing, false, 'self'],
    ['an auditor without a purpose', staff('audit', 'auditor'), inspection, false, 'none'],
    ['an auditor with a purpose', staff('audit', 'auditor'), inspection, true, 'audit'],
    ['an "auditor" outside the audit department, with a purpose', staff('market', 'auditor'), inspection, true, 'none'],
    ['a clerk with a purpose (only auditors give one)', staff('service', 'clerk'), filing, true, 'none'],
  ];
  for (const [what, u, f, purpose, basis] of cases) assert.equal(txReadBasis(u, f, purpose), basis, what);
});

test('a declared party department reads with its administrator and the roles named', () => {
  const f: TxFacts = { signerDept: 'housing', signerEnterprise: null, actor: 'approver1', parties: { enterprises: [], depts: ['market'], roles: ['approver'] } };
  assert.equal(txReadBasis(staff('market', 'approver'), f, false), 'party');
  assert.equal(txReadBasis(staff('market', 'admin', 'admin'), f, false), 'party');
  assert.equal(txReadBasis(staff('market', 'holder'), f, false), 'none');
});

test('default parties: a credit code in code or enterprise; anything else names nobody', () => {
  assert.deepEqual(defaultParties({ code: A, enterprise: A }).enterprises, [A]);
  assert.deepEqual(defaultParties({ enterprise: B }).enterprises, [B]);
  assert.deepEqual(defaultParties({ code: 'AP-1-0' }), NO_PARTIES);
  assert.deepEqual(defaultParties(null), NO_PARTIES);
  assert.deepEqual(defaultParties('x'), NO_PARTIES);
});

test('the envelope carries no payload, events, reason, key or person', () => {
  const env = redactTx({ id: 'a'.repeat(64), height: 5, index: 2, kind: 'case.decide', status: 'rejected', code: 'NOT_FOUND' }, inspection);
  assert.deepEqual(Object.keys(env).sort(), ['actorDept', 'code', 'height', 'id', 'index', 'kind', 'redacted', 'signerDept', 'signerType', 'status']);
  assert.equal(env.signerDept, 'market');
  assert.equal(redactTx({ id: 'b', height: 1, index: 0, kind: 'filing.submit', status: 'ok', code: null }, filing).signerType, 'enterprise');
});

test('auditor and purpose', () => {
  assert.equal(isAuditor({ role: 'auditor', dept: 'audit' }), true);
  assert.equal(isAuditor({ role: 'auditor', dept: 'market' }), false);
  assert.equal(isAuditor({ role: 'admin', dept: 'audit' }), false);
  assert.equal(purposeFrom({ purpose: ' 年度审计 ' }, undefined), '年度审计');
  assert.equal(purposeFrom({}, encodeURIComponent('专项审计')), '专项审计');
  assert.equal(purposeFrom({ purpose: '  ' }, undefined), undefined);
  assert.equal(purposeFrom({}, '%E0%A4%A'), '%E0%A4%A');
});
