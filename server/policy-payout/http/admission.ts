import { ChainError } from '../../chain/errors.ts';
import { keys, type SignerRecord } from '../../chain/identity.ts';
import type { Admission } from '../../chain/module.ts';
import { parseWith } from '../../http/routeKit.ts';
import { ENTERPRISE_KINDS } from '../contracts/index.ts';
import type { PolicyRecord } from '../records.ts';
import { PayoutApply } from '../schema.ts';
import { pk } from '../stateKeys.ts';
import { requireAttachments } from './attachments.ts';
import { eventOf } from './common.ts';

/**
 * Applications and objections enterprises sign, at POST /tx. An application goes to the node of
 * the policy's department, which keeps its attachments (421 WRONG_NODE elsewhere), and names only
 * this enterprise's own uploads there.
 */
export const payoutAdmission: Admission = {
  kinds: ENTERPRISE_KINDS,
  async before(raw, node) {
    if (raw.kind !== 'payout.apply') return;
    const p = parseWith(PayoutApply, raw.payload, 'payload');
    const policy = await node.view().get<PolicyRecord>(pk.policy(p.policy));
    if (policy && policy.dept !== node.dept) throw new ChainError('WRONG_NODE', `apply at the node of ${policy.dept}, which keeps the attachments: /${policy.dept}/api/tx`, { status: 421 });
    const signer = await node.view().get<SignerRecord>(keys.signer(String(raw.signer ?? '')));
    await requireAttachments(node.db, signer?.type === 'enterprise' ? signer.code : '', p.attachments);
  },
  answer: (row) => ({ application: eventOf(row, 'payout.applied')?.application, objection: eventOf(row, 'payout.objected')?.objection }),
};
