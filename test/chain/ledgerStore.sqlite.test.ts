import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../server/chain/store/openDb.ts';
import { ledgerStoreSuite } from './ledgerStoreSuite.ts';

ledgerStoreSuite(
  'SQLite',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tongban-ledger-'));
    return { db: openDb({ client: 'sqlite', filename: join(dir, 'ledger.sqlite') }), stop: async () => rmSync(dir, { recursive: true, force: true }) };
  },
  'SqliteLedgerStore',
);
