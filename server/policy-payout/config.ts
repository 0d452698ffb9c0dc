import { z } from 'zod';
import { DeptId, type Genesis } from '../chain/schema.ts';
import { refuseControl } from '../chain/text.ts';

/**
 * Consortium configuration of payouts, from `genesis.config.payout`: which department pays (its
 * finance officers alone may trigger payment runs and record settlements) and the treasury
 * account payments are drawn on. Genesis never changes while a node runs, so it is parsed once.
 */
export const PayoutConfig = z.strictObject({
  financeDept: DeptId.default('finance'),
  debtor: z
    .strictObject({ name: z.string().min(1).max(70).superRefine(refuseControl(false)), account: z.string().regex(/^[0-9]{8,32}$/), bankName: z.string().min(1).max(60).superRefine(refuseControl(false)), bankCode: z.string().regex(/^[0-9]{12}$/) })
    .default({ name: '滨江市财政局国库支付中心', account: '330100100000000001', bankName: '中国人民银行滨江市中心支行', bankCode: '001331000018' }),
  /** the most awards one payment run takes (its state stays a sane size); the rest wait for the next run */
  maxRunAwards: z.number().int().min(1).max(100_000).default(20_000),
});
export type PayoutConfig = z.infer<typeof PayoutConfig>;

const cache = new WeakMap<Genesis, PayoutConfig>();

export function payoutConfig(genesis: Genesis): PayoutConfig {
  let c = cache.get(genesis);
  if (!c) cache.set(genesis, (c = PayoutConfig.parse(genesis.config.payout ?? {})));
  return c;
}
