import type { Knex } from 'knex';

type Build = (t: Knex.CreateTableBuilder) => void;

/**
 * Read-model tables: what the dossier, lists and worklists query, indexed by enterprise and by
 * department so a dossier is a handful of index lookups however many enterprises there are.
 * They are written only by the projection, inside each block's database transaction (except
 * ap_blobs, this node's own store of uploaded files, which is not chain data).
 */
const TABLES: [string, Build][] = [
  ['ap_enterprises', (t) => {
    t.string('code', 18).primary();
    t.string('name', 100).notNullable().index();
    t.string('status', 16).notNullable();
    t.string('current_key', 130).notNullable();
    t.bigInteger('registered_at').notNullable();
    t.text('json', 'mediumtext').notNullable();
  }],
  ['ap_filings', (t) => {
    t.string('code', 18).primary();
    t.integer('version').notNullable();
    t.string('industry', 60).notNullable();
    t.bigInteger('updated_at').notNullable();
    t.text('json', 'mediumtext').notNullable();
  }],
  ['ap_materials', (t) => {
    t.string('code', 18).notNullable();
    t.string('hash', 64).notNullable().index();
    t.string('name', 120).notNullable();
    t.string('type', 8).notNullable();
    t.integer('size').notNullable();
    t.string('category', 40).notNullable();
    t.primary(['code', 'hash']);
  }],
  ['ap_licences', (t) => {
    t.string('id', 32).primary();
    t.string('code', 18).notNullable().index();
    t.string('dept', 32).notNullable();
    t.string('status', 16).notNullable();
    t.bigInteger('valid_to').notNullable();
    t.text('json', 'mediumtext').notNullable();
  }],
  ['ap_applications', (t) => {
    t.string('id', 32).primary();
    t.string('code', 18).notNullable().index();
    t.string('process', 40).notNullable();
    t.string('status', 16).notNullable().index();
    t.bigInteger('submitted_at').notNullable();
    t.text('json', 'mediumtext').notNullable();
  }],
  ['ap_stages', (t) => {
    t.string('app_id', 32).notNullable();
    t.string('stage_id', 40).notNullable();
    t.string('code', 18).notNullable();
    t.string('dept', 32).notNullable();
    t.string('status', 16).notNullable();
    t.string('app_status', 16).notNullable();
    t.string('name', 60).notNullable();
    t.bigInteger('opened_at').nullable();
    t.bigInteger('due_at').nullable();
    t.primary(['app_id', 'stage_id']);
    t.index(['dept', 'status']);
  }],
  ['ap_inspections', (t) => {
    t.string('id', 32).primary();
    t.string('code', 18).notNullable().index();
    t.string('dept', 32).notNullable().index();
    t.string('status', 16).notNullable();
    t.string('app_id', 32).nullable();
    t.bigInteger('due_at').nullable();
    t.text('json', 'mediumtext').notNullable();
  }],
  ['ap_cases', (t) => {
    t.string('id', 40).primary();
    t.string('code', 18).notNullable().index();
    t.string('dept', 32).notNullable().index();
    t.string('origin_dept', 32).nullable();
    t.string('status', 16).notNullable();
    t.text('json', 'mediumtext').notNullable();
  }],
  ['ap_credit', (t) => {
    t.string('code', 18).primary();
    t.integer('total').notNullable();
    t.string('grade', 1).notNullable();
    t.text('json', 'mediumtext').notNullable();
  }],
  ['ap_credit_history', (t) => {
    t.increments('id');
    t.string('code', 18).notNullable();
    t.integer('total').notNullable();
    t.string('grade', 1).notNullable();
    t.integer('height').notNullable();
    t.string('tx_id', 64).notNullable();
    t.bigInteger('time').notNullable();
    t.string('trigger', 80).notNullable();
    t.index(['code', 'id']);
  }],
  ['ap_dossier_views', (t) => {
    t.string('tx_id', 64).notNullable();
    t.integer('seq').notNullable();
    t.string('code', 18).notNullable();
    t.string('dept', 32).notNullable();
    t.string('user_id', 64).notNullable();
    t.string('role', 16).notNullable();
    t.string('purpose', 200).notNullable();
    t.string('sections', 200).notNullable();
    t.string('item', 120).nullable();
    t.bigInteger('time').notNullable();
    t.integer('height').notNullable();
    t.primary(['tx_id', 'seq']);
    t.index(['code', 'time']);
  }],
  ['ap_blobs', (t) => {
    t.string('hash', 64).primary();
    t.string('type', 8).notNullable();
    t.integer('size').notNullable();
    // longblob: MySQL's plain blob stops at 64 KiB; SQLite reads it as a blob all the same
    t.specificType('content', 'longblob').notNullable();
    t.string('owner_code', 18).nullable();
    t.string('uploaded_by', 80).notNullable();
    t.bigInteger('created').notNullable();
  }],
];

export const READ_MODEL_TABLES = TABLES.map(([name]) => name);

export async function migrateApproval(db: Knex): Promise<void> {
  for (const [name, build] of TABLES) if (!(await db.schema.hasTable(name))) await db.schema.createTable(name, build);
}
