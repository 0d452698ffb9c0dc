import { ChainError } from '../chain/errors.ts';

/**
 * What a bundle can be about: an enterprise (its unified social credit code) or one record,
 * named by the id the chain gave it: an approval application (AP-), licence (LC-), inspection
 * (IN-), enforcement case (CS-), policy (PL-), payout application (PA-) or payment run (PR-).
 */
const KINDS: [RegExp, string][] = [
  [/^[0-9A-Z]{18}$/, 'enterprise'],
  [/^AP-\d+-\d+(-\d+)?$/, 'application'],
  [/^LC-\d+-\d+(-\d+)?$/, 'licence'],
  [/^IN-\d+-\d+(-\d+)?$/, 'inspection'],
  [/^CS-\d+-\d+(-\d+)?$/, 'case'],
  [/^PL-\d+-\d+(-\d+)?$/, 'policy'],
  [/^PA-\d+-\d+(-\d+)?$/, 'payoutApplication'],
  [/^PR-\d+-\d+(-\d+)?$/, 'paymentRun'],
];

export const SUBJECT_LABELS: Record<string, string> = {
  enterprise: '企业',
  application: '审批申请',
  licence: '证照',
  inspection: '检查',
  case: '执法案件',
  policy: '惠企政策',
  payoutApplication: '政策兑现申请',
  paymentRun: '支付批次',
};

export function subjectKindOf(subject: string): string {
  const k = KINDS.find(([re]) => re.test(subject));
  if (!k) {
    throw new ChainError('BAD_SUBJECT', '证据对象须为统一社会信用代码或记录编号（AP-、CS-、PL-、PA-、PR-…） / the subject must be a credit code or a record id (AP-…, CS-…, PL-…, PA-…, PR-…)', { status: 400 });
  }
  return k[1];
}
