import type { AwardStatus, PaymentStatus } from '../../api/payout/financeTypes.ts';

type TagType = 'success' | 'warning' | 'danger' | 'info' | 'primary';

/** Tag colours: red for money that came back, green for money that arrived. */
export const awardTag = (s: AwardStatus): TagType => ({ paid: 'success', failed: 'danger', paying: 'warning', payable: 'primary', withdrawn: 'info', approved: 'info', publicised: 'info' } as const)[s];
export const paymentTag = (s: PaymentStatus): TagType => ({ settled: 'success', failed: 'danger', sent: 'warning' } as const)[s];
