import { defineContract } from '../../chain/contract.ts';
import { DossierView } from '../schema.ts';
import { requireEnterprise } from './common.ts';

export const DOSSIER_ROLES = ['approver', 'inspector', 'enforcer', 'auditor', 'clerk', 'policy', 'expert'] as const;

/**
 * Who looked at whom, when and why. The transaction itself is the record (no state is
 * written): an auditor replays it, and the enterprise sees the list of its viewers.
 */
export const dossierView = defineContract({
  kind: 'dossier.view',
  payload: DossierView,
  roles: DOSSIER_ROLES,
  async apply(ctx, state, p) {
    await requireEnterprise(state, p.code);
    ctx.emit('dossier.viewed', { code: p.code, dept: ctx.actor.dept!, user: ctx.actor.id, role: ctx.actor.role, purpose: p.purpose, sections: p.sections, ...(p.item ? { item: p.item } : {}) });
  },
});
