import { ChainError } from '../../chain/errors.ts';
import { notFound } from '../../http/routeKit.ts';
import type { Role } from '../../chain/schema.ts';
import type { SessionUser } from '../../../shared/sessionUser.ts';
import type { DossierSection } from '../schema.ts';

/**
 * Who may see what of an enterprise. The dossier is the one door for looking at an enterprise
 * across departments: staff name a purpose and the view is recorded on the chain. Lists and
 * details elsewhere show a department only what it owns (its stages, its inspections, its
 * cases); an auditor sees everything; an enterprise sees only itself.
 */
export const DOSSIER_SECTIONS: Partial<Record<Role, DossierSection[]>> = {
  approver: ['profile', 'contacts', 'materials', 'licences', 'approvals', 'inspections', 'cases', 'credit', 'privacy'],
  inspector: ['profile', 'contacts', 'materials', 'licences', 'approvals', 'inspections', 'cases', 'credit', 'privacy'],
  enforcer: ['profile', 'contacts', 'licences', 'approvals', 'inspections', 'cases', 'caseDetails', 'credit', 'privacy'],
  auditor: ['profile', 'contacts', 'materials', 'licences', 'approvals', 'inspections', 'cases', 'caseDetails', 'credit', 'privacy', 'views'],
  clerk: ['profile', 'contacts', 'materials', 'licences', 'approvals', 'credit'],
  policy: ['profile', 'licences', 'cases', 'credit', 'privacy'],
  expert: ['profile', 'credit'],
  enterprise: ['profile', 'contacts', 'materials', 'licences', 'approvals', 'inspections', 'cases', 'caseDetails', 'credit', 'privacy', 'views'],
};

export const STAFF_READERS: Role[] = ['approver', 'inspector', 'enforcer', 'auditor', 'clerk', 'policy', 'expert'];

export function sectionsFor(u: SessionUser, code: string): DossierSection[] {
  if (u.role === 'enterprise') {
    // Another enterprise's dossier does not exist, as far as this caller can tell.
    if (u.id !== code) throw notFound('enterprise');
    return DOSSIER_SECTIONS.enterprise!;
  }
  const s = DOSSIER_SECTIONS[u.role];
  if (!s) throw new ChainError('FORBIDDEN', `role ${u.role} has no access to enterprise dossiers`, { status: 403 });
  return s;
}

export { isAuditor } from '../../chain/readAccess.ts';
export const isSelf = (u: SessionUser, code: string) => u.role === 'enterprise' && u.id === code;
