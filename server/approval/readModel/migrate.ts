import type { Knex } from 'knex';
import { ensureIndex } from '../../chain/store/ensureIndex.ts';

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

/**
 * Indexes shaped like the lists' filters and orderings, so a page of a list is an index range
 * read from its start or its cursor (queries.ts), however large the city. Added to tables that
 * may already exist; each names the list it serves.
 */
const INDEXES: [table: string, name: string, columns: string[]][] = [
  // the one window's and audit's application list, newest first, and by status
  ['ap_applications', 'ap_applications_submitted', ['submitted_at', 'id']],
  ['ap_applications', 'ap_applications_status_submitted', ['status', 'submitted_at', 'id']],
  // an enterprise's own applications and the dossier's approvals
  ['ap_applications', 'ap_applications_code_submitted', ['code', 'submitted_at', 'id']],
  // the approver's worklist: a department's open stages, earliest deadline first
  // (app_status last: it is filtered, not ordered by, and there it keeps the total's count in the index)
  ['ap_stages', 'ap_stages_worklist', ['dept', 'status', 'due_at', 'app_id', 'stage_id', 'app_status']],
  // inspections and cases of a department (or origin department), newest first, and by status
  ['ap_inspections', 'ap_inspections_dept_id', ['dept', 'id']],
  ['ap_inspections', 'ap_inspections_dept_status_id', ['dept', 'status', 'id']],
  ['ap_inspections', 'ap_inspections_code_id', ['code', 'id']],
  ['ap_cases', 'ap_cases_dept_id', ['dept', 'id']],
  ['ap_cases', 'ap_cases_dept_status_id', ['dept', 'status', 'id']],
  ['ap_cases', 'ap_cases_origin_dept_id', ['origin_dept', 'dept', 'id']],
  ['ap_cases', 'ap_cases_code_id', ['code', 'id']],
  // the home page's licences about to expire
  ['ap_licences', 'ap_licences_dept_status_valid', ['dept', 'status', 'valid_to']],
];

export const READ_MODEL_TABLES = TABLES.map(([name]) => name);

export async function migrateApproval(db: Knex): Promise<void> {
  for (const [name, build] of TABLES) if (!(await db.schema.hasTable(name))) await db.schema.createTable(name, build);
  for (const [table, name, columns] of INDEXES) await ensureIndex(db, table, name, columns);
}
