import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import knex, { type Knex } from 'knex';
import { metaOf, txRowOf } from './ledgerCommon.ts';
import type { CommitInput, LedgerStore } from './ledgerStore.ts';
import { openDb } from './openDb.ts';
import { SqlLedgerStore } from './sqlLedgerStore.ts';
import { inList, MAX_IN, statement, withConnection } from './sqliteStatements.ts';

/**
 * The ledger on SQLite (better-sqlite3, the embedded default): the per-block reads and writes
 * run as prepared statements on better-sqlite3 itself, inside knex's transaction; compiling
 * SQL again for every row or block cost more than running it.
 */
export class SqliteLedgerStore extends SqlLedgerStore {
  protected async load(keys: string[]): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    if (keys.length === 0) return out;
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

  async knownTxIds(ids: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    if (!ids.length) return out;
    await withConnection(this.db, (c) => {
      for (let i = 0; i < ids.length; i += MAX_IN) {
        const { params, marks } = inList(ids.slice(i, i + MAX_IN));
        for (const id of statement(c, `SELECT id FROM txs WHERE id IN (${marks}) UNION ALL SELECT id FROM known_txids WHERE id IN (${marks})`).pluck().all(params, params) as string[]) out.add(id);
      }
    });
    return out;
  }

  async usedNonces(pairs: { signer: string; nonce: number }[]): Promise<Set<string>> {
    const out = new Set<string>();
    if (pairs.length) await withConnection(this.db, (c) => usedNonces(c, pairs, out));
    return out;
  }

  protected async writeBlock(trx: Knex.Transaction, input: CommitInput): Promise<void> {
    await withConnection(trx, (c) => writeBlock(c, input));
  }

  /**
   * A file database: a read transaction on a connection of its own. In WAL mode it reads the
   * database as of its first read, made here, while the node's connection goes on committing
   * blocks, so a checkpoint's root is worked out beside the block loop rather than in it. An
   * in-memory database has no second connection: VACUUM INTO copies it in one statement, so at
   * one instant (a pause of one copy, far shorter than reading and hashing every entry).
   */
  async snapshot(): Promise<{ store: LedgerStore; release(): Promise<void> }> {
    const filename = (this.db.client.config.connection as { filename?: string } | undefined)?.filename;
    if (filename && filename !== ':memory:') {
      const afterCreate = (c: Database.Database, done: (e: Error | null, c: Database.Database) => void) => {
        c.pragma('busy_timeout = 5000');
        done(null, c);
      };
      const reader = knex({ client: 'better-sqlite3', connection: { filename }, useNullAsDefault: true, pool: { min: 1, max: 1, afterCreate } });
      const trx = await reader.transaction();
      await trx.raw('SELECT count(*) FROM chain_meta');
      return {
        store: new SqliteLedgerStore(trx as unknown as Knex),
        async release() {
          await trx.rollback().catch(() => undefined);
          await reader.destroy();
        },
      };
    }
    const file = join(tmpdir(), `tongban-snapshot-${process.pid}-${randomBytes(6).toString('hex')}.sqlite`);
    await this.db.raw('VACUUM INTO ?', [file]);
    const copy = openDb({ client: 'sqlite', filename: file });
    return {
      store: new SqliteLedgerStore(copy),
      async release() {
        await copy.destroy();
        await Promise.all(['', '-wal', '-shm'].map((s) => rm(file + s, { force: true })));
      },
    };
  }
}

/** The block's rows, one prepared statement per table. */
function writeBlock(conn: Database.Database, input: CommitInput): void {
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
  const nonce = statement(conn, 'INSERT INTO nonces (signer, nonce, height) VALUES (?, ?, ?)');
  for (const n of nonces) nonce.run(n.signer, n.nonce, header.height);
  const att = statement(conn, 'INSERT INTO attestations (height, dept, hash, sig, log_offset) VALUES (?, ?, ?, ?, ?) ON CONFLICT (height, dept) DO NOTHING');
  for (const a of input.attestations ?? []) att.run(a.height, a.dept, a.hash, a.sig, a.offset);
  const meta = statement(conn, 'INSERT INTO chain_meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v');
  for (const [k, v] of metaOf(input)) meta.run(k, v);
}

function usedNonces(conn: Database.Database, pairs: { signer: string; nonce: number }[], out: Set<string>): void {
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
