/**
 * What each of a node's tables is, for backup, restore and rebuild. Ledger tables and read
 * models are derived from the ordering log (a rebuild makes them again); private tables are
 * not on the chain at all, so a backup is the only other copy of them.
 */
export type TableClass = 'ledger' | 'private' | 'readModel';

export const LEDGER_TABLES = ['chain_meta', 'blocks', 'txs', 'state', 'state_history', 'nonces', 'attestations', 'known_txids', 'snapshot_sigs'] as const;

/** Rows no block writes: what is lost with the database unless a backup holds them. */
export const PRIVATE_TABLES: Record<string, string> = {
  pq_private_values: 'the raw figures and salts behind this department\'s commitments',
  ap_blobs: 'the material files this node received',
  pay_blobs: 'the payout application attachments this node received',
  pay_sealed: 'attachments sealed to reviewing experts (made again from pay_blobs on request)',
  auth_passwords: 'staff sign-in passwords (hashes)',
  auth_sessions: 'open sign-in sessions',
  auth_login_limits: 'sign-in attempt counters and lockouts',
  cl_refs: "integration clients' idempotency references (without them a retried reference could make a second transaction)",
};

export function classOf(table: string): TableClass {
  if ((LEDGER_TABLES as readonly string[]).includes(table)) return 'ledger';
  if (table in PRIVATE_TABLES) return 'private';
  return 'readModel';
}
