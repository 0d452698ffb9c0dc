import type { Knex } from 'knex';
import { ensureIndex } from '../../chain/store/ensureIndex.ts';

type Build = (t: Knex.CreateTableBuilder) => void;

/**
 * Read-model tables, written only by the projection inside each block's database transaction
 * (except pay_blobs and pay_sealed: this node's own store of uploaded attachments and of their
 * copies encrypted to each assigned expert, which are not chain data).
 */
const TABLES: [string, Build][] = [
  ['pay_policies', (t) => {
    t.string('id', 24).primary();
    t.string('dept', 32).notNullable().index();
    t.string('lineage', 24).notNullable();
    t.string('successor', 24).nullable();
    t.string('grp', 40).nullable();
    t.bigInteger('opens_at').notNullable();
    t.bigInteger('closes_at').notNullable();
    t.text('json', 'mediumtext').notNullable();
  }],
  ['pay_ledgers', (t) => {
    t.string('policy', 24).primary();
    t.text('json').notNullable();
  }],
  ['pay_applications', (t) => {
    t.string('id', 24).primary();
    t.string('policy', 24).notNullable().index();
    t.string('dept', 32).notNullable();
    t.string('code', 18).notNullable().index();
    t.string('status', 16).notNullable();
    t.bigInteger('submitted_at').notNullable();
    t.text('json', 'mediumtext').notNullable();
    t.index(['dept', 'status']);
  }],
  ['pay_reviewers', (t) => {
    t.string('app_id', 24).notNullable();
    t.string('dept', 32).notNullable();
    t.string('expert', 64).notNullable();
    t.primary(['app_id', 'dept', 'expert']);
    t.index(['dept', 'expert']);
  }],
  ['pay_awards', (t) => {
    t.string('id', 24).primary();
    t.string('policy', 24).notNullable();
    t.string('dept', 32).notNullable();
    t.string('code', 18).notNullable().index();
    t.string('status', 16).notNullable();
    t.string('amount_fen', 20).notNullable();
    t.bigInteger('ends_at').nullable();
    t.integer('open_objections').notNullable();
    t.text('json', 'mediumtext').notNullable();
    t.index(['policy', 'status']);
    t.index(['dept', 'status', 'ends_at']);
  }],
  ['pay_publications', (t) => {
    t.string('id', 24).primary();
    t.string('policy', 24).notNullable().index();
    t.bigInteger('ends_at').notNullable();
    t.text('json', 'longtext').notNullable();
  }],
  ['pay_objections', (t) => {
    t.string('id', 24).primary();
    t.string('award', 24).notNullable().index();
    t.string('policy', 24).notNullable();
    t.string('status', 16).notNullable();
    t.text('json').notNullable();
  }],
  ['pay_runs', (t) => {
    t.string('id', 24).primary();
    t.string('policy', 24).notNullable().index();
    t.bigInteger('created_at').notNullable();
    t.integer('count').notNullable();
    t.string('total_fen', 20).notNullable();
    t.string('status', 16).notNullable().defaultTo('approved').index();
    t.string('prepared_by', 64).notNullable().defaultTo('');
  }],
  ['pay_payments', (t) => {
    t.string('e2e_id', 35).primary();
    t.string('award', 24).notNullable().index();
    t.string('run', 24).notNullable().index();
    t.string('policy', 24).notNullable();
    t.integer('attempt').notNullable();
    t.string('status', 16).notNullable();
    t.string('amount_fen', 20).notNullable();
    t.text('json').notNullable();
  }],
  ['pay_experts', (t) => {
    t.string('dept', 32).notNullable();
    t.string('id', 64).notNullable();
    t.text('json').notNullable();
    t.primary(['dept', 'id']);
  }],
  ['pay_blobs', (t) => {
    t.string('hash', 64).primary();
    t.string('type', 8).notNullable();
    t.integer('size').notNullable();
    t.specificType('content', 'longblob').notNullable();
    t.string('owner_code', 18).notNullable();
    t.bigInteger('created').notNullable();
  }],
  ['pay_sealed', (t) => {
    t.string('app_id', 24).notNullable();
    t.string('dept', 32).notNullable();
    t.string('expert', 64).notNullable();
    t.string('hash', 64).notNullable();
    t.string('enc_key', 64).notNullable();
    t.text('jwe', 'longtext').notNullable();
    t.primary(['app_id', 'dept', 'expert', 'hash']);
  }],
];

export async function migratePayout(db: Knex): Promise<void> {
  for (const [name, build] of TABLES) if (!(await db.schema.hasTable(name))) await db.schema.createTable(name, build);
  // Runs projected before maker-checker were paid on one officer's word: approved, preparer unknown.
  if (!(await db.schema.hasColumn('pay_runs', 'status'))) {
    await db.schema.alterTable('pay_runs', (t) => {
      t.string('status', 16).notNullable().defaultTo('approved').index();
      t.string('prepared_by', 64).notNullable().defaultTo('');
    });
  }
  // the award list (公示, payable awards) by status in id order, from its cursor
  await ensureIndex(db, 'pay_awards', 'pay_awards_status_id', ['status', 'id']);
}
