import { seal, type SealRecipient } from '@shared/sealing.ts';

/**
 * Seals the payee account (account number, bank name, CNAPS code) in this browser, before the
 * enterprise signs its application: every node gets ciphertext that only the departments named by
 * GET /payout/policies/{id}/sealing (the policy's department and the finance office) can open.
 * The name stays in plaintext: the chain checks it is the applicant's own (server/policy-payout/payeeSeal.ts).
 */
export async function sealPayee(payee: { name: string; account: string; bankName: string; bankCode: string }, to: SealRecipient[]) {
  const { name, account, bankName, bankCode } = payee;
  return { name, bank: await seal({ account, bankName, bankCode }, to) };
}

export type { SealRecipient };
