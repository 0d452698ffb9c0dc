import type { Knex } from 'knex';
import type { ClientRecord, SignerRecord, UserRecord } from '../chain/identity.ts';
import type { ContractRegistry } from '../chain/registry.ts';
import type { LedgerStore, TimelineRow } from '../chain/store/ledgerStore.ts';
import type { HeightAgreement, Who } from '../../shared/wire/audit.ts';

export type { HeightAgreement, Who, TimelineRow };

/**
 * Reads over the ledger (through its store: txs, blocks, state_history, attestations) and the
 * approval read model for the audit and administration pages. Reads only; nothing here is chain
 * logic. Each list is paged in SQL so a long-lived chain costs one page per request, except
 * where a comment says not.
 */

export interface Page {
  limit: number;
  offset: number;
}

const MAX_KEYS = 500;

/**
 * The state keys a subject (an enterprise's credit code, a record id like AP-12-0 or PL-3-1)
 * has touched: keys naming it, and keys whose value names it as a JSON string. A full scan
 * of state_history's values: fine for an auditor's on-demand look, not for a hot path.
 */
export const keysOfSubject = (store: LedgerStore, subject: string): Promise<string[]> => store.keysMentioning(subject, MAX_KEYS);

/** State keys under a prefix (`pay/policy/`, `gov/proposal/`), as they were ever written. */
export const keysUnderPrefix = (store: LedgerStore, prefix: string): Promise<string[]> => store.keysUnderPrefix(prefix, MAX_KEYS);

/**
 * The transactions that changed any of `keys`, or whose signed text names `mention` (so
 * rejected attempts and look-ups that change no state, like dossier views, are in the story
 * too), oldest first.
 */
export const timeline = (store: LedgerStore, keys: string[], mention: string | undefined, page: Page): Promise<{ total: number; rows: TimelineRow[] }> =>
  store.timeline(keys, mention, page);

/** Block time by height. */
export const blockTimes = (store: LedgerStore, heights: number[]): Promise<Map<number, number>> => store.blockTimes(heights);

/** Every key each transaction changed (names only). */
export const keysOfTxs = (store: LedgerStore, txIds: string[]): Promise<Map<string, string[]>> => store.keysOfTxs(txIds);

/**
 * Who did it and under which authority, as of the block it is in: signer keys and users are
 * read from their history, so a key rotated away or a user disabled since is still named.
 */
export async function whoDid(store: LedgerStore, registry: ContractRegistry, txs: Pick<TimelineRow, 'id' | 'height' | 'kind' | 'signer' | 'actor'>[]): Promise<Map<string, Who>> {
  const signers = await firstValues<SignerRecord>(store, [...new Set(txs.map((t) => `key/${t.signer}`))]);
  const userKeys = new Set<string>();
  for (const t of txs) {
    const s = signers.get(`key/${t.signer}`);
    if (s?.type === 'node' && t.actor) userKeys.add(`user/${s.dept}/${t.actor}`);
  }
  const users = await historyOf<UserRecord>(store, [...userKeys]);
  const clients = await historyOf<ClientRecord>(store, [...new Set([...signers.values()].flatMap((s) => (s.type === 'client' ? [`client/${s.dept}/${s.id}`] : [])))]);
  const out = new Map<string, Who>();
  for (const t of txs) {
    const s = signers.get(`key/${t.signer}`);
    const permitted = registry.has(t.kind) ? [...registry.get(t.kind).roles] : [];
    if (s?.type === 'enterprise') {
      out.set(t.id, { dept: null, enterprise: s.code, actor: s.code, name: null, role: 'enterprise', permitted });
    } else if (s?.type === 'node') {
      const u = t.actor ? (users.get(`user/${s.dept}/${t.actor}`) ?? []).filter((h) => h.height <= t.height).at(-1)?.value : undefined;
      out.set(t.id, { dept: s.dept, enterprise: null, actor: t.actor, name: u?.name ?? null, role: t.actor ? (u?.role ?? 'unknown') : 'node', permitted });
    } else if (s?.type === 'client') {
      // the client's record as of that block: its name and the staff role it acted in
      const c = (clients.get(`client/${s.dept}/${s.id}`) ?? []).filter((h) => h.height <= t.height).at(-1)?.value;
      out.set(t.id, { dept: s.dept, enterprise: null, actor: t.actor, name: c?.name ?? null, role: c?.role ?? 'unknown', permitted });
    } else {
      out.set(t.id, { dept: null, enterprise: null, actor: t.actor, name: null, role: 'unknown', permitted });
    }
  }
  return out;
}

async function historyOf<T>(store: LedgerStore, keys: string[]): Promise<Map<string, { height: number; value: T }[]>> {
  const all = await store.valuesOfKeys(keys);
  return new Map([...all].map(([k, v]) => [k, v.map((h) => ({ height: h.height, value: JSON.parse(h.value) as T }))]));
}

async function firstValues<T>(store: LedgerStore, keys: string[]): Promise<Map<string, T>> {
  const all = await historyOf<T>(store, keys);
  return new Map([...all].map(([k, v]) => [k, v[0].value]));
}

// ---------------------------------------------------------------- agreement between nodes

/**
 * Attestations for a window of heights, newest first, beside this node's own block hashes.
 * Two sources: the votes this node counted (kept with its next block; votes arriving after a
 * height was already final are not kept) and the certificates later headers carry (a quorum
 * of signatures over one hash, checked again by verify).
 */
export async function agreement(store: LedgerStore, top: number, limit: number): Promise<HeightAgreement[]> {
  const from = Math.max(0, top - limit + 1);
  // the window's blocks, and the later ones that carry certificates for heights in it
  const carriers = await store.blocks(from, top + 2 * limit - from + 1);
  const blocks = carriers.filter((b) => b.height <= top).map((b) => ({ height: b.height, hash: b.hash, time: b.header.time }));
  const atts = await store.attestationsBetween(from, top);
  const certs = new Map<number, { in: number; hash: string; depts: string[] }>();
  for (const b of carriers) {
    if (b.height <= from) continue;
    for (const c of b.header.certs) {
      if (c.height >= from && c.height <= top) certs.set(c.height, { in: b.height, hash: c.hash, depts: c.sigs.map((s) => s.dept) });
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
export async function approvalThroughput(store: LedgerStore, now: number) {
  const rows = await store.okTxsOfKinds(['approval.apply', 'approval.decide']);
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
