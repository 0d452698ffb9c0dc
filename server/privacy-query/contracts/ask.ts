import { defineContract } from '../../chain/contract.ts';
import { raiseQuery, type QueryRequest } from '../raise.ts';
import { AskPayload } from '../schema.ts';

/** Staff who may put a question to another department (never an enterprise, an expert or an administrator). */
export const ASKER_ROLES = ['approver', 'inspector', 'enforcer', 'policy', 'finance', 'auditor', 'clerk', 'holder', 'node'] as const;

/** A department's staff ask a yes/no question of a figure another department holds; raiseQuery holds every rule. */
export const privacyAsk = defineContract({
  kind: 'privacy.ask',
  payload: AskPayload,
  roles: ASKER_ROLES,
  async apply(ctx, state, p) {
    // raiseQuery parses the predicate itself; the payload schema only fixes its outline.
    await raiseQuery(ctx, state, { ...p, requester: { dept: ctx.actor.dept!, id: ctx.actor.id } } as QueryRequest);
  },
});
