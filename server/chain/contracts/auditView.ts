import { z } from 'zod';
import { clsAll } from '../classification.ts';
import { defineContract } from '../contract.ts';
import { ChainError } from '../errors.ts';
import { AUDIT_DEPT, NO_PARTIES } from '../readAccess.ts';

export const AuditPurpose = z.string().trim().min(4, 'a purpose of at least 4 characters').max(200);

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
}, 'public'));
export type AuditView = z.infer<typeof AuditView>;

/**
 * An auditor's look at others' records through the ledger (a transaction's content, a block's,
 * a trace). Like `dossier.view`, the transaction itself is the record and no state is written:
 * the node signs it for the auditor before it answers.
 */
export const auditView = defineContract({
  kind: 'audit.view',
  payload: AuditView,
  roles: ['auditor'],
  // the enterprises see it in their data-use record, not through the explorer
  parties: () => NO_PARTIES,
  apply(ctx, _state, p) {
    if (ctx.actor.dept !== AUDIT_DEPT) throw new ChainError('AUDITOR_OUTSIDE_AUDIT', `only auditors of the ${AUDIT_DEPT} department read across departments`, { status: 403 });
    ctx.emit('audit.viewed', { dept: ctx.actor.dept, user: ctx.actor.id, subject: p.subject, purpose: p.purpose, enterprises: [...new Set(p.enterprises)].sort() });
  },
});
