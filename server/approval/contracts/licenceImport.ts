import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import type { StateView } from '../../chain/state.ts';
import { updateCredit } from '../credit/facts.ts';
import type { LicenceRecord } from '../records.ts';
import { LicenceImport } from '../schema.ts';
import { ak, recordId } from '../stateKeys.ts';
import { licenceFact } from '../workflow/licences.ts';
import { byOf, emitRecord, requireEnterprise } from './common.ts';

const DAY = 86_400_000;
/** China Standard Time has no daylight saving: a day starts at 16:00 UTC the day before. */
const CST = 8 * 3_600_000;

/** The first millisecond of a calendar day in China, or undefined when there is no such day (2025-02-30). */
export function chinaDayStart(day: string): number | undefined {
  const [y, m, d] = day.split('-').map(Number);
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  if (y < 1949 || back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return undefined;
  return t - CST;
}

/**
 * Whether a department may import this licence at this block time: the enterprise is registered,
 * both days exist, the licence ends no earlier than it starts and was issued before today (it
 * is history, not a new approval), and its key is not on the chain yet. The importer runs the
 * same rule on every row before it signs, so a bad row is reported and never ordered.
 */
export async function checkLicenceImport(at: { dept: string; time: number }, state: StateView, p: LicenceImport): Promise<{ validFrom: number; validTo: number; key: string }> {
  await requireEnterprise(state, p.code);
  const validFrom = chinaDayStart(p.issuedOn);
  if (validFrom === undefined) reject('BAD_DATE', `issue date ${p.issuedOn} is not a day of the calendar (from 1949)`, 400, { field: 'issuedOn' });
  const end = chinaDayStart(p.validTo);
  if (end === undefined) reject('BAD_DATE', `valid-to date ${p.validTo} is not a day of the calendar (from 1949)`, 400, { field: 'validTo' });
  if (end < validFrom) reject('DATE_ORDER', `valid-to date ${p.validTo} is before the issue date ${p.issuedOn}`, 400, { field: 'validTo' });
  if (validFrom > at.time) reject('ISSUED_IN_FUTURE', `issue date ${p.issuedOn} is after today: only licences already issued are history`, 400, { field: 'issuedOn' });
  const key = ak.importedLicence(at.dept, p.source, p.number);
  const had = await state.get<{ licence: string }>(key);
  if (had) reject('ALREADY_IMPORTED', `licence ${p.number} from ${p.source} is already on the chain as ${had.licence}`, 409, { field: 'number', licence: had.licence });
  // valid through the whole of its last day
  return { validFrom, validTo: end + DAY - 1, key };
}

/**
 * A licence a department issued before it joined the chain (历史导入), in that department's name,
 * with its original number and days: history, not a new approval, so no application and no
 * stages. It counts in the credit score like any licence.
 */
export const licenceImport = defineContract({
  kind: 'licence.import',
  payload: LicenceImport,
  roles: ['admin', 'clerk'],
  precheck: (ctx, state, p) => checkLicenceImport({ dept: ctx.actor.dept ?? '', time: ctx.time }, state, p),
  async apply(ctx, state, p) {
    const { validFrom, validTo, key } = await checkLicenceImport({ dept: ctx.actor.dept ?? '', time: ctx.time }, state, p);
    const by = byOf(ctx);
    const lic: LicenceRecord = {
      id: recordId('LC', ctx),
      code: p.code,
      type: p.type,
      name: p.name,
      dept: by.dept ?? '',
      status: 'valid',
      validFrom,
      validTo,
      underCommitment: false,
      imported: { source: p.source, number: p.number, issuedOn: p.issuedOn, by },
    };
    state.put(ak.licence(lic.id), lic);
    state.put(key, { licence: lic.id, txId: ctx.txId });
    emitRecord(ctx, 'licence.imported', { id: lic.id, code: p.code, source: p.source, number: p.number }, [ak.licence(lic.id)]);
    await updateCredit(ctx, state, p.code, { kind: 'licence.import', ref: ak.licence(lic.id) }, (f) => licenceFact(f, lic));
  },
});
