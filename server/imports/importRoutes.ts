import { createHash, randomBytes } from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { ChainError } from '../chain/errors.ts';
import type { ModulePort } from '../chain/modulePort.ts';
import { RouteKit } from '../http/routeKit.ts';
import { readLimited } from '../approval/http/materialsStore.ts';
import { SourceSystem } from '../approval/schema.ts';
import { csvFile, csvLine } from '../../shared/csv.ts';
import { IMPORT_LIMITS, LICENCE_IMPORT_COLUMNS, rowMessage } from '../../shared/licenceImport.ts';
import { createJob, jobById, jobsOf, rowErrors } from './jobStore.ts';
import { readImportFile, tooLarge } from './readImportFile.ts';
import { runImport } from './runImport.ts';

/** Who imports a department's history: its administrator, or its window clerk. */
export const IMPORT_ROLES = ['admin', 'clerk'] as const;
const ERRORS_SHOWN = 500;

const StartQuery = z.object({ source: z.string().optional(), name: z.string().trim().max(200).optional() });
const Lang = z.object({ lang: z.enum(['zh-CN', 'en']).catch('zh-CN') });

function sendCsv(ctx: Context, name: string, lines: string[]) {
  ctx.type = 'text/csv; charset=utf-8';
  ctx.set('content-disposition', `attachment; filename="${name}.csv"`);
  ctx.body = csvFile(lines);
}

/**
 * Bulk import of a department's historical licences (历史数据导入): a file in, a job out, its
 * progress and per-row error report while it runs and after.
 */
export function importRoutes(node: ModulePort, stopped: () => boolean): Router {
  const r = new RouteKit('/imports');
  const now = () => Date.now();

  r.post('/', { summary: `Start an import: the raw body is a CSV (UTF-8) or XLSX file of at most ${IMPORT_LIMITS.maxBytes / 1024 / 1024} MB with the template's columns; ?source= names the system it comes from, ?name= the file. Answers 202 with the job.`, roles: IMPORT_ROLES, query: StartQuery }, async (ctx, { query: q, user: u }) => {
    const source = SourceSystem.safeParse(q.source ?? '');
    if (!source.success) {
      ctx.req.resume();
      throw new ChainError('BAD_SOURCE', `来源系统须为 1 至 32 个小写字母、数字或连字符 / ?source= must name the system the records come from: 1 to 32 lowercase letters, digits or hyphens, e.g. legacy-approval`);
    }
    const body = await readLimited(ctx.req, IMPORT_LIMITS.maxBytes, tooLarge);
    const rows = await readImportFile(body);
    const id = `IM-${new Date(now()).toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(4).toString('hex')}`;
    await createJob(node.db, { id, dept: node.dept, user: u.id, source: source.data, fileName: q.name || 'import', fileHash: createHash('sha256').update(body).digest('hex'), total: rows.length, createdAt: now() });
    // runs on after the answer; its progress is the job's row (runImport records every outcome)
    void runImport({ node, jobId: id, user: u.id, source: source.data, rows, now, stopped });
    ctx.status = 202;
    ctx.body = await jobById(node.db, node.dept, id);
  });

  r.get('/', { summary: "The department's imports, newest first.", roles: IMPORT_ROLES }, async (ctx) => {
    ctx.body = { items: await jobsOf(node.db, node.dept) };
  });

  r.get('/template.csv', { summary: 'The template: the header row and one example row (?lang=zh-CN|en names the columns).', roles: IMPORT_ROLES, query: Lang }, async (ctx, { query: { lang } }) => {
    sendCsv(ctx, 'licence-import-template', [csvLine(LICENCE_IMPORT_COLUMNS.map((c) => (lang === 'en' ? c.en : c.zh))), csvLine(LICENCE_IMPORT_COLUMNS.map((c) => c.example))]);
  });

  r.get('/:id', { summary: `One import: progress (rows done of total) and its first ${ERRORS_SHOWN} row errors.`, roles: IMPORT_ROLES }, async (ctx, { params }) => {
    const job = await jobOf(params.id);
    ctx.body = { job, errors: await rowErrors(node.db, job.id, ERRORS_SHOWN) };
  });

  r.get('/:id/errors.csv', { summary: "One import's row errors as CSV: row, column, code, message in ?lang=zh-CN|en.", roles: IMPORT_ROLES, query: Lang }, async (ctx, { params, query: { lang } }) => {
    const job = await jobOf(params.id);
    const errors = await rowErrors(node.db, job.id, IMPORT_LIMITS.maxRows);
    const head = lang === 'en' ? ['row', 'column', 'code', 'message'] : ['行号', '列', '代码', '说明'];
    const colName = (k: string) => LICENCE_IMPORT_COLUMNS.find((c) => c.key === k)?.[lang === 'en' ? 'en' : 'zh'] ?? '';
    sendCsv(ctx, `${job.id}-errors`, [csvLine(head), ...errors.map((e) => csvLine([e.row, colName(e.column), e.code, rowMessage(e, lang)]))]);
  });

  async function jobOf(id: string) {
    const job = await jobById(node.db, node.dept, id);
    if (!job) throw new ChainError('NOT_FOUND', '本部门没有这次导入 / no such import in this department', { status: 404 });
    return job;
  }
  return r.router;
}
