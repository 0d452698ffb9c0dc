import type { Knex } from 'knex';
import type { StateReader } from '../state.ts';
import { CHUNK, likeLiteral, toBlock, toTx } from './ledgerCommon.ts';
import type { BlockRow, CommitInput, Head, HistoryRow, LedgerStore, StoredTx, TimelineRow, TxRow } from './ledgerStore.ts';
import { migrateChain } from './migrate.ts';

const MAX_CACHE = 200_000;

/**
 * What both SQL stores share: the state cache and every read whose SQL is the same on SQLite and
 * MySQL. Each store supplies its per-block statements (state loads, known ids, nonces, the
 * block's rows) and its consistent snapshot.
 */
export abstract class SqlLedgerStore implements LedgerStore {
  private readonly cache = new Map<string, string | null>();

  constructor(readonly db: Knex) {}

  /** The keys' values in the database, null for those absent. */
  protected abstract load(keys: string[]): Promise<Map<string, string | null>>;
  /** The block's rows, inside the commit's transaction. */
  protected abstract writeBlock(trx: Knex.Transaction, input: CommitInput): Promise<void>;
  abstract knownTxIds(ids: string[]): Promise<Set<string>>;
  abstract usedNonces(pairs: { signer: string; nonce: number }[]): Promise<Set<string>>;
  abstract snapshot(): Promise<{ store: LedgerStore; release(): Promise<void> }>;

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

  private remember(key: string, v: string | null): void {
    if (this.cache.size >= MAX_CACHE) this.cache.clear();
    this.cache.set(key, v);
  }

  /**
   * Writes the whole block atomically: header, transactions with receipts, state and its
   * history, nonces, the last applied offset, and whatever the modules project. A crash
   * leaves all of it or none of it.
   */
  async commitBlock(input: CommitInput, project?: (trx: Knex.Transaction) => Promise<void>): Promise<void> {
    await this.db.transaction(async (trx) => {
      await this.writeBlock(trx, input);
      if (project) await project(trx);
    });
    for (const w of input.writes) this.remember(w.key, w.new);
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

  async statePage(afterKey: string | undefined, limit: number): Promise<{ k: string; v: string }[]> {
    const q = this.db('state').orderBy('k').limit(limit).select('k', 'v');
    if (afterKey !== undefined) q.where('k', '>', afterKey);
    return q;
  }

  // ------------------------------------------------------------ what a snapshot holds

  async idsUpTo(height: number, afterId: string | undefined, limit: number): Promise<string[]> {
    const part = (table: string) => {
      const q = this.db(table).where('height', '<=', height).orderBy('id').limit(limit).select('id');
      if (afterId !== undefined) q.where('id', '>', afterId);
      return q;
    };
    // Both sides are in id order and share no id (known_txids holds only what came before the
    // node's own blocks), so the page is the first `limit` of the two pages merged.
    const [a, b]: { id: string }[][] = await Promise.all([part('txs'), part('known_txids')]);
    return [...a, ...b]
      .map((r) => r.id)
      .sort()
      .slice(0, limit);
  }

  async noncesUpTo(height: number, after: { signer: string; nonce: number } | undefined, limit: number): Promise<{ signer: string; nonce: number }[]> {
    const q = this.db('nonces')
      .where((w) => w.where('height', '<=', height).orWhereNull('height'))
      .orderBy([{ column: 'signer' }, { column: 'nonce' }])
      .limit(limit)
      .select('signer', 'nonce');
    if (after) q.where((w) => w.where('signer', '>', after.signer).orWhere((x) => x.where('signer', after.signer).where('nonce', '>', after.nonce)));
    const rows: { signer: string; nonce: number | string }[] = await q;
    return rows.map((r) => ({ signer: r.signer, nonce: Number(r.nonce) }));
  }

  async historyAbove(height: number, afterId: number, limit: number): Promise<HistoryRow[]> {
    return this.db('state_history').where('id', '>', afterId).where('height', '>', height).orderBy('id').limit(limit).select('id', 'k', 'height', 'tx_id', 'old_v', 'new_v');
  }

  async votesUpTo(finalHeight: number, maxOffset: number): Promise<{ height: number; dept: string; hash: string; sig: string; offset: number }[]> {
    const rows = await this.db('attestations').where('height', '>', finalHeight).where('log_offset', '<=', maxOffset).orderBy('log_offset').select('height', 'dept', 'hash', 'sig', 'log_offset');
    return rows.map((r: any) => ({ height: Number(r.height), dept: r.dept, hash: r.hash, sig: r.sig, offset: Number(r.log_offset) }));
  }

  // ------------------------------------------------------------ attestations and blocks

  async attestationsAbove(height: number): Promise<{ height: number; dept: string; hash: string; sig: string }[]> {
    const rows = await this.db('attestations').where('height', '>', height).orderBy('log_offset').select('height', 'dept', 'hash', 'sig');
    return rows.map((r: any) => ({ ...r, height: Number(r.height) }));
  }

  async attestationsBetween(from: number, to: number): Promise<{ height: number; dept: string; hash: string }[]> {
    const rows = await this.db('attestations').whereBetween('height', [from, to]).orderBy('dept').select('height', 'dept', 'hash');
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

  async blockTimes(heights: number[]): Promise<Map<number, number>> {
    if (!heights.length) return new Map();
    const rows: { height: number; time: number }[] = await this.db('blocks').whereIn('height', [...new Set(heights)]).select('height', 'time');
    return new Map(rows.map((r) => [Number(r.height), Number(r.time)]));
  }

  // ------------------------------------------------------------ transactions

  async tx(id: string): Promise<TxRow | undefined> {
    const r = await this.db('txs').where({ id }).first();
    return r ? toTx(r) : undefined;
  }

  async txsOfBlock(height: number): Promise<TxRow[]> {
    return (await this.db('txs').where({ height }).orderBy('idx')).map(toTx);
  }

  async txsByIds(ids: string[]): Promise<TxRow[]> {
    const out: TxRow[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await this.db('txs').whereIn('id', ids.slice(i, i + CHUNK))).map(toTx));
    return out;
  }

  async storedTxs(from: number, to: number): Promise<StoredTx[]> {
    return this.db('txs')
      .whereBetween('height', [from, to])
      .orderBy([{ column: 'height' }, { column: 'idx' }])
      .select('id', 'height', 'idx', 'log_offset as offset', 'raw', 'status', 'code', 'events');
  }

  async okTxsOfKinds(kinds: string[]): Promise<{ kind: string; time: number; events: string }[]> {
    const rows: { kind: string; time: number; events: string }[] = await this.db('txs as t')
      .join('blocks as b', 'b.height', 't.height')
      .where('t.status', 'ok')
      .whereIn('t.kind', kinds)
      .select('t.kind', 'b.time', 't.events');
    return rows.map((r) => ({ kind: r.kind, time: Number(r.time), events: r.events }));
  }

  async timeline(keys: string[], mention: string | undefined, page: { limit: number; offset: number }): Promise<{ total: number; rows: TimelineRow[] }> {
    const base = () => {
      const q = this.db('txs as t');
      q.where((w) => {
        if (keys.length) w.whereIn('t.id', this.db('state_history').select('tx_id').whereIn('k', keys));
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
    return {
      total: Number(c),
      rows: rows.map((r: any) => ({ id: r.id, height: Number(r.height), index: Number(r.idx), kind: r.kind, signer: r.signer, actor: r.actor, status: r.status, code: r.code, reason: r.reason })),
    };
  }

  // ------------------------------------------------------------ state history

  async history(key: string): Promise<{ height: number; txId: string; old: unknown; new: unknown }[]> {
    const rows = await this.db('state_history').where('k', key).orderBy('id');
    return rows.map((r: any) => ({ height: r.height, txId: r.tx_id, old: r.old_v ? JSON.parse(r.old_v) : null, new: r.new_v ? JSON.parse(r.new_v) : null }));
  }

  async historyOfTx(txId: string): Promise<{ key: string; old: unknown; new: unknown }[]> {
    const rows = await this.db('state_history').where('tx_id', txId).orderBy('id');
    return rows.map((r: any) => ({ key: r.k, old: r.old_v ? JSON.parse(r.old_v) : null, new: r.new_v ? JSON.parse(r.new_v) : null }));
  }

  async historyPage(afterId: number, limit: number): Promise<HistoryRow[]> {
    return this.db('state_history').where('id', '>', afterId).orderBy('id').limit(limit).select('id', 'k', 'height', 'tx_id', 'old_v', 'new_v');
  }

  async valuesOfKeys(keys: string[]): Promise<Map<string, { height: number; value: string }[]>> {
    const out = new Map<string, { height: number; value: string }[]>();
    for (let i = 0; i < keys.length; i += CHUNK) {
      const rows: { k: string; height: number; new_v: string | null }[] = await this.db('state_history')
        .whereIn('k', keys.slice(i, i + CHUNK))
        .orderBy('id')
        .select('k', 'height', 'new_v');
      for (const r of rows) if (r.new_v) out.set(r.k, [...(out.get(r.k) ?? []), { height: Number(r.height), value: r.new_v }]);
    }
    return out;
  }

  async keysOfTxs(txIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (!txIds.length) return out;
    const rows: { tx_id: string; k: string }[] = await this.db('state_history').whereIn('tx_id', txIds).orderBy('id').select('tx_id', 'k');
    for (const r of rows) out.set(r.tx_id, [...(out.get(r.tx_id) ?? []), r.k]);
    return out;
  }

  /** A full scan of state_history's values: fine for an auditor's on-demand look, not for a hot path. */
  async keysMentioning(text: string, limit: number): Promise<string[]> {
    const lit = likeLiteral(text);
    const rows: { k: string }[] = await this.db('state_history')
      .distinct('k')
      .where((w) => w.whereRaw("k like ? escape '!'", [`%${lit}%`]).orWhereRaw("new_v like ? escape '!'", [`%"${lit}"%`]))
      .orderBy('k')
      .limit(limit);
    return rows.map((r) => r.k);
  }

  async keysUnderPrefix(prefix: string, limit: number): Promise<string[]> {
    const rows: { k: string }[] = await this.db('state_history').distinct('k').where('k', '>=', prefix).where('k', '<', prefix + '\uffff').orderBy('k').limit(limit);
    return rows.map((r) => r.k);
  }
}
