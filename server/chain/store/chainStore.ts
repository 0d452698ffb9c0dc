import type Database from 'better-sqlite3';
import type { Knex } from 'knex';
import type { Header, Receipt } from '../schema.ts';
import type { StateReader, StateWrite } from '../state.ts';
import type { BlockTx } from '../execute.ts';
import { migrateChain } from './migrate.ts';
import { insertRows } from './mysqlRows.ts';
import { inList, isBetterSqlite, MAX_IN, statement, withConnection } from './sqliteStatements.ts';

export interface Head {
  height: number;
  hash: string;
  stateHash: string;
  lastOffset: number;
  finalHeight: number;
}

export interface BlockRow {
  height: number;
  hash: string;
  header: Header;
}

export interface TxRow {
  id: string;
  height: number;
  index: number;
  offset: number;
  kind: string;
  signer: string;
  actor: string | null;
  raw: string;
  status: 'ok' | 'rejected';
  code: string | null;
  reason: string | null;
  events: Receipt['events'];
}

/**
 * Widths of the txs columns filled from log content (migrate.ts), in characters. A valid
 * transaction fits by its schema (TX_BOUNDS); these hold whatever a rejected record brings, so a
 * strict MySQL never refuses a block's insert. The header hashes id, status, code and events,
 * not these texts, so shortening what a forgery displays forks nothing. Codes are constants of
 * the code base (never log content) and events are hashed, so both are stored as they are; raw
 * is MEDIUMTEXT, above any record a broker passes (Kafka's default limit is 1 MB).
 */
export const TX_COLUMN_WIDTHS = { kind: 64, signer: 130, actor: 64, reason: 2000 } as const;

function fit(text: string, width: number): string {
  if (text.length <= width) return text;
  // no half of a surrogate pair at the cut: utf8mb4 columns store only whole characters
  const cut = /[\ud800-\udbff]$/.test(text.slice(0, width - 1)) ? width - 2 : width - 1;
  return `${text.slice(0, cut)}…`;
}

/** The row a committed transaction has in the store, built from its block without a query: what
 * writeBlock stores and what waiters on a fresh block receive. */
export function txRowOf(block: { receipts: Receipt[]; txs: BlockTx[] }, i: number): TxRow {
  const r = block.receipts[i];
  const t = block.txs[i];
  return {
    id: r.txId,
    height: r.height,
    index: r.index,
    offset: r.offset,
    kind: fit(t.tx?.kind ?? '?', TX_COLUMN_WIDTHS.kind),
    signer: fit(t.tx?.signer ?? '?', TX_COLUMN_WIDTHS.signer),
    actor: t.tx?.actor === undefined ? null : fit(t.tx.actor, TX_COLUMN_WIDTHS.actor),
    raw: t.raw,
    status: r.status,
    code: r.code ?? null,
    reason: r.reason === undefined ? null : fit(r.reason, TX_COLUMN_WIDTHS.reason),
    events: r.events,
  };
}

export interface CommitInput {
  header: Header;
  hash: string;
  txs: BlockTx[];
  receipts: Receipt[];
  writes: StateWrite[];
  nonces: { signer: string; nonce: number }[];
  /** attestations seen since the previous block */
  attestations?: { height: number; dept: string; hash: string; sig: string; offset: number }[];
  finalHeight: number;
}

const CHUNK = 400; // keeps multi-row inserts under SQLite's bound-variable limit
const MAX_CACHE = 200_000;

/**
 * Blocks, transactions, state and history in SQL. One database transaction per block. On
 * SQLite the per-block reads and writes run as prepared statements on better-sqlite3 itself
 * (same SQL effect, same transaction); on MySQL the per-transaction rows go as prepared
 * multi-row INSERTs (mysqlRows.ts), the rest through knex.
 */
export class ChainStore implements StateReader {
  private readonly cache = new Map<string, string | null>();
  private readonly sqlite: boolean;

  constructor(readonly db: Knex) {
    this.sqlite = isBetterSqlite(db);
  }

  async migrate(): Promise<void> {
    await migrateChain(this.db);
  }

  async head(): Promise<Head | undefined> {
    const rows: { k: string; v: string }[] = await this.db('chain_meta').select();
    const m = Object.fromEntries(rows.map((r) => [r.k, r.v]));
    if (m.height === undefined) return undefined;
    return { height: +m.height, hash: m.hash, stateHash: m.stateHash, lastOffset: +m.lastOffset, finalHeight: +(m.finalHeight ?? 0) };
  }

  /**
   * Committed state for readers outside block execution (routes, pre-checks, the portal's
   * batch reads): from the cache when it holds the key, else from the database, and never into
   * the cache. A read that started before a block's commit and is answered after it would
   * otherwise put the old value back over the block's, and later blocks would execute against
   * it; only block execution (`execution`) fills the cache.
   */
  async get(key: string): Promise<string | undefined> {
    const hit = this.cache.get(key);
    if (hit !== undefined || this.cache.has(key)) return hit ?? undefined;
    return (await this.load([key])).get(key) ?? undefined;
  }

  /** Many keys at once, as get: the values of those present. */
  async getMany(keys: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const missing: string[] = [];
    for (const k of new Set(keys)) {
      const hit = this.cache.get(k);
      if (typeof hit === 'string') out.set(k, hit);
      else if (hit === undefined && !this.cache.has(k)) missing.push(k);
    }
    for (const [k, v] of await this.load(missing)) if (v !== null) out.set(k, v);
    return out;
  }

  /**
   * The reader block execution uses, the only one that fills the cache. The node applies one
   * block at a time and commits it before reading for the next, so what this reads from the
   * database is the state after the last committed block, which the cache then holds.
   */
  readonly execution: Required<StateReader> = {
    get: async (key) => {
      const hit = this.cache.get(key);
      if (hit !== undefined || this.cache.has(key)) return hit ?? undefined;
      const v = (await this.load([key])).get(key) ?? null;
      this.remember(key, v);
      return v ?? undefined;
    },
    /** Loads many keys in one query, so a block's reads don't cost a round trip each. */
    prefetch: async (keys) => {
      const missing = [...new Set(keys)].filter((k) => !this.cache.has(k));
      for (const [k, v] of await this.load(missing)) this.remember(k, v);
    },
  };

  /** The keys' values in the database, null for those absent. */
  private async load(keys: string[]): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    if (keys.length === 0) return out;
    if (this.sqlite) {
      await withConnection(this.db, (c) => {
        for (let i = 0; i < keys.length; i += MAX_IN) {
          const part = keys.slice(i, i + MAX_IN);
          const { params, marks } = inList(part);
          const rows = statement(c, `SELECT k, v FROM state WHERE k IN (${marks})`).all(params) as { k: string; v: string }[];
          const found = new Map(rows.map((r) => [r.k, r.v]));
          for (const k of part) out.set(k, found.get(k) ?? null);
        }
      });
      return out;
    }
    for (let i = 0; i < keys.length; i += CHUNK) {
      const part = keys.slice(i, i + CHUNK);
      const rows: { k: string; v: string }[] = await this.db('state').whereIn('k', part).select('k', 'v');
      const found = new Map(rows.map((r) => [r.k, r.v]));
      for (const k of part) out.set(k, found.get(k) ?? null);
    }
    return out;
  }

  private remember(key: string, v: string | null): void {
    if (this.cache.size >= MAX_CACHE) this.cache.clear();
    this.cache.set(key, v);
  }

  async knownTxIds(ids: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    if (this.sqlite) {
      if (ids.length) {
        await withConnection(this.db, (c) => {
          for (let i = 0; i < ids.length; i += MAX_IN) {
            const { params, marks } = inList(ids.slice(i, i + MAX_IN));
            for (const id of statement(c, `SELECT id FROM txs WHERE id IN (${marks})`).pluck().all(params) as string[]) out.add(id);
          }
        });
      }
      return out;
    }
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows: { id: string }[] = await this.db('txs').whereIn('id', ids.slice(i, i + CHUNK)).select('id');
      for (const r of rows) out.add(r.id);
    }
    return out;
  }

  /** Which of these (signer, nonce) pairs earlier blocks used, as "signer:nonce". */
  async usedNonces(pairs: { signer: string; nonce: number }[]): Promise<Set<string>> {
    const out = new Set<string>();
    if (this.sqlite) {
      if (pairs.length) await withConnection(this.db, (c) => usedNoncesSqlite(c, pairs, out));
      return out;
    }
    for (let i = 0; i < pairs.length; i += CHUNK) {
      const part = pairs.slice(i, i + CHUNK);
      const rows: { signer: string; nonce: number | string }[] = await this.db('nonces')
        .whereIn('signer', [...new Set(part.map((p) => p.signer))])
        .whereIn('nonce', [...new Set(part.map((p) => p.nonce))])
        .select('signer', 'nonce');
      for (const r of rows) out.add(`${r.signer}:${Number(r.nonce)}`);
    }
    return out;
  }

  /**
   * Writes the whole block atomically: header, transactions with receipts, state and its
   * history, nonces, the last applied offset, and whatever the modules project. A crash
   * leaves all of it or none of it.
   */
  async commitBlock(input: CommitInput, project?: (trx: Knex.Transaction) => Promise<void>): Promise<void> {
    await this.db.transaction(async (trx) => {
      if (this.sqlite) await withConnection(trx, (c) => writeBlockSqlite(c, input));
      else await writeBlock(trx, input);
      if (project) await project(trx);
    });
    for (const w of input.writes) this.remember(w.key, w.new);
  }

  async attestationsAbove(height: number): Promise<{ height: number; dept: string; hash: string; sig: string }[]> {
    const rows = await this.db('attestations').where('height', '>', height).orderBy('log_offset').select('height', 'dept', 'hash', 'sig');
    return rows.map((r: any) => ({ ...r, height: Number(r.height) }));
  }

  /** The highest height each department has attested, as this node saw it. */
  async lastAttested(): Promise<Record<string, number>> {
    const rows: { dept: string; h: number }[] = await this.db('attestations').groupBy('dept').select('dept').max({ h: 'height' });
    return Object.fromEntries(rows.map((r) => [r.dept, Number(r.h)]));
  }

  async blockByHeight(height: number): Promise<BlockRow | undefined> {
    const r = await this.db('blocks').where({ height }).first();
    return r ? toBlock(r) : undefined;
  }

  async blockByHash(hash: string): Promise<BlockRow | undefined> {
    const r = await this.db('blocks').where({ hash }).first();
    return r ? toBlock(r) : undefined;
  }

  async blocks(fromHeight: number, limit: number): Promise<BlockRow[]> {
    const rows = await this.db('blocks').where('height', '>=', fromHeight).orderBy('height').limit(limit);
    return rows.map(toBlock);
  }

  async latestBlocks(limit: number, beforeHeight?: number): Promise<BlockRow[]> {
    const q = this.db('blocks').orderBy('height', 'desc').limit(limit);
    if (beforeHeight !== undefined) q.where('height', '<', beforeHeight);
    return (await q).map(toBlock);
  }

  async tx(id: string): Promise<TxRow | undefined> {
    const r = await this.db('txs').where({ id }).first();
    return r ? toTx(r) : undefined;
  }

  async txsOfBlock(height: number): Promise<TxRow[]> {
    return (await this.db('txs').where({ height }).orderBy('idx')).map(toTx);
  }

  async history(key: string): Promise<{ height: number; txId: string; old: unknown; new: unknown }[]> {
    const rows = await this.db('state_history').where('k', key).orderBy('id');
    return rows.map((r: any) => ({ height: r.height, txId: r.tx_id, old: r.old_v ? JSON.parse(r.old_v) : null, new: r.new_v ? JSON.parse(r.new_v) : null }));
  }

  async historyOfTx(txId: string): Promise<{ key: string; old: unknown; new: unknown }[]> {
    const rows = await this.db('state_history').where('tx_id', txId).orderBy('id');
    return rows.map((r: any) => ({ key: r.k, old: r.old_v ? JSON.parse(r.old_v) : null, new: r.new_v ? JSON.parse(r.new_v) : null }));
  }

  /** Committed state under a key prefix, in key order. For read paths and replay, never contracts. */
  async scan(prefix: string, limit = 1000): Promise<{ key: string; value: unknown }[]> {
    const rows: { k: string; v: string }[] = await this.db('state')
      .where('k', '>=', prefix)
      .where('k', '<', prefix + '\uffff')
      .orderBy('k')
      .limit(limit)
      .select('k', 'v');
    return rows.map((r) => ({ key: r.k, value: JSON.parse(r.v) }));
  }
}

async function writeBlock(trx: Knex.Transaction, input: CommitInput): Promise<void> {
  const { header, hash, receipts, writes, nonces } = input;
  await trx('blocks').insert({ height: header.height, hash, header: JSON.stringify(header), time: header.time, tx_count: header.txCount });
  const txRows = receipts.map((_, i) => {
    const t = txRowOf(input, i);
    return [t.id, t.height, t.index, t.offset, t.kind, t.signer, t.actor, t.raw, t.status, t.code, t.reason, JSON.stringify(t.events)];
  });
  await insertRows(trx, 'txs', ['id', 'height', 'idx', 'log_offset', 'kind', 'signer', 'actor', 'raw', 'status', 'code', 'reason', 'events'], txRows);
  const puts = writes.filter((w) => w.new !== null).map((w) => [w.key, w.new]);
  await insertRows(trx, 'state', ['k', 'v'], puts, ' ON DUPLICATE KEY UPDATE `v` = VALUES(`v`)');
  const dels = writes.filter((w) => w.new === null).map((w) => w.key);
  for (let i = 0; i < dels.length; i += CHUNK) await trx('state').whereIn('k', dels.slice(i, i + CHUNK)).delete();
  await insertRows(trx, 'state_history', ['k', 'height', 'tx_id', 'old_v', 'new_v'], writes.map((w) => [w.key, header.height, w.txId, w.old, w.new]));
  await insertRows(trx, 'nonces', ['signer', 'nonce'], nonces.map((n) => [n.signer, n.nonce]));
  const att = (input.attestations ?? []).map((a) => ({ height: a.height, dept: a.dept, hash: a.hash, sig: a.sig, log_offset: a.offset }));
  for (let i = 0; i < att.length; i += CHUNK) await trx('attestations').insert(att.slice(i, i + CHUNK)).onConflict(['height', 'dept']).ignore();
  await setMeta(trx, {
    height: String(header.height),
    hash,
    stateHash: header.stateHash,
    lastOffset: String(header.lastOffset),
    finalHeight: String(input.finalHeight),
  });
}

/** writeBlock's rows, one prepared statement per table, in the same order. */
function writeBlockSqlite(conn: Database.Database, input: CommitInput): void {
  const { header, hash, receipts, writes, nonces } = input;
  statement(conn, 'INSERT INTO blocks (height, hash, header, time, tx_count) VALUES (?, ?, ?, ?, ?)').run(
    header.height,
    hash,
    JSON.stringify(header),
    header.time,
    header.txCount,
  );
  const tx = statement(
    conn,
    'INSERT INTO txs (id, height, idx, log_offset, kind, signer, actor, raw, status, code, reason, events) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  for (let i = 0; i < receipts.length; i++) {
    const t = txRowOf(input, i);
    tx.run(t.id, t.height, t.index, t.offset, t.kind, t.signer, t.actor, t.raw, t.status, t.code, t.reason, JSON.stringify(t.events));
  }
  const put = statement(conn, 'INSERT INTO state (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v');
  const del = statement(conn, 'DELETE FROM state WHERE k = ?');
  for (const w of writes) {
    if (w.new === null) del.run(w.key);
    else put.run(w.key, w.new);
  }
  const history = statement(conn, 'INSERT INTO state_history (k, height, tx_id, old_v, new_v) VALUES (?, ?, ?, ?, ?)');
  for (const w of writes) history.run(w.key, header.height, w.txId, w.old, w.new);
  const nonce = statement(conn, 'INSERT INTO nonces (signer, nonce) VALUES (?, ?)');
  for (const n of nonces) nonce.run(n.signer, n.nonce);
  const att = statement(conn, 'INSERT INTO attestations (height, dept, hash, sig, log_offset) VALUES (?, ?, ?, ?, ?) ON CONFLICT (height, dept) DO NOTHING');
  for (const a of input.attestations ?? []) att.run(a.height, a.dept, a.hash, a.sig, a.offset);
  const meta = statement(conn, 'INSERT INTO chain_meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v');
  meta.run('height', String(header.height));
  meta.run('hash', hash);
  meta.run('stateHash', header.stateHash);
  meta.run('lastOffset', String(header.lastOffset));
  meta.run('finalHeight', String(input.finalHeight));
}

function usedNoncesSqlite(conn: Database.Database, pairs: { signer: string; nonce: number }[], out: Set<string>): void {
  const bySigner = new Map<string, number[]>();
  for (const p of pairs) {
    const list = bySigner.get(p.signer);
    if (list) list.push(p.nonce);
    else bySigner.set(p.signer, [p.nonce]);
  }
  for (const [signer, nonces] of bySigner) {
    for (let i = 0; i < nonces.length; i += MAX_IN) {
      const { params, marks } = inList(nonces.slice(i, i + MAX_IN));
      const found = statement(conn, `SELECT nonce FROM nonces WHERE signer = ? AND nonce IN (${marks})`).pluck().all(signer, ...params) as number[];
      for (const n of found) out.add(`${signer}:${Number(n)}`);
    }
  }
}

async function setMeta(db: Knex | Knex.Transaction, values: Record<string, string>): Promise<void> {
  const rows = Object.entries(values).map(([k, v]) => ({ k, v }));
  await db('chain_meta').insert(rows).onConflict('k').merge();
}

function toBlock(r: any): BlockRow {
  return { height: Number(r.height), hash: r.hash, header: JSON.parse(r.header) };
}

function toTx(r: any): TxRow {
  return {
    id: r.id,
    height: Number(r.height),
    index: Number(r.idx),
    offset: Number(r.log_offset),
    kind: r.kind,
    signer: r.signer,
    actor: r.actor,
    raw: r.raw,
    status: r.status,
    code: r.code,
    reason: r.reason,
    events: JSON.parse(r.events),
  };
}
