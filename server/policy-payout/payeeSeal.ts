import type { Genesis } from '../chain/schema.ts';
import { seal, type SealOptions, type SealRecipient } from '../chain/sealing/envelope.ts';
import type { StateView } from '../chain/state.ts';
import { payoutConfig } from './config.ts';
import { checkSealedTo, deptSealRecipients, openForView } from './deptSeal.ts';
import type { PayeeView } from './records.ts';
import type { Payee, PayeeBank, SealedPayee } from './schema.ts';

/** The policy's department, which decides, and the finance office, which pays. */
const payeeDepts = (genesis: Genesis, policyDept: string) => [policyDept, payoutConfig(genesis).financeDept];

/** The keys a payee account is sealed to: the policy's department and the finance office, each by its current key. */
export const payeeSealRecipients = (state: StateView, genesis: Genesis, policyDept: string): Promise<SealRecipient[]> =>
  deptSealRecipients(state, payeeDepts(genesis, policyDept));

/** The account must be sealed to both departments that need it (contract code: recipients only). */
export const checkPayeeSeal = (state: StateView, genesis: Genesis, policyDept: string, payee: SealedPayee): Promise<void> =>
  checkSealedTo(state, payee.bank, payeeDepts(genesis, policyDept), 'the payee account', 'their current keys: GET /api/payout/policies/{id}/sealing');

/** Seals what the enterprise entered: the name stays in plaintext, the account and bank do not. */
export async function sealPayee(payee: Payee, to: SealRecipient[], o: SealOptions = {}): Promise<SealedPayee> {
  const { name, account, bankName, bankCode } = payee;
  return { name, bank: await seal({ account, bankName, bankCode } satisfies PayeeBank, to, o) };
}

/** The payee as this node may keep it in a read model: opened, or the name and who it is sealed to. */
export async function payeeView(p: SealedPayee, keyring: ReadonlyMap<string, string>): Promise<PayeeView> {
  const o = await openForView<PayeeBank>(p.bank, keyring);
  return 'value' in o ? { name: p.name, ...o.value } : { name: p.name, sealed: o.sealed };
}

/** The opened payee, or undefined where this node cannot open it. */
export const openPayee = async (p: SealedPayee, keyring: ReadonlyMap<string, string>): Promise<Payee | undefined> => {
  const v = await payeeView(p, keyring);
  return v.sealed ? undefined : (v as Payee);
};
