import type { Knex } from 'knex';
import type { LedgerStore } from './ledgerStore.ts';
import { MysqlLedgerStore } from './mysqlStore.ts';
import { isBetterSqlite } from './sqliteStatements.ts';
import { SqliteLedgerStore } from './sqliteStore.ts';

export type { BlockRow, CommitInput, Head, LedgerStore, TxRow } from './ledgerStore.ts';
export { TX_COLUMN_WIDTHS, txRowOf } from './ledgerCommon.ts';

/** The ledger store of a node, by the name the rest of the code knows it. */
export type ChainStore = LedgerStore;

/** The ledger store for this database: SQLite through better-sqlite3 (openDb's embedded default), else MySQL/MariaDB. */
export function openLedgerStore(db: Knex): LedgerStore {
  return isBetterSqlite(db) ? new SqliteLedgerStore(db) : new MysqlLedgerStore(db);
}
