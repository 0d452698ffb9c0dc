import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Knex } from 'knex';
import { openDb } from '../../server/chain/store/openDb.ts';
import { insertRows } from '../../server/chain/store/mysqlRows.ts';
import { startMariaDb, type MariaDb } from '../../deploy/mariadb.ts';

/** The block writer's prepared multi-row INSERTs belong to the block's database transaction. */
describe('prepared multi-row inserts on MariaDB', () => {
  let server: MariaDb;
  let db: Knex;
  before(async () => {
    server = await startMariaDb();
    db = openDb({ client: 'mysql', connection: await server.createDatabase('rows') });
    await db.schema.createTable('t', (t) => {
      t.string('k', 20).primary();
      t.text('v').nullable();
      t.bigInteger('n').nullable();
    });
  });
  after(async () => {
    await db.destroy();
    await server.stop();
  });

  test('every group of rows is written, with nulls and large integers intact', async () => {
    // 700 rows: groups of 512, 128, 32, 16, 8 and 4
    const rows = Array.from({ length: 700 }, (_, i) => [`k${i}`, i % 2 ? null : `值${i}`, i === 5 ? Number.MAX_SAFE_INTEGER : i]);
    await db.transaction((trx) => insertRows(trx, 't', ['k', 'v', 'n'], rows));
    const got = await db('t').select().orderBy('n');
    assert.equal(got.length, 700);
    const five = got.find((r: { k: string }) => r.k === 'k5');
    assert.equal(String(five.n), String(Number.MAX_SAFE_INTEGER));
    assert.equal(got.find((r: { k: string }) => r.k === 'k4').v, '值4');
    assert.equal(got.find((r: { k: string }) => r.k === 'k3').v, null);
  });

  test('a transaction that fails leaves none of its rows', async () => {
    const before = (await db('t').count({ n: '*' }))[0];
    await assert.rejects(
      db.transaction(async (trx) => {
        await insertRows(trx, 't', ['k', 'v', 'n'], Array.from({ length: 300 }, (_, i) => [`r${i}`, 'x', i]));
        assert.equal(Number((await trx('t').where('k', 'like', 'r%').count({ n: '*' }))[0].n), 300, 'visible inside the transaction');
        throw new Error('the block failed');
      }),
      /the block failed/,
    );
    assert.deepEqual((await db('t').count({ n: '*' }))[0], before);
  });

  test('an upsert suffix updates the rows that exist', async () => {
    await db.transaction((trx) => insertRows(trx, 't', ['k', 'v', 'n'], [['k0', 'new', 0], ['z1', 'z', 1]], ' ON DUPLICATE KEY UPDATE `v` = VALUES(`v`)'));
    assert.equal((await db('t').where('k', 'k0').first()).v, 'new');
    assert.equal((await db('t').where('k', 'z1').first()).v, 'z');
  });
});
