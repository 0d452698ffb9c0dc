import { defineContract } from '../../chain/contract.ts';
import { reject } from '../../chain/errors.ts';
import { FilingSubmit } from '../schema.ts';
import { ak } from '../stateKeys.ts';
import { emitRecord } from './common.ts';
import { checkFiling, filingRecord } from './filingRules.ts';

/**
 * 一表申报: the enterprise files its profile, materials (hashes; the receiving node keeps the
 * files), commitment letters and consents once, signed with its own key. Every later
 * application reuses it.
 */
export const filingSubmit = defineContract({
  kind: 'filing.submit',
  payload: FilingSubmit,
  roles: ['enterprise'],
  async apply(ctx, state, p) {
    await checkFiling(ctx, state, p);
    if (await state.get(ak.filing(p.code))) reject('FILING_EXISTS', 'this enterprise has filed already; amend the filing instead', 409);
    state.put(ak.filing(p.code), filingRecord(ctx, p));
    emitRecord(ctx, 'filing.submitted', { code: p.code, version: 1 }, [ak.filing(p.code)]);
  },
});
