import type { ApplicationRecord, ExpertRecord } from '../../api/payout/financeTypes.ts';

/** Whether the expert's declared or department-configured conflicts cover this application's enterprise or industry (the draw's own rule). */
export function isConflicted(reg: ExpertRecord | undefined, app: Pick<ApplicationRecord, 'code' | 'industry'>): boolean {
  if (!reg) return false;
  const ents = [...reg.declared.enterprises, ...reg.configured.enterprises];
  const inds = [...reg.declared.industries, ...reg.configured.industries];
  return ents.includes(app.code) || inds.some((p) => app.industry.startsWith(p));
}
