import type { Knex } from 'knex';
import type { ImportJob, ImportRowError, ImportStatus } from '../../shared/licenceImport.ts';

/**
 * The node's record of its imports (im_jobs, im_row_errors): who imported which file when, how
 * far it got, and each row that was not imported. Only bookkeeping: what an import put on the
 * chain is on the chain, so a lost table loses the report, never a licence.
 */
export async function migrateImports(db: Knex): Promise<void> {
  if (!(await db.schema.hasTable('im_jobs'))) {
    await db.schema.createTable('im_jobs', (t) => {
      t.string('id', 40).primary();
      t.string('dept', 32).notNullable();
      t.string('user_id', 64).notNullable();
      t.string('source', 32).notNullable();
      t.string('file_name', 200).notNullable();
      t.string('file_hash', 64).notNullable();
      t.string('status', 16).notNullable();
      t.integer('total').notNullable();
      t.integer('imported').notNullable().defaultTo(0);
      t.integer('skipped').notNullable().defaultTo(0);
      t.integer('failed').notNullable().defaultTo(0);
      t.bigInteger('created_at').notNullable();
      t.bigInteger('finished_at').nullable();
      t.index(['dept', 'created_at']);
    });
  }
  if (!(await db.schema.hasTable('im_row_errors'))) {
    await db.schema.createTable('im_row_errors', (t) => {
      t.string('job_id', 40).notNullable();
      t.integer('row_no').notNullable();
      t.string('col', 16).notNullable();
      t.string('code', 40).notNullable();
      t.string('message', 600).notNullable();
      t.string('params', 400).notNullable();
      t.primary(['job_id', 'row_no']);
    });
  }
  // A job still running when its process stopped will never finish: say so. Importing the same
  // file again continues it, since rows already on the chain are skipped.
  await db('im_jobs').where({ status: 'running' }).update({ status: 'interrupted' });
}

type JobRow = { id: string; dept: string; user_id: string; source: string; file_name: string; file_hash: string; status: ImportStatus; total: number; imported: number; skipped: number; failed: number; created_at: number | string; finished_at: number | string | null };

const jobOf = (r: JobRow): ImportJob => ({
  id: r.id, dept: r.dept, user: r.user_id, source: r.source, fileName: r.file_name, fileHash: r.file_hash, status: r.status,
  total: Number(r.total), imported: Number(r.imported), skipped: Number(r.skipped), failed: Number(r.failed),
  createdAt: Number(r.created_at), finishedAt: r.finished_at === null ? null : Number(r.finished_at),
});

export async function createJob(db: Knex, j: Pick<ImportJob, 'id' | 'dept' | 'user' | 'source' | 'fileName' | 'fileHash' | 'total' | 'createdAt'>): Promise<void> {
  await db('im_jobs').insert({ id: j.id, dept: j.dept, user_id: j.user, source: j.source, file_name: j.fileName, file_hash: j.fileHash, status: 'running', total: j.total, created_at: j.createdAt });
}

/** Adds one batch's outcome: counts and row errors together. */
export async function recordBatch(db: Knex, id: string, d: { imported: number; skipped: number; errors: ImportRowError[] }): Promise<void> {
  await db.transaction(async (trx) => {
    for (let i = 0; i < d.errors.length; i += 200) {
      await trx('im_row_errors').insert(d.errors.slice(i, i + 200).map((e) => ({ job_id: id, row_no: e.row, col: e.column, code: e.code, message: e.message.slice(0, 600), params: JSON.stringify(e.params) })));
    }
    await trx('im_jobs').where({ id }).increment({ imported: d.imported, skipped: d.skipped, failed: d.errors.length });
  });
}

export async function finishJob(db: Knex, id: string, status: ImportStatus, at: number): Promise<void> {
  await db('im_jobs').where({ id, status: 'running' }).update({ status, finished_at: at });
}

export async function jobById(db: Knex, dept: string, id: string): Promise<ImportJob | undefined> {
  const r = (await db('im_jobs').where({ id, dept }).first()) as JobRow | undefined;
  return r && jobOf(r);
}

export async function jobsOf(db: Knex, dept: string, limit = 50): Promise<ImportJob[]> {
  return ((await db('im_jobs').where({ dept }).orderBy('created_at', 'desc').orderBy('id').limit(limit)) as JobRow[]).map(jobOf);
}

export async function rowErrors(db: Knex, id: string, limit: number, offset = 0): Promise<ImportRowError[]> {
  const rows = (await db('im_row_errors').where({ job_id: id }).orderBy('row_no').limit(limit).offset(offset)) as { row_no: number; col: string; code: string; message: string; params: string }[];
  return rows.map((r) => ({ row: Number(r.row_no), column: r.col as ImportRowError['column'], code: r.code, message: r.message, params: JSON.parse(r.params) as Record<string, string> }));
}
