import type { Knex } from 'knex';
import type { SessionUser } from '../../../shared/sessionUser.ts';
import type { ApplicationRecord, ApplicationView, AwardRecord, AwardView, ExpertRecord, LedgerRecord, ObjectionRecord, PaymentStatus, PolicyRecord, PublicationRecord } from '../records.ts';
import { isAuditor } from '../../chain/readAccess.ts';
import { afterKey } from '../../chain/store/keyset.ts';
import type { PaymentRow, PolicyRow, RunSummary } from '../../../shared/wire/payout.ts';

export type { PaymentRow, PolicyRow, RunSummary };
import { countOf, SOON_MS, type WorkItem } from '../../../shared/wire/work.ts';

/** Read-model queries. Every list that is not public takes the viewer, so no route can forget the scope. */

const parse = <T>(rows: { json: string }[]): T[] => rows.map((r) => JSON.parse(r.json) as T);
const one = <T>(row: { json: string } | undefined): T | undefined => (row ? (JSON.parse(row.json) as T) : undefined);

export interface Page {
  limit: number;
  offset: number;
}

/** A page of policies, newest first, each with its line's budget ledger (a list shows how much is spoken for). */
export async function listPolicies(db: Knex, f: { dept?: string; openAt?: number }, page: Page): Promise<(PolicyRow & { ledger?: LedgerRecord })[]> {
  const q = db('pay_policies as p').leftJoin('pay_ledgers as l', 'l.policy', 'p.lineage').select('p.json', 'p.successor', 'l.json as ledger').orderBy('p.id', 'desc').limit(page.limit).offset(page.offset);
  if (f.dept) q.where('p.dept', f.dept);
  if (f.openAt !== undefined) q.whereNull('p.successor').where('p.opens_at', '<=', f.openAt).where('p.closes_at', '>', f.openAt);
  return (await q).map((r: { json: string; successor: string | null; ledger: string | null }) => ({ ...JSON.parse(r.json), successor: r.successor, ...(r.ledger ? { ledger: JSON.parse(r.ledger) } : {}) }));
}

export async function policy(db: Knex, id: string): Promise<PolicyRow | undefined> {
  const r = await db('pay_policies').where({ id }).first('json', 'successor');
  return r ? { ...JSON.parse(r.json), successor: r.successor } : undefined;
}

/** The ledger of a policy's line: every version of a policy shares its first version's books. */
export async function ledger(db: Knex, policy: string): Promise<LedgerRecord | undefined> {
  return one(await db('pay_ledgers as l').join('pay_policies as p', 'p.lineage', 'l.policy').where('p.id', policy).first('l.json'));
}

/** Ids of every version of a policy's line. */
const lineOf = (db: Knex, policy: string) => db('pay_policies').select('id').where('lineage', db('pay_policies').select('lineage').where('id', policy));

/** Applications the viewer may list: its own (enterprise), its department's (policy), those it reviews (expert), all (audit). */
export function applicationScope(db: Knex, u: SessionUser): Knex.QueryBuilder | undefined {
  const q = db('pay_applications as a');
  if (u.role === 'enterprise') return q.where('a.code', u.id);
  if (u.role === 'policy') return q.where('a.dept', u.dept);
  if (u.role === 'expert') return q.whereExists(db('pay_reviewers as r').whereRaw('r.app_id = a.id').where({ 'r.dept': u.dept, 'r.expert': u.id }));
  if (isAuditor(u)) return q;
  return undefined;
}

export interface ApplicationFilter {
  policy?: string;
  status?: string;
  /** a credit code (from its start) or an application's id */
  q?: string;
}

function filteredApplications(db: Knex, u: SessionUser, f: ApplicationFilter) {
  const q = applicationScope(db, u);
  if (!q) return undefined;
  if (f.policy) q.where('a.policy', f.policy);
  if (f.status) q.where('a.status', f.status);
  if (f.q) {
    const code = `${f.q.toUpperCase().replace(/[!%_]/g, '!$&')}%`;
    q.where((w) => w.whereRaw("?? like ? escape '!'", ['a.code', code]).orWhere('a.id', f.q!));
  }
  return q;
}

export async function listApplications(db: Knex, u: SessionUser, f: ApplicationFilter, page: Page): Promise<ApplicationView[]> {
  const q = filteredApplications(db, u, f);
  if (!q) return [];
  return parse(await q.select('a.json').orderBy('a.submitted_at', 'desc').orderBy('a.id', 'desc').limit(page.limit).offset(page.offset));
}

/** How many applications the list would show under these filters. */
export async function countApplications(db: Knex, u: SessionUser, f: ApplicationFilter): Promise<number> {
  const q = filteredApplications(db, u, f);
  return q ? countOf(await q.count({ n: '*' }).first()) : 0;
}

export async function application(db: Knex, u: SessionUser, id: string): Promise<ApplicationView | undefined> {
  const q = applicationScope(db, u);
  return q ? one(await q.where('a.id', id).first('a.json')) : undefined;
}

/** Awards in id order: public once published (公示); before that, the department, finance and audit; an enterprise its own. `after`: those after that id. */
export async function listAwards(db: Knex, u: SessionUser, f: { policy?: string; status?: string; code?: string }, page: Page & { after?: [string] }): Promise<AwardView[]> {
  const q = db('pay_awards').select('json').orderBy('id').limit(page.limit);
  if (page.after) afterKey(q, ['id'], page.after, 'asc');
  else q.offset(page.offset);
  if (f.policy) q.where('policy', f.policy);
  if (f.status) q.where('status', f.status);
  if (f.code) q.where('code', f.code);
  const insider = isAuditor(u) || u.role === 'finance' || u.role === 'policy';
  if (u.role === 'policy') q.where((w) => w.where('dept', u.dept).orWhereNot('status', 'approved'));
  else if (u.role === 'enterprise') q.where((w) => w.where('code', u.id).orWhereNotIn('status', ['approved']));
  else if (!insider) q.whereNot('status', 'approved');
  return parse(await q);
}

export async function award(db: Knex, id: string): Promise<AwardView | undefined> {
  return one(await db('pay_awards').where({ id }).first('json'));
}

export async function publications(db: Knex, policy: string | undefined, page: Page): Promise<PublicationRecord[]> {
  const q = db('pay_publications').select('json').orderBy('id', 'desc').limit(page.limit).offset(page.offset);
  if (policy) q.where('policy', policy);
  return parse(await q);
}

export async function objectionsOf(db: Knex, f: { award?: string; policy?: string; status?: string }, page: Page): Promise<ObjectionRecord[]> {
  const q = db('pay_objections').select('json').orderBy('id').limit(page.limit).offset(page.offset);
  if (f.award) q.where('award', f.award);
  if (f.policy) q.where('policy', f.policy);
  if (f.status) q.where('status', f.status);
  return parse(await q);
}


/** Every payment attempt of a policy's line (all its versions, whose books are one). */
export async function paymentsOfLine(db: Knex, policy: string): Promise<PaymentRow[]> {
  const rows: { e2e_id: string; award: string; run: string; attempt: number; amount_fen: string; status: PaymentStatus; json: string }[] = await db('pay_payments').whereIn('policy', lineOf(db, policy)).orderBy('e2e_id').select('e2e_id', 'award', 'run', 'attempt', 'amount_fen', 'status', 'json');
  return rows.map((r) => {
    const p = JSON.parse(r.json) as { bankRef?: string; reason?: string };
    return { endToEndId: r.e2e_id, award: r.award, run: r.run, attempt: Number(r.attempt), amountFen: r.amount_fen, status: r.status, bankRef: p.bankRef ?? null, reason: p.reason ?? null };
  });
}

/** Every award of a policy's line (all its versions, whose books are one). */
export async function awardsOfLine(db: Knex, policy: string): Promise<AwardView[]> {
  return parse(await db('pay_awards').whereIn('policy', lineOf(db, policy)).orderBy('id').select('json'));
}

// ------------------------------------------------------------------ lookups for routes and hooks

/** Registered experts, of one department or (for audit) all, in order. */
export async function experts(db: Knex, dept?: string): Promise<ExpertRecord[]> {
  return parse(await db('pay_experts').where(dept ? { dept } : {}).orderBy(['dept', 'id']).select('json'));
}

/** The enterprises of some awards (a payment run's, for an auditor's recorded look). */
export async function awardCodes(db: Knex, awardIds: string[]): Promise<string[]> {
  return db('pay_awards').whereIn('id', awardIds).pluck('code');
}


/** Payment runs, newest first (the latest 200). */
export async function runs(db: Knex, o: { policy?: string; status?: RunSummary['status'] } = {}): Promise<RunSummary[]> {
  const where = { ...(o.policy ? { policy: o.policy } : {}), ...(o.status ? { status: o.status } : {}) };
  const rows = await db('pay_runs').where(where).orderBy('created_at', 'desc').limit(200).select('id', 'policy', 'created_at as createdAt', 'count', 'total_fen as totalFen', 'status', 'prepared_by as preparedBy');
  return rows.map((x: RunSummary) => ({ ...x, createdAt: Number(x.createdAt) }));
}

/** The status of each payment of a run, by end-to-end id. */
export async function paymentStatusOfRun(db: Knex, run: string): Promise<Map<string, string>> {
  const pays: { e2e_id: string; status: string }[] = await db('pay_payments').where({ run }).select('e2e_id', 'status');
  return new Map(pays.map((p) => [p.e2e_id, p.status]));
}

/** A policy line's ledger, awards and payments read in one transaction, so all three are of the same block. */
export async function lineBooks(db: Knex, policy: string): Promise<{ ledger: LedgerRecord | undefined; awards: AwardView[]; payments: PaymentRow[] }> {
  return db.transaction(async (trx) => ({ ledger: await ledger(trx, policy), awards: await awardsOfLine(trx, policy), payments: await paymentsOfLine(trx, policy) }));
}

/** Awards of a department whose objection period ended by a time with no objection open: due for release. */
export async function releasableAwards(db: Knex, dept: string, time: number): Promise<{ policy: string; id: string }[]> {
  return db('pay_awards').where({ dept, status: 'publicised', open_objections: 0 }).where('ends_at', '<=', time).orderBy('id').select('policy', 'id');
}

/** A department's applications still in their checks, oldest first (at most 500). */
export async function checkingApplications(db: Knex, dept: string): Promise<ApplicationRecord[]> {
  return parse(await db('pay_applications').where({ dept, status: 'checking' }).orderBy('submitted_at').limit(500).select('json'));
}

// ------------------------------------------------------------------ a person's home page

/**
 * What waits for this person in policy payout, counted here for the home page; the same
 * filters as the lists the items link to. `now` is the head's block time.
 */
export async function workOf(db: Knex, u: SessionUser, now: number): Promise<WorkItem[]> {
  const n = async (q: Knex.QueryBuilder) => countOf(await q.count({ n: '*' }).first());
  switch (u.role) {
    case 'policy': {
      const apps = (status: string) => db('pay_applications').where({ dept: u.dept, status });
      return [
        { key: 'payoutDeciding', kind: 'todo', count: await n(apps('deciding')), page: 'pol-applications', query: { status: 'deciding' } },
        {
          key: 'objectionsOpen',
          kind: 'todo',
          count: await n(db('pay_objections as o').join('pay_policies as p', 'p.id', 'o.policy').where({ 'p.dept': u.dept, 'o.status': 'open' })),
          page: 'pol-publicity',
        },
        { key: 'payoutReviewing', kind: 'mine', count: await n(apps('reviewing')), page: 'pol-applications', query: { status: 'reviewing' } },
        { key: 'payoutChecking', kind: 'mine', count: await n(apps('checking')), page: 'pol-applications', query: { status: 'checking' } },
        {
          key: 'publicityEnding',
          kind: 'deadline',
          count: await n(db('pay_awards').where({ dept: u.dept, status: 'publicised' }).where('ends_at', '>=', now).where('ends_at', '<', now + SOON_MS)),
          page: 'pol-publicity',
        },
        { key: 'policiesOpen', kind: 'notice', count: await n(db('pay_policies').where({ dept: u.dept }).whereNull('successor').where('opens_at', '<=', now).where('closes_at', '>', now)), page: 'pol-policies' },
      ];
    }
    case 'expert': {
      const assigned: { json: string }[] = await db('pay_applications as a')
        .join('pay_reviewers as r', 'r.app_id', 'a.id')
        .where({ 'r.dept': u.dept, 'r.expert': u.id, 'a.status': 'reviewing' })
        .select('a.json');
      const pending = assigned.filter((row) => !((JSON.parse(row.json) as ApplicationRecord).review?.scores ?? []).some((s) => s.expert === u.id)).length;
      const all = await n(db('pay_reviewers').where({ dept: u.dept, expert: u.id }));
      return [
        { key: 'reviewsPending', kind: 'todo', count: pending, page: 'expert-assigned' },
        { key: 'reviewsAssigned', kind: 'mine', count: all, page: 'expert-assigned' },
      ];
    }
    case 'finance': {
      // an award a prepared run holds waits for that run's review, not for another run
      const free = (status: string) => db('pay_awards').where({ status }).whereNot('json', 'like', '%"preparedIn":%');
      return [
        { key: 'runsToReview', kind: 'todo', count: await n(db('pay_runs').where({ status: 'prepared' }).whereNot({ prepared_by: u.id })), page: 'fin-runs', query: { status: 'prepared' } },
        { key: 'awardsPayable', kind: 'todo', count: await n(free('payable')), page: 'fin-payable' },
        { key: 'awardsFailed', kind: 'todo', count: await n(free('failed')), page: 'fin-payable', query: { status: 'failed' } },
        { key: 'runsPreparedMine', kind: 'mine', count: await n(db('pay_runs').where({ status: 'prepared', prepared_by: u.id })), page: 'fin-runs', query: { status: 'prepared' } },
        { key: 'awardsPaying', kind: 'mine', count: await n(db('pay_awards').where({ status: 'paying' })), page: 'fin-runs' },
        { key: 'runsAll', kind: 'notice', count: await n(db('pay_runs')), page: 'fin-runs' },
      ];
    }
    case 'enterprise': {
      const mine = () => db('pay_applications').where({ code: u.id });
      return [
        { key: 'policiesOpenAll', kind: 'todo', count: await n(db('pay_policies').whereNull('successor').where('opens_at', '<=', now).where('closes_at', '>', now)), page: 'pol-eligible' },
        { key: 'payoutInProgressMine', kind: 'mine', count: await n(mine().whereIn('status', ['checking', 'reviewing', 'deciding'])), page: 'pol-mine' },
        { key: 'awardsMine', kind: 'notice', count: await n(db('pay_awards').where({ code: u.id }).whereIn('status', ['publicised', 'payable', 'paying', 'paid'])), page: 'pol-mine' },
      ];
    }
    case 'auditor':
      if (!isAuditor(u)) return [];
      return [
        { key: 'payoutInProgressAll', kind: 'notice', count: await n(db('pay_applications').whereIn('status', ['checking', 'reviewing', 'deciding'])), page: 'pol-applications' },
        { key: 'runsAll', kind: 'notice', count: await n(db('pay_runs')), page: 'fin-runs' },
      ];
    default:
      return [];
  }
}
