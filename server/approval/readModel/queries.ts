import type { Knex } from 'knex';
import type { Filed } from '../peers/fetchMaterial.ts';
import type { FilingView } from './filingView.ts';
import type { SessionUser } from '../../../shared/sessionUser.ts';
import type { CreditScoreRecord } from '../credit/facts.ts';
import type { ApplicationRecord, CaseRecord, EnterpriseRecord, FilingRecord, InspectionRecord, LicenceRecord } from '../records.ts';
import { isAuditor } from '../../chain/readAccess.ts';
import { afterKey } from '../../chain/store/keyset.ts';
import { countOf, EXPIRING_MS, SOON_MS, type WorkItem } from '../../../shared/wire/work.ts';

/** Read-model queries. Every list takes the viewer's scope, so no route can forget it. */

const parse = <T>(rows: { json: string }[]): T[] => rows.map((r) => JSON.parse(r.json) as T);
const one = <T>(row: { json: string } | undefined): T | undefined => (row ? (JSON.parse(row.json) as T) : undefined);

export interface Page {
  limit: number;
  offset: number;
}

/** A page from the start, from an offset, or (`after`) right after the row whose sort key is given. */
export interface KeyPage<K extends readonly (string | number)[]> extends Page {
  after?: K;
}

/** The page's rows: from `after` by an index range when given (the offset is then not used), else from the offset. */
function paged<K extends readonly (string | number)[]>(q: Knex.QueryBuilder, cols: string[], dir: 'asc' | 'desc', page: KeyPage<K>): Knex.QueryBuilder {
  q.orderBy(cols.map((column) => ({ column, order: dir }))).limit(page.limit);
  return page.after ? afterKey(q, cols, page.after, dir) : q.offset(page.offset);
}

export async function enterprise(db: Knex, code: string): Promise<EnterpriseRecord | undefined> {
  return one(await db('ap_enterprises').where({ code }).first('json'));
}

/** Enterprises by name (anywhere in it) or credit code (from its start), in code order. */
export async function searchEnterprises(db: Knex, q: string | undefined, page: KeyPage<[string]>): Promise<{ code: string; name: string; industry: string | null; filingVersion: number | null; score: number | null; grade: string | null }[]> {
  const query = db('ap_enterprises as e')
    .leftJoin('ap_credit as c', 'c.code', 'e.code')
    .leftJoin('ap_filings as f', 'f.code', 'e.code')
    .select('e.code', 'e.name', 'f.industry', 'f.version as filingVersion', 'c.total as score', 'c.grade');
  search(query, q, { name: 'e.name', code: 'e.code', id: 'e.code' });
  return paged(query, ['e.code'], 'asc', page);
}

export async function filing(db: Knex, code: string): Promise<FilingView | undefined> {
  return one(await db('ap_filings').where({ code }).first('json'));
}

export async function credit(db: Knex, code: string): Promise<CreditScoreRecord | undefined> {
  return one(await db('ap_credit').where({ code }).first('json'));
}

export async function creditHistory(db: Knex, code: string, limit = 20) {
  return db('ap_credit_history').where({ code }).orderBy('id', 'desc').limit(limit).select('total', 'grade', 'height', 'tx_id as txId', 'time', 'trigger');
}

export async function licencesOf(db: Knex, code: string): Promise<LicenceRecord[]> {
  return parse(await db('ap_licences').where({ code }).orderBy('id').select('json'));
}

export async function applicationsOf(db: Knex, code: string): Promise<ApplicationRecord[]> {
  return parse(await db('ap_applications').where({ code }).orderBy('submitted_at', 'desc').limit(200).select('json'));
}

export async function inspectionsOf(db: Knex, code: string): Promise<InspectionRecord[]> {
  return parse(await db('ap_inspections').where({ code }).orderBy('id', 'desc').limit(200).select('json'));
}

export async function casesOf(db: Knex, code: string): Promise<CaseRecord[]> {
  return parse(await db('ap_cases').where({ code }).orderBy('id', 'desc').limit(200).select('json'));
}

export async function viewsOf(db: Knex, code: string, limit = 50) {
  return db('ap_dossier_views').where({ code }).orderBy('time', 'desc').limit(limit).select('tx_id as txId', 'dept', 'user_id as user', 'role', 'purpose', 'sections', 'item', 'time', 'height');
}

// ------------------------------------------------------------------ scoped lists

/**
 * Applications the viewer may list: its own (enterprise), those with a stage of its department, or
 * all (auditor, the one window); newest first, by (submitted_at, id).
 */
export async function listApplications(db: Knex, u: SessionUser, f: { status?: string; code?: string }, page: KeyPage<[number, string]>): Promise<ApplicationRecord[]> {
  const q = db('ap_applications as a').select('a.json');
  if (u.role === 'enterprise') q.where('a.code', u.id);
  else if (!isAuditor(u) && u.role !== 'clerk') q.whereExists(db('ap_stages as s').whereRaw('s.app_id = a.id').where('s.dept', u.dept));
  if (f.status) q.where('a.status', f.status);
  if (f.code) q.where('a.code', f.code);
  return parse(await paged(q, ['a.submitted_at', 'a.id'], 'desc', page));
}

/** An application's place in its list (listApplications): the `after` of the page that follows it. */
export const applicationKey = (a: ApplicationRecord): [number, string] => [a.submittedAt, a.id];

export async function application(db: Knex, id: string): Promise<ApplicationRecord | undefined> {
  return one(await db('ap_applications').where({ id }).first('json'));
}

/** Open, past its deadline, in an application still running (a rejected one has nothing left to be late for). */
export const isOverdue = (a: ApplicationRecord, s: ApplicationRecord['stages'][number], now: number): boolean =>
  (a.status === 'inProgress' || a.status === 'returned') && s.status === 'open' && s.dueAt !== undefined && s.dueAt < now;

export const canSeeApplication = (u: SessionUser, a: ApplicationRecord): boolean =>
  u.role === 'enterprise' ? a.code === u.id : isAuditor(u) || u.role === 'clerk' || a.stages.some((s) => s.dept === u.dept);

/** `text` anywhere in a column, with the pattern's own `%` and `_` taken literally (the same on SQLite and MySQL). */
export const contains = (col: string, text: string) => (w: Knex.QueryBuilder) => w.whereRaw("?? like ? escape '!'", [col, `%${text.replace(/[!%_]/g, '!$&')}%`]);

/** Six or more credit-code characters and nothing else: a code being typed, not part of a name. */
const CODE_TYPED = /^[0-9A-Z]{6,18}$/i;

/**
 * A list's search box: the enterprise's name (anywhere), its credit code (from the start), or the
 * record's own id. A code being typed is looked up by its prefix alone, an index range; a name
 * part is matched anywhere in the name, which no index serves: a page stops at its limit of
 * matches, but a search that matches few rows, and its total, read every row in scope.
 */
function search(q: Knex.QueryBuilder, text: string | undefined, cols: { name: string; code: string; id: string }) {
  if (!text) return;
  if (CODE_TYPED.test(text)) {
    // credit codes are [0-9A-Z] only, and '~' sorts after all of them in SQLite's and MySQL's collations
    const code = text.toUpperCase();
    const prefix = (p: Knex.QueryBuilder) => p.where(cols.code, '>=', code).where(cols.code, '<', `${code}~`);
    // where the record's id is the code itself (enterprises), the range alone, read in code order
    q.where((w) => (cols.id === cols.code ? prefix(w) : w.where(prefix).orWhere(cols.id, text)));
    return;
  }
  const code = text.toUpperCase().replace(/[!%_]/g, '!$&');
  q.where((w) => w.where(contains(cols.name, text)).orWhereRaw("?? like ? escape '!'", [cols.code, `${code}%`]).orWhere(cols.id, text));
}

export interface StageFilter {
  /** enterprise name, credit code or application id */
  q?: string;
  overdue?: boolean;
  process?: string;
  /** the head's block time, for `overdue` */
  now: number;
}

/** A department's open stages under the filters; joined to the enterprise and application only where the filters or the rows need them (a count needs neither). */
function openStagesOf(db: Knex, dept: string, f: StageFilter, rows = true) {
  const q = db('ap_stages as s')
    .where({ 's.dept': dept, 's.status': 'open' })
    .whereIn('s.app_status', ['inProgress', 'returned']);
  if (rows || (f.q && !CODE_TYPED.test(f.q))) q.join('ap_enterprises as e', 'e.code', 's.code');
  if (rows || f.process) q.join('ap_applications as a', 'a.id', 's.app_id');
  search(q, f.q, { name: 'e.name', code: 's.code', id: 's.app_id' });
  if (f.overdue) q.where('s.due_at', '<', f.now);
  if (f.process) q.where('a.process', f.process);
  return q;
}

export type StageKey = [dueAt: number, app: string, stage: string];

/**
 * An approver's worklist: open stages of its department, earliest deadline first (then by
 * application and stage, so the order is total and a cursor is exact), and how many match. The
 * total counts the department's open stages over the same index, not the whole table.
 */
export async function openStages(db: Knex, dept: string, page: KeyPage<StageKey>, f: StageFilter = { now: 0 }) {
  const rows: { app: string; stage: string; name: string; code: string; enterprise: string; process: string; openedAt: number; dueAt: number; appStatus: string }[] = await paged(
    openStagesOf(db, dept, f).select('s.app_id as app', 's.stage_id as stage', 's.name', 's.code', 'e.name as enterprise', 'a.process', 's.opened_at as openedAt', 's.due_at as dueAt', 's.app_status as appStatus'),
    ['s.due_at', 's.app_id', 's.stage_id'],
    'asc',
    page,
  );
  return { rows, total: countOf(await openStagesOf(db, dept, f, false).count({ n: '*' }).first()) };
}

/** A worklist row's place in its list: the `after` of the page that follows it. */
export const stageKey = (s: { dueAt: unknown; app: string; stage: string }): StageKey => [Number(s.dueAt), s.app, s.stage];

export interface ListFilter {
  status?: string;
  code?: string;
  /** enterprise name, credit code or the record's id */
  q?: string;
  /** auditors only: one department's records */
  dept?: string;
}

/** Joined to the enterprise only when rows are read or a name is searched: a count of a scope needs only its index. */
const withName = (q: Knex.QueryBuilder, code: string, f: ListFilter, rows: boolean) => (rows || (f.q && !CODE_TYPED.test(f.q)) ? q.leftJoin('ap_enterprises as e', 'e.code', code) : q);

function scopedInspections(db: Knex, u: SessionUser, f: ListFilter, rows = true) {
  const q = withName(db('ap_inspections as i'), 'i.code', f, rows);
  if (u.role === 'enterprise') q.where('i.code', u.id);
  else if (!isAuditor(u)) q.where('i.dept', u.dept);
  else if (f.dept) q.where('i.dept', f.dept);
  if (f.status) q.where('i.status', f.status);
  if (f.code) q.where('i.code', f.code);
  search(q, f.q, { name: 'e.name', code: 'i.code', id: 'i.id' });
  return q;
}

/** Inspections the viewer may list, newest first, each with the enterprise's name; and how many match. */
export async function listInspections(db: Knex, u: SessionUser, f: ListFilter, page: KeyPage<[string]>): Promise<{ items: (InspectionRecord & { enterpriseName: string | null })[]; total: number }> {
  const rows: { json: string; enterpriseName: string | null }[] = await paged(scopedInspections(db, u, f).select('i.json', 'e.name as enterpriseName'), ['i.id'], 'desc', page);
  return { items: rows.map((r) => ({ ...(JSON.parse(r.json) as InspectionRecord), enterpriseName: r.enterpriseName })), total: countOf(await scopedInspections(db, u, f, false).count({ n: '*' }).first()) };
}

export async function inspection(db: Knex, id: string): Promise<InspectionRecord | undefined> {
  return one(await db('ap_inspections').where({ id }).first('json'));
}

/** The inspecting department, the department of any case it opened, the auditor, the enterprise. */
export const canSeeInspection = (u: SessionUser, i: InspectionRecord, caseDepts: string[]): boolean =>
  u.role === 'enterprise' ? i.code === u.id : isAuditor(u) || i.dept === u.dept || caseDepts.includes(u.dept);

/** `scope`: a department's own cases, those opened from its inspections elsewhere, or both (its list). */
function scopedCases(db: Knex, u: SessionUser, f: ListFilter, rows = true, scope: 'own' | 'fromUs' | 'both' = 'both') {
  const q = withName(db('ap_cases as c'), 'c.code', f, rows);
  if (u.role === 'enterprise') q.where('c.code', u.id);
  else if (!isAuditor(u)) {
    if (scope === 'own') q.where('c.dept', u.dept);
    else if (scope === 'fromUs') q.where('c.origin_dept', u.dept).whereNot('c.dept', u.dept);
    else q.where((w) => w.where('c.dept', u.dept).orWhere('c.origin_dept', u.dept));
  } else if (f.dept) q.where('c.dept', f.dept);
  if (f.status) q.where('c.status', f.status);
  if (f.code) q.where('c.code', f.code);
  search(q, f.q, { name: 'e.name', code: 'c.code', id: 'c.id' });
  return q;
}

/** Cases the viewer may list, newest first, each with the enterprise's name; and how many match. */
export async function listCases(db: Knex, u: SessionUser, f: ListFilter, page: KeyPage<[string]>): Promise<{ items: (CaseRecord & { enterpriseName: string | null })[]; total: number }> {
  type Row = { id: string; json: string; enterpriseName: string | null };
  const read = (scope: 'own' | 'fromUs' | 'both', p: KeyPage<[string]>): Promise<Row[]> => paged(scopedCases(db, u, f, true, scope).select('c.id', 'c.json', 'e.name as enterpriseName'), ['c.id'], 'desc', p);
  let rows: Row[];
  if (u.role === 'enterprise' || isAuditor(u)) rows = await read('both', page);
  else {
    // a department's page is the newest of its own cases and of those from its inspections, each read
    // in id order from its own index and merged here; the either-or in one query reads and sorts them all
    const each: KeyPage<[string]> = page.after ? page : { limit: page.offset + page.limit, offset: 0 };
    const merged = [...(await read('own', each)), ...(await read('fromUs', each))].sort((a, b) => (a.id < b.id ? 1 : -1));
    rows = page.after ? merged.slice(0, page.limit) : merged.slice(page.offset, page.offset + page.limit);
  }
  return { items: rows.map((r) => ({ ...(JSON.parse(r.json) as CaseRecord), enterpriseName: r.enterpriseName })), total: await countCases(db, u, f) };
}

/** A department's cases counted as its own plus those opened from its inspections elsewhere: two index ranges, where the either-or would read both and merge them. */
async function countCases(db: Knex, u: SessionUser, f: ListFilter): Promise<number> {
  const n = async (q: Knex.QueryBuilder) => countOf(await q.count({ n: '*' }).first());
  if (u.role === 'enterprise' || isAuditor(u)) return n(scopedCases(db, u, f, false));
  return (await n(scopedCases(db, u, f, false, 'own'))) + (await n(scopedCases(db, u, f, false, 'fromUs')));
}

export async function caseById(db: Knex, id: string): Promise<CaseRecord | undefined> {
  return one(await db('ap_cases').where({ id }).first('json'));
}

export const canSeeCase = (u: SessionUser, c: CaseRecord): boolean =>
  u.role === 'enterprise' ? c.code === u.id : isAuditor(u) || c.dept === u.dept || ('inspection' in c.origin && c.origin.dept === u.dept);

// ------------------------------------------------------------------ lookups for routes and hooks

export async function enterpriseExists(db: Knex, code: string): Promise<boolean> {
  return !!(await db('ap_enterprises').where({ code }).first('code'));
}

/** Every registered enterprise's code, in order (a re-scoring sweep). */
export async function enterpriseCodes(db: Knex): Promise<string[]> {
  return (await db('ap_enterprises').orderBy('code').select('code')).map((r: { code: string }) => r.code);
}

/** The departments of the cases an inspection's findings opened (they may read the inspection). */
export async function caseDepts(db: Knex, caseIds: string[]): Promise<string[]> {
  if (!caseIds.length) return [];
  return (await db('ap_cases').whereIn('id', caseIds).select('dept')).map((c: { dept: string }) => c.dept);
}

export interface BlobRow {
  hash: string;
  type: string;
  size: number;
  content: Buffer;
  owner_code: string | null;
}

/** A stored material file, by its hash. */
export async function blob(db: Knex, hash: string): Promise<BlobRow | undefined> {
  return db('ap_blobs').where({ hash }).first();
}

/** A material as some enterprise filed it (hash, who, type, size), if any did: what a copy fetched from another node must match. */
export async function filedMaterial(db: Knex, hash: string): Promise<Filed | undefined> {
  return db('ap_materials').where({ hash }).first('hash', 'code', 'type', 'size');
}

/** The enterprise that filed a material (one of them; or the given one only), if any did. */
export async function materialFiler(db: Knex, hash: string, code?: string): Promise<string | undefined> {
  return ((await db('ap_materials').where(code ? { hash, code } : { hash }).first('code')) as { code: string } | undefined)?.code;
}

// ------------------------------------------------------------------ a person's home page

/**
 * What waits for this person, counted here so the home page shows numbers, not chain
 * statistics; the same filters as the lists the items link to. `now` is the head's block time.
 */
export async function workOf(db: Knex, u: SessionUser, now: number): Promise<WorkItem[]> {
  const n = async (q: Knex.QueryBuilder) => countOf(await q.count({ n: '*' }).first());
  const openStages = () => db('ap_stages').where({ dept: u.dept, status: 'open' }).whereIn('app_status', ['inProgress', 'returned']);
  switch (u.role) {
    case 'approver':
      return [
        { key: 'stagesOpen', kind: 'todo', count: await n(openStages()), page: 'worklist' },
        { key: 'stagesOverdue', kind: 'deadline', count: await n(openStages().where('due_at', '<', now)), page: 'worklist' },
        { key: 'stagesDueSoon', kind: 'deadline', count: await n(openStages().where('due_at', '>=', now).where('due_at', '<', now + SOON_MS)), page: 'worklist' },
        { key: 'stagesDone', kind: 'mine', count: await n(db('ap_stages').where({ dept: u.dept }).whereIn('status', ['approved', 'rejected', 'returned'])), page: 'stats' },
        { key: 'licencesExpiring', kind: 'notice', count: await n(db('ap_licences').where({ dept: u.dept, status: 'valid' }).where('valid_to', '>=', now).where('valid_to', '<', now + EXPIRING_MS)) },
      ];
    case 'inspector': {
      const planned = () => db('ap_inspections').where({ dept: u.dept, status: 'planned' });
      return [
        { key: 'inspectionsPlanned', kind: 'todo', count: await n(planned()), page: 'inspections', query: { status: 'planned' } },
        { key: 'inspectionsOverdue', kind: 'deadline', count: await n(planned().where('due_at', '<', now)), page: 'inspections', query: { status: 'planned' } },
        { key: 'inspectionsDone', kind: 'mine', count: await n(db('ap_inspections').where({ dept: u.dept, status: 'done' })), page: 'inspections', query: { status: 'done' } },
        { key: 'casesFromUs', kind: 'notice', count: await n(db('ap_cases').where({ origin_dept: u.dept }).whereNot('status', 'closed')), page: 'cases' },
      ];
    }
    case 'enforcer':
      return [
        { key: 'casesOpen', kind: 'todo', count: await n(db('ap_cases').where({ dept: u.dept, status: 'open' })), page: 'cases', query: { status: 'open' } },
        { key: 'casesDecided', kind: 'mine', count: await n(db('ap_cases').where({ dept: u.dept, status: 'decided' })), page: 'cases', query: { status: 'decided' } },
        { key: 'casesClosed', kind: 'notice', count: await n(db('ap_cases').where({ dept: u.dept, status: 'closed' })), page: 'cases', query: { status: 'closed' } },
      ];
    case 'clerk':
      return [
        { key: 'enterprisesRegistered', kind: 'mine', count: await n(db('ap_enterprises')), page: 'enterprises' },
        { key: 'enterprisesWithoutFiling', kind: 'todo', count: await n(db('ap_enterprises as e').whereNotExists(db('ap_filings as f').whereRaw('f.code = e.code'))), page: 'enterprises' },
        { key: 'applicationsReturned', kind: 'notice', count: await n(db('ap_applications').where({ status: 'returned' })) },
        { key: 'applicationsInProgress', kind: 'notice', count: await n(db('ap_applications').where({ status: 'inProgress' })) },
      ];
    case 'enterprise': {
      const mine = () => db('ap_applications').where({ code: u.id });
      return [
        { key: 'filingMissing', kind: 'todo', count: (await db('ap_filings').where({ code: u.id }).first('code')) ? 0 : 1, page: 'filing' },
        { key: 'applicationsReturnedMine', kind: 'todo', count: await n(mine().where({ status: 'returned' })), page: 'my-applications' },
        { key: 'applicationsInProgressMine', kind: 'mine', count: await n(mine().where({ status: 'inProgress' })), page: 'my-applications' },
        { key: 'applicationsApprovedMine', kind: 'mine', count: await n(mine().where({ status: 'approved' })), page: 'my-applications' },
        { key: 'licencesExpiringMine', kind: 'deadline', count: await n(db('ap_licences').where({ code: u.id, status: 'valid' }).where('valid_to', '>=', now).where('valid_to', '<', now + EXPIRING_MS)) },
        { key: 'casesOpenMine', kind: 'notice', count: await n(db('ap_cases').where({ code: u.id }).whereNot('status', 'closed')) },
        { key: 'dataViewsMine', kind: 'notice', count: await n(db('ap_dossier_views').where({ code: u.id })), page: 'data-use' },
      ];
    }
    case 'auditor':
      if (!isAuditor(u)) return [];
      return [
        { key: 'applicationsInProgress', kind: 'notice', count: await n(db('ap_applications').where({ status: 'inProgress' })) },
        { key: 'inspectionsAll', kind: 'notice', count: await n(db('ap_inspections')), page: 'inspections' },
        { key: 'casesOpenAll', kind: 'notice', count: await n(db('ap_cases').whereNot('status', 'closed')), page: 'cases' },
      ];
    default:
      return [];
  }
}
