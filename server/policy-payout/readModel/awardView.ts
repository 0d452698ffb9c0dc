import { isAuditor, type Reader } from '../../chain/readAccess.ts';
import type { AwardRecord, AwardView } from '../records.ts';

/**
 * What of an award a reader sees. Publication (公示) requires the enterprise's name and credit
 * code, the policy, the amount, the period and the way to object; that much is for everyone
 * signed in. The payee account, bank, payment attempts and their failure reasons are for the
 * enterprise itself, the finance office that pays (`financeDept`), and an auditor whose look is
 * recorded (`auditRecorded`).
 */
export type AwardAccess = 'full' | 'public';

export function awardAccess(u: Reader, a: Pick<AwardRecord, 'code'>, financeDept: string, auditRecorded: boolean): AwardAccess {
  if (u.role === 'enterprise') return u.id === a.code ? 'full' : 'public';
  if (u.role === 'finance' && u.dept === financeDept) return 'full';
  if (isAuditor(u) && auditRecorded) return 'full';
  return 'public';
}

export function publicAward(a: Omit<AwardView, 'payee'>) {
  return {
    id: a.id,
    policy: a.policy,
    dept: a.dept,
    code: a.code,
    enterpriseName: a.enterpriseName,
    amountFen: a.amountFen,
    status: a.status,
    publication: a.publication,
    publicity: a.publicity,
    openObjections: a.openObjections,
    /** anyone signed in may object while the award is publicised (POST /payout/awards/{id}/objections; an enterprise signs payout.object) */
    objection: { open: a.status === 'publicised', path: `/payout/awards/${a.id}/objections` },
    // events and amounts only: notes can carry a bank's failure reason
    history: a.history.map((h) => ({ time: h.time, txId: h.txId, event: h.event, ...(h.amountFen ? { amountFen: h.amountFen } : {}) })),
    restricted: true as const,
  };
}

export const awardFor = (u: Reader, a: AwardView, financeDept: string, auditRecorded: boolean) =>
  awardAccess(u, a, financeDept, auditRecorded) === 'full' ? { ...a, restricted: false as const } : publicAward(a);
