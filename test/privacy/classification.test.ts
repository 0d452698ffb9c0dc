import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { buildRegistry } from '../../server/chain/buildRegistry.ts';
import { cls, leafClasses, mayRead, unclassifiedLeaves, unsealedPrivateLeaves } from '../../server/chain/classification.ts';
import { coreGovActions } from '../../server/chain/contracts/governance.ts';
import { Genesis, Member, Tx } from '../../server/chain/schema.ts';
import { createModules } from '../../server/modules.ts';

const modules = createModules();
const registry = buildRegistry(modules);
const govActions = [...coreGovActions, ...modules.flatMap((m) => m.govActions ?? [])];

test('every leaf field of every registered contract payload is classified', () => {
  const missing: string[] = [];
  for (const kind of registry.kinds()) for (const p of unclassifiedLeaves(registry.get(kind).payload)) missing.push(`${kind}: ${p}`);
  assert.deepEqual(missing, []);
  assert.ok(registry.kinds().length > 30, 'the walk saw the modules’ contracts');
});

test('every leaf field of every governance action is classified', () => {
  const missing = govActions.flatMap((a) => unclassifiedLeaves(a.params).map((p) => `${a.type}: ${p}`));
  assert.deepEqual(missing, []);
});

test('the ledger’s own schemas are classified, and nothing secret is a ledger field', () => {
  for (const [name, s] of Object.entries({ Tx, Genesis, Member })) assert.deepEqual(unclassifiedLeaves(s), [], name);
  const secret: string[] = [];
  for (const kind of registry.kinds()) for (const f of leafClasses(registry.get(kind).payload)) if (f.classification === 'secret') secret.push(`${kind}: ${f.path}`);
  assert.deepEqual(secret, []);
});

test('the walker fails on an unclassified leaf and honours the nearest classification', () => {
  const s = z.strictObject({ a: cls(z.string(), 'public'), b: z.number().optional(), c: cls(z.strictObject({ d: z.string(), e: cls(z.string(), 'personal') }), 'party') });
  assert.deepEqual(unclassifiedLeaves(s), ['b']);
  assert.deepEqual(leafClasses(s).map((f) => `${f.path}=${f.classification}`), ['a=public', 'b=undefined', 'c.d=party', 'c.e=personal']);
});

test('the filing’s contacts and legal representative are personal, and only sealed on the ledger', () => {
  const byPath = new Map(leafClasses(registry.get('filing.submit').payload).map((f) => [f.path, f]));
  assert.deepEqual(byPath.get('profile.personal<sealed>.contacts[].phone'), { path: 'profile.personal<sealed>.contacts[].phone', classification: 'personal', sealed: true });
  assert.equal(byPath.get('profile.personal<sealed>.legalRepresentative')?.classification, 'personal');
  assert.equal(byPath.get('profile.personal')?.classification, 'public', 'the envelope itself');
  assert.equal(byPath.get('profile.name')?.classification, 'public');
  for (const kind of ['filing.submit', 'filing.amend']) {
    assert.ok(!unsealedPrivateLeaves(registry.get(kind).payload).some((p) => /contacts|legalRepresentative/.test(p)), kind);
  }
});

test('no party or personal field is in plaintext on the ledger', () => {
  const found = registry.kinds().flatMap((kind) => unsealedPrivateLeaves(registry.get(kind).payload).map((p) => `${kind}: ${p}`));
  assert.deepEqual(found, []);
});

test('a party\'s value kept public because contract code computes on it says why', () => {
  const reasons = new Map<string, string | undefined>();
  for (const kind of ['payout.apply', 'payout.review']) for (const f of leafClasses(registry.get(kind).payload)) reasons.set(`${kind}: ${f.path}`, f.reason);
  assert.match(reasons.get('payout.apply: requestedFen') ?? '', /cap/);
  assert.match(reasons.get('payout.review: score') ?? '', /mean/);
  assert.equal(reasons.get('payout.apply: policy'), undefined, 'a plainly public field needs no reason');
  const sealed = new Map(leafClasses(registry.get('filing.submit').payload).map((f) => [f.path, f]));
  assert.deepEqual(sealed.get('profile.personal<sealed>.employees'), { path: 'profile.personal<sealed>.employees', classification: 'party', sealed: true });
  assert.equal(sealed.get('profile.personal<sealed>.materialNames{}')?.classification, 'party');
  assert.equal(sealed.get('materials[].name'), undefined, 'no file name outside the envelope');
});

test('who may read each class', () => {
  const subject = { code: 'E1', parties: ['service', 'market'] };
  assert.equal(mayRead('public', { kind: 'public' }, subject), true);
  assert.equal(mayRead('personal', { kind: 'public' }, subject), false);
  assert.equal(mayRead('personal', { kind: 'dept', dept: 'market' }, subject), true);
  assert.equal(mayRead('personal', { kind: 'dept', dept: 'finance' }, subject), false);
  assert.equal(mayRead('party', { kind: 'dept', dept: 'audit', role: 'auditor' }, subject), false, 'audit reads sealed values by a share with its basis');
  assert.equal(mayRead('party', { kind: 'dept', dept: 'audit', role: 'auditor' }, { ...subject, parties: [...subject.parties, 'audit'] }), true);
  assert.equal(mayRead('personal', { kind: 'enterprise', code: 'E1' }, subject), true);
  assert.equal(mayRead('personal', { kind: 'enterprise', code: 'E2' }, subject), false);
  assert.equal(mayRead('secret', { kind: 'enterprise', code: 'E1' }, subject), false);
});
