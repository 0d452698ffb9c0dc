import assert from 'node:assert/strict';
import { approvalModule } from '../../server/approval/index.ts';
import { importsModule } from '../../server/imports/index.ts';
import type { Platform } from '../../server/platform.ts';
import { csvFile, csvLine } from '../../shared/csv.ts';
import { LICENCE_IMPORT_COLUMNS, type ImportJob } from '../../shared/licenceImport.ts';
import { registerEnterprise, testCode } from '../approval/support.ts';
import { login, startTestPlatform, type Session } from '../support/platform.ts';

export const HEADER = LICENCE_IMPORT_COLUMNS.map((c) => c.zh);

/** A platform of the market regulator and the one window, with the approval and import modules only. */
export async function startImportPlatform(): Promise<Platform> {
  return startTestPlatform({ depts: ['market', 'service', 'audit'], modules: () => [approvalModule(), importsModule()] });
}

/** Registers enterprises at the window; returns their codes. */
export async function registerEnterprises(p: Platform, seeds: number[]): Promise<string[]> {
  const clerk = await login(p, 'service', 'clerk1');
  const out: string[] = [];
  for (const s of seeds) out.push((await registerEnterprise(p, clerk, s)).code);
  return out;
}

/** A licence row of the template for an enterprise, numbered n. */
export const licenceRow = (code: string, n: number, o: Partial<Record<'type' | 'name' | 'issuedOn' | 'validTo', string>> = {}): string[] => [
  code, `SC-2019-${String(n).padStart(6, '0')}`, o.type ?? 'foodBusiness', o.name ?? '食品经营许可证', o.issuedOn ?? '2019-03-15', o.validTo ?? '2024-03-14',
];

export const csvOf = (rows: string[][], header: string[] = HEADER): Buffer => Buffer.from(csvFile([csvLine(header), ...rows.map(csvLine)]));

/** Uploads a file as the portal does: the raw body, the source and file name in the query. */
export function upload(s: Session, file: Buffer, type = 'text/csv', query = 'source=legacy-approval&name=licences.csv') {
  return s.post(`/market/api/imports?${query}`).set('content-type', type).send(file);
}

/** Waits until the job is no longer running and returns it with its errors. */
export async function finished(s: Session, id: string, timeoutMs = 60_000): Promise<{ job: ImportJob; errors: { row: number; column: string; code: string; message: string; params: Record<string, string> }[] }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await s.get(`/market/api/imports/${id}`).expect(200);
    if (res.body.job.status !== 'running') return res.body;
    assert.ok(Date.now() < until, `import ${id} still running: ${JSON.stringify(res.body.job)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export { testCode };
