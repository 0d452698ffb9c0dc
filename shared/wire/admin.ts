/** What the administration routes answer (server/http/adminRoutes.ts). */
import type { Role } from '../chain.ts';
import type { ChainStatus, TxReceipt } from './chain.ts';

/** A governance proposal as kept in state (server/chain/contracts/governance.ts). */
export interface Proposal {
  id: string;
  type: string;
  params: unknown;
  proposer: { dept: string; user: string };
  approvals: string[];
  status: 'open' | 'done';
  height: number;
}

/** A member of staff as kept in state (server/chain/identity.ts). */
export interface UserRecord {
  id: string;
  dept: string;
  name: string;
  role: Role;
  active: boolean;
}

export interface MemberView {
  dept: string;
  name: string;
  nameEn: string;
  nodeKey: string;
  active: boolean;
  self: boolean;
  lastAttested: number | null;
}

export interface ProposalView extends Proposal {
  note: string | null;
  /** approvals by departments that are members now */
  counted: number;
  approvedByUs: boolean;
}

export interface ProposalPage {
  total: number;
  quorum: number;
  members: string[];
  items: ProposalView[];
}

export interface UserView extends UserRecord {
  hasPassword: boolean;
  /** holds a one-time password from a reset, not yet replaced */
  mustChangePassword: boolean;
  self: boolean;
}

/** POST /admin/users/{id}/password-reset: the one-time password, answered this once */
export interface PasswordReset {
  user: string;
  oneTimePassword: string;
  sessionsEnded: number;
}

/** GET /admin/account-events: who changed or reset whose password on this node */
export interface AccountEvent {
  time: number;
  action: 'password.change' | 'password.reset';
  actor: string;
  target: string;
  address: string;
}

/** A staff action's answer: the transaction, its receipt and finality. */
export interface ActionResult {
  id: string;
  receipt: TxReceipt;
  final: boolean;
  applied?: boolean;
  sessionsEnded?: boolean;
}

export interface Health {
  status: ChainStatus;
  lag: number;
  txs: { labels: Record<string, string>; value: number }[];
  submits: { labels: Record<string, string>; value: number }[];
  blocks: { height: number; time: number; txCount: number }[];
  process: { uptimeSeconds: number; rssBytes: number; heapUsedBytes: number };
}

export interface ApprovalStats {
  asOf: number;
  throughput: { bucketMs: number; buckets: { start: number; submitted: number; decided: number; returned: number }[] };
  stages: { dept: string; open: number; overdue: number }[];
}

export interface CreditStats {
  grades: { grade: 'A' | 'B' | 'C' | 'D'; count: number }[];
}
