import type { Knex } from 'knex';

/** The ledger's own tables. Modules add their read-model tables through their own migrate(). */
export async function migrateChain(db: Knex): Promise<void> {
  // MySQL's default collations compare case-insensitively; state keys and ids are
  // case-sensitive on every node, so MySQL tables compare bytes, as SQLite does.
  const binary = (t: Knex.CreateTableBuilder) => {
    if (isMysql(db)) {
      t.charset('utf8mb4');
      t.collate('utf8mb4_bin');
    }
  };

  if (!(await db.schema.hasTable('chain_meta'))) {
    await db.schema.createTable('chain_meta', (t) => {
      binary(t);
      t.string('k', 64).primary();
      t.text('v').notNullable();
    });
  }
  if (!(await db.schema.hasTable('blocks'))) {
    await db.schema.createTable('blocks', (t) => {
      binary(t);
      t.integer('height').primary();
      t.string('hash', 64).notNullable().unique();
      t.text('header', 'mediumtext').notNullable();
      t.bigInteger('time').notNullable();
      t.integer('tx_count').notNullable();
    });
  }
  if (!(await db.schema.hasTable('txs'))) {
    await db.schema.createTable('txs', (t) => {
      binary(t);
      t.string('id', 64).primary();
      t.integer('height').notNullable();
      t.integer('idx').notNullable();
      t.bigInteger('log_offset').notNullable();
      t.string('kind', 64).notNullable();
      t.string('signer', 130).notNullable();
      t.string('actor', 64).nullable();
      t.text('raw', 'mediumtext').notNullable();
      t.string('status', 16).notNullable();
      t.string('code', 64).nullable();
      t.text('reason').nullable();
      t.text('events', 'mediumtext').notNullable();
      t.index(['height', 'idx']);
      t.index(['kind']);
    });
  }
  if (!(await db.schema.hasTable('state'))) {
    await db.schema.createTable('state', (t) => {
      binary(t);
      t.string('k', 255).primary();
      t.text('v', 'longtext').notNullable();
    });
  }
  if (!(await db.schema.hasTable('state_history'))) {
    await db.schema.createTable('state_history', (t) => {
      binary(t);
      t.increments('id');
      t.string('k', 255).notNullable();
      t.integer('height').notNullable();
      t.string('tx_id', 64).notNullable();
      t.text('old_v', 'longtext').nullable();
      t.text('new_v', 'longtext').nullable();
      t.index(['k', 'height']);
      t.index(['tx_id']);
    });
  }
  if (!(await db.schema.hasTable('nonces'))) {
    await db.schema.createTable('nonces', (t) => {
      binary(t);
      t.string('signer', 130).notNullable();
      t.bigInteger('nonce').notNullable();
      t.primary(['signer', 'nonce']);
      t.integer('height').nullable();
    });
  } else if (!(await db.schema.hasColumn('nonces', 'height'))) {
    // The height a nonce was spent at, so a snapshot can name the nonces spent up to its height;
    // rows from before the column stay null and count as spent at every height.
    await db.schema.alterTable('nonces', (t) => t.integer('height').nullable());
  }
  if (!(await db.schema.hasTable('attestations'))) {
    await db.schema.createTable('attestations', (t) => {
      binary(t);
      t.integer('height').notNullable();
      t.string('dept', 32).notNullable();
      t.string('hash', 64).notNullable();
      t.string('sig', 200).notNullable();
      t.bigInteger('log_offset').notNullable();
      t.primary(['height', 'dept']);
    });
  }
  // A node started from a snapshot (server/chain/snapshot/): the ids of transactions before its
  // snapshot height, whose rows it never had, so a copy logged again is still known.
  if (!(await db.schema.hasTable('known_txids'))) {
    await db.schema.createTable('known_txids', (t) => {
      binary(t);
      t.string('id', 64).primary();
      t.integer('height').notNullable();
    });
  }
  // Members' signatures over checkpoint roots read from the log (snapshot/checkpointSigner.ts).
  if (!(await db.schema.hasTable('snapshot_sigs'))) {
    await db.schema.createTable('snapshot_sigs', (t) => {
      binary(t);
      t.integer('height').notNullable();
      t.string('dept', 32).notNullable();
      t.string('hash', 64).notNullable();
      t.string('root', 64).notNullable();
      t.string('sig', 200).notNullable();
      t.primary(['height', 'dept']);
    });
  }
  // A node started from a snapshot keeps the snapshot's description and pending votes
  // (snapshot/snapshotOrigin.ts), so that verify can check it again from its height.
  if (!(await db.schema.hasTable('snapshot_origin'))) {
    await db.schema.createTable('snapshot_origin', (t) => {
      binary(t);
      t.integer('height').primary();
      t.text('meta', 'longtext').notNullable();
      t.text('votes', 'longtext').notNullable();
    });
  }
}

export const isMysql = (db: Knex): boolean => /mysql/.test(String(db.client.config.client));
