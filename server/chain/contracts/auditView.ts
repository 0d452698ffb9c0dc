import { z } from 'zod';
import { clsAll } from '../classification.ts';
import { defineContract } from '../contract.ts';
import { ChainError } from '../errors.ts';
import { AUDIT_DEPT, NO_PARTIES } from '../readAccess.ts';

export const AuditPurpose = z.string().trim().min(4, 'a purpose of at least 4 characters').max(200);
export const MAX_VIEWED_RECORDS = 100;
/** A record shown one by one: AP-12-0 (approval), IN-…, CS-…, LC-…, PA-… (payout application), AW-…, PR-…, OB-…, or an enterprise by its credit code */
export const ViewedRecordId = z.string().regex(/^(?:[A-Z]{2}-[0-9]{1,10}-[0-9]{1,5}(?:-[0-9]{1,5})?|[0-9A-Z]{18})$/, 'a record id like IN-12-0, or a credit code');

/** Where a look that names records is kept, so a contract can check a share to audit against it. */
export const auditViewKey = (txId: string) => `audit/view/${txId}`;
export interface AuditViewRecord {
  by: { dept: string; user: string };
  records: string[];
  purpose: string;
  height: number;
}

/**
 * Public, like a dossier view's purpose: a look at others' records is accountable only if every
 * member and the enterprises concerned can read who looked, at what and why.
 */
export const AuditView = z.strictObject(clsAll({
  /** what was looked at: `tx:<id>`, `block:<height>`, `trace:<credit code, record id or key prefix>` */
  subject: z.string().min(3).max(200),
  purpose: AuditPurpose,
  /** the enterprises whose records the view showed, so each can find it in its data-use record */
  enterprises: z.array(z.string().regex(/^[0-9A-Z]{18}$/)).max(1000).default([]),
  /** the records shown one by one; a look naming records is kept in state as the basis of shares to audit */
  records: z.array(ViewedRecordId).max(MAX_VIEWED_RECORDS).optional(),
}, 'public'));
export type AuditView = z.infer<typeof AuditView>;

/**
 * An auditor's look at others' records (a transaction's content, a block's, a trace, a module
 * page). Like `dossier.view`, the transaction itself is the record: the node signs it for the
 * auditor before it answers. A look that names records is also kept in state
 * (`audit/view/<tx>`): it is the basis a `seal.share` to audit must name (contract-checked), so
 * audit reads a sealed field only after a recorded look at that very record.
 */
export const auditView = defineContract({
  kind: 'audit.view',
  payload: AuditView,
  roles: ['auditor'],
  // the enterprises see it in their data-use record, not through the explorer
  parties: () => NO_PARTIES,
  apply(ctx, state, p) {
    if (ctx.actor.dept !== AUDIT_DEPT) throw new ChainError('AUDITOR_OUTSIDE_AUDIT', `only auditors of the ${AUDIT_DEPT} department read across departments`, { status: 403 });
    const records = [...new Set(p.records ?? [])].sort();
    if (records.length) state.put(auditViewKey(ctx.txId), { by: { dept: ctx.actor.dept, user: ctx.actor.id }, records, purpose: p.purpose, height: ctx.height } satisfies AuditViewRecord);
    ctx.emit('audit.viewed', { dept: ctx.actor.dept, user: ctx.actor.id, subject: p.subject, purpose: p.purpose, enterprises: [...new Set(p.enterprises)].sort(), ...(records.length ? { records } : {}) });
  },
});
