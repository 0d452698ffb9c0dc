import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { stateClassOf, stateKindOf, unclassifiedStateLeaves, withholdPrivate } from '../../server/chain/classification.ts';
import type { Platform } from '../../server/platform.ts';
import { changesFor, STATE_CLASSES } from '../../server/http/stateClasses.ts';
import { startTestPlatform } from '../support/platform.ts';

/**
 * Every kind of state record the contracts write has its classes (each module's records file):
 * walked over the writes of every contract vector and over the state a demo-seeded chain holds,
 * every version of every key (state_history). A new key prefix or a new field fails here until
 * it is classified.
 */

const VECTORS = join(import.meta.dirname, '../vectors/contracts');

function vectorStates(): { where: string; key: string; value: unknown }[] {
  const out: { where: string; key: string; value: unknown }[] = [];
  for (const kind of readdirSync(VECTORS, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const c of readdirSync(join(VECTORS, kind.name), { withFileTypes: true }).filter((d) => d.isDirectory())) {
      const dir = join(VECTORS, kind.name, c.name);
      const pre = JSON.parse(readFileSync(join(dir, 'pre.json'), 'utf8')) as { state?: Record<string, unknown> };
      const post = JSON.parse(readFileSync(join(dir, 'post.json'), 'utf8')) as { writes?: Record<string, unknown> };
      for (const [key, value] of [...Object.entries(pre.state ?? {}), ...Object.entries(post.writes ?? {})]) out.push({ where: `${kind.name}/${c.name}`, key, value });
    }
  }
  return out;
}

const problems = (rows: { where: string; key: string; value: unknown }[]): string[] => {
  const found = new Set<string>();
  for (const r of rows) {
    if (r.value === null) continue; // a deletion
    for (const leaf of unclassifiedStateLeaves(STATE_CLASSES, r.key, r.value)) found.add(`${stateKindOf(STATE_CLASSES, r.key)?.prefix ?? r.key}: ${leaf}`);
  }
  return [...found].sort();
};

test('every record every contract vector writes is classified, leaf by leaf', () => {
  const rows = vectorStates();
  assert.ok(rows.length > 100, `only ${rows.length} vector writes`);
  const kinds = new Set(rows.map((r) => stateKindOf(STATE_CLASSES, r.key)?.prefix));
  for (const p of ['app/', 'insp/', 'lic/', 'pay/app/', 'pay/award/', 'pay/run/', 'pay/objection/', 'gov/proposal/', 'member/']) assert.ok(kinds.has(p), p);
  assert.deepEqual(problems(rows), []);
});

let p: Platform;
before(async () => {
  p = await startTestPlatform({ enterprises: 0 });
});
after(() => p.stop());

test('every version of every key a demo-seeded chain holds is classified', async () => {
  const db = p.node('econ').db;
  const rows = [
    ...((await db('state').select('k', 'v')) as { k: string; v: string }[]).map((r) => ({ where: 'state', key: r.k, value: JSON.parse(r.v) as unknown })),
    ...((await db('state_history').whereNotNull('new_v').select('k', 'new_v')) as { k: string; new_v: string }[]).map((r) => ({ where: 'history', key: r.k, value: JSON.parse(r.new_v) as unknown })),
  ];
  assert.ok(rows.length > 100);
  assert.deepEqual(problems(rows), []);
});

test('the walk fails on an unknown prefix and on a field no class covers', () => {
  assert.deepEqual(unclassifiedStateLeaves(STATE_CLASSES, 'nobody/1', { a: 1 }), ['(no kind)']);
  assert.deepEqual(unclassifiedStateLeaves(STATE_CLASSES, 'pay/objection/OB-1-0', { id: 'OB-1-0', secretNote: 'x' }), ['secretNote']);
  const app = stateKindOf(STATE_CLASSES, 'pay/app/PA-1-0')!;
  assert.equal(stateClassOf(app, ['attachments', '[]', 'name']), 'party', 'the longest listed path wins');
  assert.equal(stateClassOf(app, ['attachments', '[]', 'hash']), 'public');
  assert.equal(stateClassOf(stateKindOf(STATE_CLASSES, 'pq/commit/tax.paid/2025/abc')!, ['91330106MA2VECT0PT', 'commitment']), 'public', 'a map key');
});

test('a reader without a basis gets party values withheld, envelopes as they are', () => {
  const envelope = { sealed: 1, commit: 'a'.repeat(64), jwe: { protected: 'x', recipients: [], iv: 'y', ciphertext: 'z', tag: 't' } };
  const rec = { id: 'PA-1-0', code: '91330106MA2VECT0PT', requestedFen: '500000', statement: '研发投入', attachments: [{ hash: 'h', name: '审计报告.pdf', type: 'pdf', size: 3 }], payee: { name: '甲', bank: envelope } };
  const out = withholdPrivate(STATE_CLASSES, 'pay/app/PA-1-0', rec) as typeof rec & Record<string, unknown>;
  assert.deepEqual(out.requestedFen, { withheld: 'party' });
  assert.deepEqual(out.statement, { withheld: 'party' });
  assert.deepEqual(out.attachments[0].name, { withheld: 'party' });
  assert.equal(out.attachments[0].hash, 'h');
  assert.deepEqual(out.payee.bank, envelope);
  assert.deepEqual(withholdPrivate(STATE_CLASSES, 'nobody/1', { a: 1 }), { withheld: 'unclassified' });

  const change = [{ key: 'pay/app/PA-1-0', old: null, new: rec }];
  const other = { dept: 'econ', id: '91330106MA2VECT1PU', role: 'enterprise' as const };
  assert.deepEqual((changesFor(other, 'party', change)[0].new as Record<string, unknown>).statement, { withheld: 'party' });
  const self = { ...other, id: rec.code };
  assert.equal((changesFor(self, 'party', change)[0].new as Record<string, unknown>).statement, '研发投入', 'its own record');
  assert.deepEqual(changesFor({ dept: 'econ', id: 'x', role: 'policy' }, 'none', change), []);
  assert.equal((changesFor({ dept: 'econ', id: 'admin', role: 'admin' }, 'signer', change)[0].new as Record<string, unknown>).statement, '研发投入');
});
