import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import type { SignerRecord, UserRecord } from '../chain/identity.ts';
import type { ContractRegistry } from '../chain/registry.ts';
import { isMysql } from '../chain/store/migrate.ts';
import { openDb } from '../chain/store/openDb.ts';
import type { HeightAgreement, Who } from '../../shared/wire/audit.ts';

export type { HeightAgreement, Who };

/**
 * Read queries over the ledger's own tables (txs, blocks, state_history, attestations) for the
 * audit and administration pages. Reads only; nothing here is chain logic. Each list is paged
 * in SQL so a long-lived chain costs one page per request, except where a comment says not.
 */

export interface Page {
  limit: number;
  offset: number;
}

/**
 * `%` and `_` are LIKE wildcards; a subject is matched literally. The escape character is `!`,
 * not a backslash, which MySQL would read as escaping the closing quote of `escape '\'`.
 */
const likeLiteral = (s: string) => s.replace(/[!%_]/g, (c) => `!${c}`);

const MAX_KEYS = 500;

/**
 * The state keys a subject (an enterprise's credit code, a record id like AP-12-0 or PL-3-1)
 * has touched: keys naming it, and keys whose value names it as a JSON string. A full scan
 * of state_history's values: fine for an auditor's on-demand look, not for a hot path.
 */
export async function keysOfSubject(db: Knex, subject: string): Promise<string[]> {
  const lit = likeLiteral(subject);
  const rows: { k: string }[] = await db('state_history')
    .distinct('k')
    .where((w) => w.whereRaw("k like ? escape '!'", [`%${lit}%`]).orWhereRaw("new_v like ? escape '!'", [`%"${lit}"%`]))
    .orderBy('k')
    .limit(MAX_KEYS);
  return rows.map((r) => r.k);
}

/** State keys under a prefix (`pay/policy/`, `gov/proposal/`), as they were ever written. */
export async function keysUnderPrefix(db: Knex, prefix: string): Promise<string[]> {
  const rows: { k: string }[] = await db('state_history').distinct('k').where('k', '>=', prefix).where('k', '<', prefix + '\uffff').orderBy('k').limit(MAX_KEYS);
  return rows.map((r) => r.k);
}

export interface TimelineRow {
  id: string;
  height: number;
  index: number;
  kind: string;
  signer: string;
  actor: string | null;
  status: string;
  code: string | null;
  reason: string | null;
}

/**
 * The transactions that changed any of `keys`, or whose signed text names `mention` (so
 * rejected attempts and look-ups that change no state, like dossier views, are in the story
 * too), oldest first.
 */
export async function timeline(db: Knex, keys: string[], mention: string | undefined, page: Page): Promise<{ total: number; rows: TimelineRow[] }> {
  const base = () => {
    const q = db('txs as t');
    q.where((w) => {
      if (keys.length) w.whereIn('t.id', db('state_history').select('tx_id').whereIn('k', keys));
      else w.whereRaw('1 = 0');
      if (mention) w.orWhereRaw("t.raw like ? escape '!'", [`%"${likeLiteral(mention)}"%`]);
    });
    return q;
  };
  const [{ c }] = await base().count({ c: '*' });
  const rows = await base()
    .orderBy([{ column: 't.height' }, { column: 't.idx' }])
    .limit(page.limit)
    .offset(page.offset)
    .select('t.id', 't.height', 't.idx', 't.kind', 't.signer', 't.actor', 't.status', 't.code', 't.reason');
  return { total: Number(c), rows: rows.map((r: any) => ({ id: r.id, height: Number(r.height), index: Number(r.idx), kind: r.kind, signer: r.signer, actor: r.actor, status: r.status, code: r.code, reason: r.reason })) };
}

/** Block time by height. */
export async function blockTimes(db: Knex, heights: number[]): Promise<Map<number, number>> {
  if (!heights.length) return new Map();
  const rows: { height: number; time: number }[] = await db('blocks').whereIn('height', [...new Set(heights)]).select('height', 'time');
  return new Map(rows.map((r) => [Number(r.height), Number(r.time)]));
}

/** Every key each transaction changed (names only). */
export async function keysOfTxs(db: Knex, txIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!txIds.length) return out;
  const rows: { tx_id: string; k: string }[] = await db('state_history').whereIn('tx_id', txIds).orderBy('id').select('tx_id', 'k');
  for (const r of rows) out.set(r.tx_id, [...(out.get(r.tx_id) ?? []), r.k]);
  return out;
}

/**
 * Who did it and under which authority, as of the block it is in: signer keys and users are
 * read from their history, so a key rotated away or a user disabled since is still named.
 */
export async function whoDid(db: Knex, registry: ContractRegistry, txs: Pick<TimelineRow, 'id' | 'height' | 'kind' | 'signer' | 'actor'>[]): Promise<Map<string, Who>> {
  const signers = await firstValues<SignerRecord>(db, [...new Set(txs.map((t) => `key/${t.signer}`))]);
  const userKeys = new Set<string>();
  for (const t of txs) {
    const s = signers.get(`key/${t.signer}`);
    if (s?.type === 'node' && t.actor) userKeys.add(`user/${s.dept}/${t.actor}`);
  }
  const users = await historyOf<UserRecord>(db, [...userKeys]);
  const out = new Map<string, Who>();
  for (const t of txs) {
    const s = signers.get(`key/${t.signer}`);
    const permitted = registry.has(t.kind) ? [...registry.get(t.kind).roles] : [];
    if (s?.type === 'enterprise') {
      out.set(t.id, { dept: null, enterprise: s.code, actor: s.code, name: null, role: 'enterprise', permitted });
    } else if (s?.type === 'node') {
      const u = t.actor ? (users.get(`user/${s.dept}/${t.actor}`) ?? []).filter((h) => h.height <= t.height).at(-1)?.value : undefined;
      out.set(t.id, { dept: s.dept, enterprise: null, actor: t.actor, name: u?.name ?? null, role: t.actor ? (u?.role ?? 'unknown') : 'node', permitted });
    } else {
      out.set(t.id, { dept: null, enterprise: null, actor: t.actor, name: null, role: 'unknown', permitted });
    }
  }
  return out;
}

async function historyOf<T>(db: Knex, keys: string[]): Promise<Map<string, { height: number; value: T }[]>> {
  const out = new Map<string, { height: number; value: T }[]>();
  for (let i = 0; i < keys.length; i += 400) {
    const rows: { k: string; height: number; new_v: string | null }[] = await db('state_history').whereIn('k', keys.slice(i, i + 400)).orderBy('id').select('k', 'height', 'new_v');
    for (const r of rows) if (r.new_v) out.set(r.k, [...(out.get(r.k) ?? []), { height: Number(r.height), value: JSON.parse(r.new_v) as T }]);
  }
  return out;
}

async function firstValues<T>(db: Knex, keys: string[]): Promise<Map<string, T>> {
  const all = await historyOf<T>(db, keys);
  return new Map([...all].map(([k, v]) => [k, v[0].value]));
}

// ---------------------------------------------------------------- agreement between nodes

/**
 * Attestations for a window of heights, newest first, beside this node's own block hashes.
 * Two sources: the votes this node counted (kept with its next block; votes arriving after a
 * height was already final are not kept) and the certificates later headers carry (a quorum
 * of signatures over one hash, checked again by verify).
 */
export async function agreement(db: Knex, top: number, limit: number): Promise<HeightAgreement[]> {
  const from = Math.max(0, top - limit + 1);
  const blocks: { height: number; hash: string; time: number }[] = await db('blocks').whereBetween('height', [from, top]).select('height', 'hash', 'time');
  const atts: { height: number; dept: string; hash: string }[] = await db('attestations').whereBetween('height', [from, top]).orderBy('dept').select('height', 'dept', 'hash');
  // certificates for heights in the window ride in headers a little later
  const carriers: { height: number; header: string }[] = await db('blocks').where('height', '>', from).where('height', '<=', top + 2 * limit).select('height', 'header');
  const certs = new Map<number, { in: number; hash: string; depts: string[] }>();
  for (const b of carriers) {
    for (const c of (JSON.parse(b.header) as { certs: { height: number; hash: string; sigs: { dept: string }[] }[] }).certs) {
      if (c.height >= from && c.height <= top) certs.set(c.height, { in: Number(b.height), hash: c.hash, depts: c.sigs.map((s) => s.dept) });
    }
  }
  const byHeight = new Map(blocks.map((b) => [Number(b.height), b]));
  const out: HeightAgreement[] = [];
  for (let h = top; h >= from; h--) {
    const b = byHeight.get(h);
    const signed = new Map(atts.filter((a) => Number(a.height) === h).map((a) => [a.dept, a.hash]));
    const cert = certs.get(h);
    for (const d of cert?.depts ?? []) if (!signed.has(d)) signed.set(d, cert!.hash);
    out.push({
      height: h,
      hash: b?.hash ?? null,
      time: b ? Number(b.time) : null,
      signed: [...signed].sort(([a], [c]) => (a < c ? -1 : 1)).map(([dept, hash]) => ({ dept, hash })),
      certifiedIn: cert?.in ?? null,
    });
  }
  return out;
}

// ---------------------------------------------------------------- statistics for charts

const DAY = 86_400_000;
const BUCKETS = [60_000, 10 * 60_000, 3_600_000, 6 * 3_600_000, DAY, 7 * DAY];

/**
 * Approvals submitted and decided over time, from the ledger itself (receipted approval.apply
 * and approval.decide), bucketed so a chart has at most about 30 bars whatever the span.
 */
export async function approvalThroughput(db: Knex, now: number) {
  const rows: { kind: string; time: number; events: string }[] = await db('txs as t')
    .join('blocks as b', 'b.height', 't.height')
    .where('t.status', 'ok')
    .whereIn('t.kind', ['approval.apply', 'approval.decide'])
    .select('t.kind', 'b.time', 't.events');
  const points = rows.map((r) => {
    if (r.kind === 'approval.apply') return { time: Number(r.time), what: 'submitted' as const };
    const ev = (JSON.parse(r.events) as { type: string; data: { decision?: string } }[]).find((e) => e.type === 'approval.decided');
    return { time: Number(r.time), what: ev?.data.decision === 'return' ? ('returned' as const) : ('decided' as const) };
  });
  const first = points.reduce((m, p) => Math.min(m, p.time), now);
  const span = now - first;
  const size = BUCKETS.find((b) => span / b <= 30) ?? 30 * DAY;
  const start = Math.floor(first / size) * size;
  const n = Math.floor((now - start) / size) + 1;
  const buckets = Array.from({ length: Math.min(n, 60) }, (_, i) => ({ start: start + (n - Math.min(n, 60) + i) * size, submitted: 0, decided: 0, returned: 0 }));
  for (const p of points) {
    const b = buckets[Math.floor((p.time - buckets[0].start) / size)];
    if (b) b[p.what]++;
  }
  return { bucketMs: size, buckets };
}

/** Open stages and how many are past their deadline (against block time), per department. */
export async function openStagesByDept(db: Knex, now: number) {
  const rows: { dept: string; open: number; overdue: number }[] = await db('ap_stages')
    .where('status', 'open')
    .whereIn('app_status', ['inProgress', 'returned'])
    .groupBy('dept')
    .select('dept')
    .count({ open: '*' })
    .sum({ overdue: db.raw('case when due_at < ? then 1 else 0 end', [now]) });
  return rows.map((r) => ({ dept: r.dept, open: Number(r.open), overdue: Number(r.overdue ?? 0) })).sort((a, b) => (a.dept < b.dept ? -1 : 1));
}

export async function gradeDistribution(db: Knex) {
  const rows: { grade: string; n: number }[] = await db('ap_credit').groupBy('grade').select('grade').count({ n: '*' });
  const by = new Map(rows.map((r) => [r.grade, Number(r.n)]));
  return ['A', 'B', 'C', 'D'].map((g) => ({ grade: g, count: by.get(g) ?? 0 }));
}

export const hasTable = (db: Knex, t: string) => db.schema.hasTable(t);

// ---------------------------------------------------------------- a consistent copy to verify

/**
 * A read-only, consistent copy of this node's ledger while the node keeps committing blocks:
 * SQLite is copied with VACUUM INTO (one statement, so one instant); MySQL/MariaDB reads
 * inside a REPEATABLE READ transaction, InnoDB's snapshot. `release` must always be called.
 */
export async function ledgerSnapshot(db: Knex): Promise<{ db: Knex; release(): Promise<void> }> {
  if (isMysql(db)) {
    // InnoDB fixes the snapshot at the first read (MariaDB refuses knex's "... READ ONLY" form);
    // nothing here writes, and the transaction is rolled back.
    const trx = await db.transaction({ isolationLevel: 'repeatable read' });
    return { db: trx as unknown as Knex, release: async () => void (await trx.rollback().catch(() => undefined)) };
  }
  const file = join(tmpdir(), `tongban-verify-${process.pid}-${randomBytes(6).toString('hex')}.sqlite`);
  await db.raw('VACUUM INTO ?', [file]);
  const copy = openDb({ client: 'sqlite', filename: file });
  return {
    db: copy,
    async release() {
      await copy.destroy();
      await Promise.all(['', '-wal', '-shm'].map((s) => rm(file + s, { force: true })));
    },
  };
}
