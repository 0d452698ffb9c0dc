import type { Context } from 'koa';
import { z } from 'zod';
import { csvFile, csvLine } from '../../../shared/csv.ts';
import { paging } from '../../http/routeKit.ts';
import { cursor } from '../../http/cursor.ts';

export const PageQuery = paging(200, 50).extend({
  status: z.string().max(16).optional(),
  code: z.string().max(18).optional(),
  q: z.string().trim().max(50).optional(),
  overdue: z.enum(['1', 'true']).optional(),
  process: z.string().max(40).optional(),
  dept: z.string().max(32).optional(),
});

/** A list in the order of one id (inspections, cases, enterprises by code), with its cursor. */
export const ByIdQuery = PageQuery.extend({ after: cursor(z.tuple([z.string().max(40)])) });

/** Up to this many rows in a CSV export (the list's filters apply). */
export const EXPORT_LIMIT = 5000;

/** Sends lines as a CSV download (server/http/csv.ts defuses formula-like cells). */
export function sendCsv(ctx: Context, name: string, header: string[], rows: unknown[][]) {
  ctx.type = 'text/csv; charset=utf-8';
  ctx.set('content-disposition', `attachment; filename="${name}.csv"`);
  ctx.body = csvFile([csvLine(header), ...rows.map(csvLine)]);
}

export const Purpose = z.object({ purpose: z.string().trim().min(4, '说明调取事由 / state the purpose (at least 4 characters)').max(200) });


