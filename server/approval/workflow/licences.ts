import type { TxContext } from '../../chain/contract.ts';
import type { StateView } from '../../chain/state.ts';
import type { CreditFacts } from '../credit/score.ts';
import type { ProcessDef } from '../processes.ts';
import type { ApplicationRecord, LicenceRecord } from '../records.ts';
import { ak, recordId } from '../stateKeys.ts';

const DAY = 86_400_000;

/** Issues the process's licence (电子证照) when an application is approved; returns its id. */
export function issueLicence(ctx: TxContext, state: StateView, def: ProcessDef, app: ApplicationRecord, underCommitment: boolean): LicenceRecord | undefined {
  if (!def.licence) return undefined;
  const lic: LicenceRecord = {
    id: recordId('LC', ctx),
    code: app.code,
    type: def.licence.type,
    name: def.licence.name,
    dept: def.licence.dept,
    app: app.id,
    status: 'valid',
    validFrom: ctx.time,
    validTo: ctx.time + def.licence.validDays * DAY,
    underCommitment,
  };
  state.put(ak.licence(lic.id), lic);
  return lic;
}

export const licenceFact = (f: CreditFacts, l: LicenceRecord): void => {
  f.licences[ak.licence(l.id)] = { status: l.status, validTo: l.validTo, name: l.name };
};
