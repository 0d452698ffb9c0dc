import { ApiError, apiErrorFrom, client, deptApi } from '../client.ts';
import { qs } from '../query.ts';
import { uploadFile } from '../upload.ts';
import type { AwardQuery, AwardRecord, PolicyRow, Reconciliation, RunCreated, RunDetail, RunReviewed, RunSummary, StatementResult } from './financeTypes.ts';

/** The finance office's calls (资金拨付): payable awards, payment runs, bank statements, reconciliation. */
const P = (path: string) => deptApi(`/payout${path}`);
const enc = encodeURIComponent;

export const policies = (q: { limit?: number; offset?: number } = {}) => client.get<{ items: PolicyRow[] }>(P(`/policies${qs({ ...q })}`));
export const awards = (q: AwardQuery = {}) => client.get<{ items: AwardRecord[]; next: string | null }>(P(`/awards${qs({ ...q })}`));
/** The same awards as a CSV (names and titles first; never the payee). */
export const awardsCsvPath = (q: AwardQuery = {}) => P(`/awards/export${qs({ ...q, limit: undefined, offset: undefined, after: undefined })}`);

export const createRun = (b: { policy: string; retryFailed: boolean }) => client.post<RunCreated>(P('/runs'), b);
export const runs = (q: { policy?: string; status?: string } = {}) => client.get<{ items: RunSummary[] }>(P(`/runs${qs({ ...q })}`));
/** A second finance officer's decision on a prepared run (never the one who prepared it). */
export const approveRun = (id: string) => client.post<RunReviewed>(P(`/runs/${enc(id)}/approve`));
export const rejectRun = (id: string, reason: string) => client.post<RunReviewed>(P(`/runs/${enc(id)}/reject`), { reason });
/** An auditor reads a run, its file and the bank's answers with a purpose, recorded on the chain. */
export const run = (id: string, purpose?: string) => client.get<RunDetail>(P(`/runs/${enc(id)}${qs({ purpose })}`));
export const pain001Path = (id: string, purpose?: string) => P(`/runs/${enc(id)}/pain001.xml${qs({ purpose })}`);

/** A pain.002 report goes as XML, anything else named .csv as the plain statement. */
export const statementType = (file: File) => (/\.csv$/i.test(file.name) || file.type === 'text/csv' ? 'text/csv' : 'application/xml');
export const uploadStatement = (id: string, file: File, onProgress?: (f: number) => void) =>
  uploadFile<StatementResult>(P(`/runs/${enc(id)}/statement`), file, statementType(file), onProgress);

export const reconciliation = (policy: string, purpose?: string) => client.get<Reconciliation>(P(`/policies/${enc(policy)}/reconciliation${qs({ purpose })}`));
export const reconciliationCsvPath = (policy: string) => P(`/policies/${enc(policy)}/reconciliation?format=csv`);

/**
 * A file the server makes (the pain.001 XML, the reconciliation CSV), fetched with the session
 * rather than by a plain link, so a refusal shows the server's message instead of saving it as the file.
 */
export async function fetchFile(path: string): Promise<{ blob: Blob; name: string }> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', `cannot reach the server (${(e as Error).message}); check the connection and retry`);
  }
  if (!res.ok) throw apiErrorFrom(res.status, await res.json().catch(() => undefined), `GET ${path} failed with HTTP ${res.status}`);
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? path.split('/').pop()!.split('?')[0];
  return { blob: await res.blob(), name };
}
