/** What the holder's figure upload answers (POST /<dept>/api/privacy/figures), defined once for the node and the portal. */
export interface CommitResult {
  field: string;
  period: string;
  rows: number;
  /** rows whose commitment the chain already holds: not sent again */
  unchanged: number;
  committed: number;
  txs: string[];
  rejected: { tx: string; code: string | null; reason: string | null }[];
}
