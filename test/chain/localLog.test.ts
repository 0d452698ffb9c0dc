import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';

test('the embedded log syncs every acknowledged append (WAL, synchronous=FULL)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tongban-log-'));
  try {
    const log = new LocalLog(join(dir, 'log.sqlite'));
    assert.equal(log.synchronous, 2, 'synchronous=FULL');
    await log.append([Buffer.from('a')]);
    await log.close();
    const raw = new Database(join(dir, 'log.sqlite'), { readonly: true });
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    raw.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('appends made together are written in one transaction, in call order, and each resolves after it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tongban-log-'));
  const log = new LocalLog(join(dir, 'log.sqlite'));
  try {
    const commits: number[] = [];
    // the length moves only when a write commits; record it as each append is acknowledged
    const pending = Array.from({ length: 20 }, (_, i) => log.append([Buffer.from(`r${i}a`), Buffer.from(`r${i}b`)]).then(() => commits.push(log.length)));
    assert.equal(log.length, 0, 'nothing is acknowledged before the write');
    await Promise.all(pending);
    assert.deepEqual(new Set(commits), new Set([40]), 'one write for the twenty appends');
    const entries = log.entries(0);
    assert.deepEqual(entries.map((e) => e.data.toString()), Array.from({ length: 20 }, (_, i) => [`r${i}a`, `r${i}b`]).flat());
    assert.deepEqual(entries.map((e) => e.offset), Array.from({ length: 40 }, (_, i) => i));
    const both = await Promise.all([log.appendAt([Buffer.from('later')]), log.appendAt([Buffer.from('x'), Buffer.from('y')]), log.appendAt([Buffer.from('z')])]);
    assert.deepEqual(both, [40, 41, 43], 'each append learns where its records went');
    assert.equal(log.entries(40)[0].data.toString(), 'later');
  } finally {
    await log.close();
    await rm(dir, { recursive: true, force: true });
  }
});
