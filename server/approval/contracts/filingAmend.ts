import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import type { FilingRecord } from '../records.ts';
import { FilingAmend } from '../schema.ts';
import { ak } from '../stateKeys.ts';
import { emitRecord } from './common.ts';
import { checkFiling, filingRecord } from './filingRules.ts';

/** An amendment, signed like the filing; earlier versions stay in state history and in `versions`. */
export const filingAmend = defineContract({
  kind: 'filing.amend',
  payload: FilingAmend,
  roles: ['enterprise'],
  async apply(ctx, state, { baseVersion, ...p }) {
    await checkFiling(ctx, state, p);
    const prev = await state.get<FilingRecord>(ak.filing(p.code));
    if (!prev) reject('NO_FILING', 'there is no filing to amend; submit one first', 404);
    if (prev.version !== baseVersion) reject('STALE_VERSION', `the filing is at version ${prev.version}, not ${baseVersion}; reload and amend again`, 409);
    const next = filingRecord(ctx, p, prev);
    state.put(ak.filing(p.code), next);
    emitRecord(ctx, 'filing.amended', { code: p.code, version: next.version }, [ak.filing(p.code)]);
  },
});
