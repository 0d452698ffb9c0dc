import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import { updateCredit } from '../credit/facts.ts';
import type { LicenceRecord } from '../records.ts';
import { LicenceRevoke } from '../schema.ts';
import { ak } from '../stateKeys.ts';
import { licenceFact } from '../workflow/licences.ts';
import { byOf, emitRecord, mustGet, requireDept } from './common.ts';

/** Only the issuing department revokes a licence; the revocation lowers the licence dimension. */
export const licenceRevoke = defineContract({
  kind: 'licence.revoke',
  payload: LicenceRevoke,
  roles: ['approver'],
  async apply(ctx, state, p) {
    const lic = await mustGet<LicenceRecord>(state, ak.licence(p.licence), 'licence');
    requireDept(ctx, lic.dept, `licence ${lic.id}`);
    if (lic.status === 'revoked') reject('ALREADY_REVOKED', `licence ${lic.id} is already revoked`, 409);
    const next: LicenceRecord = { ...lic, status: 'revoked', revoked: { time: ctx.time, by: byOf(ctx), reason: p.reason, txId: ctx.txId } };
    state.put(ak.licence(lic.id), next);
    emitRecord(ctx, 'licence.revoked', { id: lic.id, code: lic.code }, [ak.licence(lic.id)]);
    await updateCredit(ctx, state, lic.code, { kind: 'licence.revoke', ref: ak.licence(lic.id) }, (f) => licenceFact(f, next));
  },
});
