import type { Knex } from 'knex';
import { CHUNK, metaOf, TX_COLUMNS, txColumnValues, txRowOf } from './ledgerCommon.ts';
import type { CommitInput, LedgerStore } from './ledgerStore.ts';
import { insertRows } from './mysqlRows.ts';
import { SqlLedgerStore } from './sqlLedgerStore.ts';

/**
 * The ledger on MySQL/MariaDB (clusters): the per-transaction rows go as prepared multi-row
 * INSERTs (mysqlRows.ts), the rest through knex.
 */
export class MysqlLedgerStore extends SqlLedgerStore {
  protected async load(keys: string[]): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    for (let i = 0; i < keys.length; i += CHUNK) {
      const part = keys.slice(i, i + CHUNK);
      const rows: { k: string; v: string }[] = await this.db('state').whereIn('k', part).select('k', 'v');
      const found = new Map(rows.map((r) => [r.k, r.v]));
      for (const k of part) out.set(k, found.get(k) ?? null);
    }
    return out;
  }

  async knownTxIds(ids: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const part = ids.slice(i, i + CHUNK);
      const rows: { id: string }[] = await this.db('txs').whereIn('id', part).select('id').unionAll((q) => q.from('known_txids').whereIn('id', part).select('id'));
      for (const r of rows) out.add(r.id);
    }
    return out;
  }

  async usedNonces(pairs: { signer: string; nonce: number }[]): Promise<Set<string>> {
    const out = new Set<string>();
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

  protected async writeBlock(trx: Knex.Transaction, input: CommitInput): Promise<void> {
    const { header, hash, receipts, writes, nonces } = input;
    await trx('blocks').insert({ height: header.height, hash, header: JSON.stringify(header), time: header.time, tx_count: header.txCount });
    await insertRows(trx, 'txs', TX_COLUMNS, receipts.map((_, i) => txColumnValues(txRowOf(input, i))));
    const puts = writes.filter((w) => w.new !== null).map((w) => [w.key, w.new]);
    await insertRows(trx, 'state', ['k', 'v'], puts, ' ON DUPLICATE KEY UPDATE `v` = VALUES(`v`)');
    const dels = writes.filter((w) => w.new === null).map((w) => w.key);
    for (let i = 0; i < dels.length; i += CHUNK) await trx('state').whereIn('k', dels.slice(i, i + CHUNK)).delete();
    await insertRows(trx, 'state_history', ['k', 'height', 'tx_id', 'old_v', 'new_v'], writes.map((w) => [w.key, header.height, w.txId, w.old, w.new]));
    await insertRows(trx, 'nonces', ['signer', 'nonce', 'height'], nonces.map((n) => [n.signer, n.nonce, header.height]));
    const att = (input.attestations ?? []).map((a) => ({ height: a.height, dept: a.dept, hash: a.hash, sig: a.sig, log_offset: a.offset }));
    for (let i = 0; i < att.length; i += CHUNK) await trx('attestations').insert(att.slice(i, i + CHUNK)).onConflict(['height', 'dept']).ignore();
    await trx('chain_meta').insert(metaOf(input).map(([k, v]) => ({ k, v }))).onConflict('k').merge();
  }

  /**
   * Reads inside a REPEATABLE READ transaction, InnoDB's snapshot, fixed at the first read
   * (MariaDB refuses knex's "... READ ONLY" form); nothing writes, and it is rolled back.
   */
  async snapshot(): Promise<{ store: LedgerStore; release(): Promise<void> }> {
    const trx = await this.db.transaction({ isolationLevel: 'repeatable read' });
    // InnoDB fixes a transaction's read view at its first read, not at BEGIN: read now, so the
    // copy is of this instant however late the caller first uses it.
    await trx.raw('SELECT count(*) FROM chain_meta');
    return { store: new MysqlLedgerStore(trx as unknown as Knex), release: async () => void (await trx.rollback().catch(() => undefined)) };
  }
}
