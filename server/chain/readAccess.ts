import type { Role } from './schema.ts';

/**
 * Who may read what a transaction carries. Every node stores every payload (it re-executes
 * them), but a person reading through a node sees a transaction's payload, events, reason text
 * and state changes only with a basis:
 *
 * - `signer`: the department whose node signed it, for its administrator and for the person
 *   who acted (staff of the same department in other roles are not a basis: an expert does not
 *   read the window clerk's filings through the explorer);
 * - `self`: the enterprise that signed it;
 * - `party`: a party to the matter, as the contract declares (`ContractDef.parties`), or by
 *   default the enterprise a payload names in `code` or `enterprise`;
 * - `audit`: an auditor of the audit department who gave a purpose; the route records that
 *   view on the chain (`audit.view`) before answering.
 *
 * Everyone else gets the envelope only (`redactTx`): what happened, when and by which
 * department, never what it was about.
 */

export const AUDIT_DEPT = 'audit';

export interface Reader {
  dept: string;
  id: string;
  role: Role;
}

/** The one test of an auditor with a cross-department view. The chain refuses the role elsewhere (user.register). */
export const isAuditor = (u: Pick<Reader, 'role' | 'dept'>): boolean => u.role === 'auditor' && u.dept === AUDIT_DEPT;

export interface TxParties {
  /** credit codes of the enterprises the matter is about */
  enterprises: string[];
  /** departments party to the matter (their administrator and the roles in `roles` may read) */
  depts: string[];
  roles: Role[];
}

export const NO_PARTIES: TxParties = { enterprises: [], depts: [], roles: [] };

const CREDIT_CODE = /^[0-9A-Z]{18}$/;

/** The default parties: the enterprise a payload names in `code` or `enterprise`. */
export function defaultParties(payload: unknown): TxParties {
  if (!payload || typeof payload !== 'object') return NO_PARTIES;
  const p = payload as Record<string, unknown>;
  const codes = [p.code, p.enterprise].filter((c): c is string => typeof c === 'string' && CREDIT_CODE.test(c));
  return { enterprises: [...new Set(codes)], depts: [], roles: [] };
}

export interface TxFacts {
  /** the signing node's department; absent when an enterprise signed */
  signerDept: string | null;
  /** the enterprise that signed, if one did */
  signerEnterprise: string | null;
  actor: string | null;
  parties: TxParties;
}

export type ReadBasis = 'signer' | 'self' | 'party' | 'audit' | 'none';

/**
 * The basis `u` has to read a transaction's content. `auditPurpose` says whether an auditor gave
 * a purpose (the caller records it); without one an auditor has no basis yet.
 */
export function txReadBasis(u: Reader, t: TxFacts, auditPurpose: boolean): ReadBasis {
  if (u.role === 'enterprise') {
    if (t.signerEnterprise === u.id) return 'self';
    return t.parties.enterprises.includes(u.id) ? 'party' : 'none';
  }
  if (t.signerDept === u.dept && (u.role === 'admin' || (t.actor !== null && t.actor === u.id))) return 'signer';
  if (t.parties.depts.includes(u.dept) && (u.role === 'admin' || t.parties.roles.includes(u.role))) return 'party';
  if (isAuditor(u) && auditPurpose) return 'audit';
  return 'none';
}

/** Whether an auditor without a purpose would gain a basis by giving one. */
export const purposeWouldHelp = (u: Reader, t: TxFacts): boolean => isAuditor(u) && txReadBasis(u, t, false) === 'none';

export interface TxEnvelope {
  id: string;
  height: number;
  index: number;
  kind: string;
  status: string;
  code: string | null;
}

/**
 * What anyone signed in may know of a transaction: its id (a hash), place, kind, outcome code,
 * which department signed and on whose behalf (the department, not the person). No payload,
 * events, reason text (it can quote data) or state changes.
 */
export function redactTx(t: TxEnvelope, f: Pick<TxFacts, 'signerDept' | 'signerEnterprise' | 'actor'>) {
  return {
    id: t.id,
    height: t.height,
    index: t.index,
    kind: t.kind,
    signerDept: f.signerDept,
    signerType: f.signerEnterprise ? ('enterprise' as const) : ('node' as const),
    actorDept: f.signerEnterprise ? null : f.signerDept,
    status: t.status,
    code: t.code,
    redacted: true as const,
  };
}

/** An audit purpose as the portal sends it: a query parameter, or a URI-encoded `x-audit-purpose` header. */
export function purposeFrom(query: Record<string, unknown>, header: string | undefined): string | undefined {
  const q = typeof query.purpose === 'string' ? query.purpose : undefined;
  let h: string | undefined;
  if (header) {
    try {
      h = decodeURIComponent(header);
    } catch {
      h = header;
    }
  }
  const p = (q ?? h)?.trim();
  return p ? p : undefined;
}
