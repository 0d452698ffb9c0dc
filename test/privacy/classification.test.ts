import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { buildRegistry } from '../../server/chain/buildRegistry.ts';
import { cls, leafClasses, mayRead, unclassifiedLeaves } from '../../server/chain/classification.ts';
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

test('the filing’s contacts and legal representative are personal', () => {
  const byPath = new Map(leafClasses(registry.get('filing.submit').payload).map((f) => [f.path, f.classification]));
  assert.equal(byPath.get('profile.contacts[].phone'), 'personal');
  assert.equal(byPath.get('profile.legalRepresentative'), 'personal');
  assert.equal(byPath.get('profile.name'), 'public');
});

test('who may read each class', () => {
  const subject = { code: 'E1', parties: ['service', 'market'] };
  assert.equal(mayRead('public', { kind: 'public' }, subject), true);
  assert.equal(mayRead('personal', { kind: 'public' }, subject), false);
  assert.equal(mayRead('personal', { kind: 'dept', dept: 'market' }, subject), true);
  assert.equal(mayRead('personal', { kind: 'dept', dept: 'finance' }, subject), false);
  assert.equal(mayRead('party', { kind: 'dept', dept: 'finance', role: 'auditor' }, subject), true);
  assert.equal(mayRead('personal', { kind: 'enterprise', code: 'E1' }, subject), true);
  assert.equal(mayRead('personal', { kind: 'enterprise', code: 'E2' }, subject), false);
  assert.equal(mayRead('secret', { kind: 'enterprise', code: 'E1' }, subject), false);
});
