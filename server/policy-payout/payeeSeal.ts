import { reject } from '../chain/errors.ts';
import { keys, type MemberRecord } from '../chain/identity.ts';
import type { Genesis } from '../chain/schema.ts';
import { deptOfKid, encKid, isSealed, openSealed, recipientDepts, seal, type SealOptions, type SealRecipient } from '../chain/sealing/envelope.ts';
import type { StateView } from '../chain/state.ts';
import { payoutConfig } from './config.ts';
import type { PayeeView } from './records.ts';
import type { Payee, PayeeBank, SealedPayee } from './schema.ts';

/**
 * The departments a payee account is sealed to: the policy's department, which decides, and the
 * finance office, which pays it. Each by its current key, read from state so every node agrees.
 */
export async function payeeSealRecipients(state: StateView, genesis: Genesis, policyDept: string): Promise<SealRecipient[]> {
  const out: SealRecipient[] = [];
  for (const d of [...new Set([policyDept, payoutConfig(genesis).financeDept])].sort()) {
    const m = await state.get<MemberRecord>(keys.member(d));
    if (m?.active && m.encKey) out.push({ kid: encKid(d, m.encKey), encKey: m.encKey });
  }
  return out;
}

/**
 * The account must be sealed to both departments that need it, by their current keys, and to
 * member departments only. Contract code: recipients and key ids, never the plaintext.
 */
export async function checkPayeeSeal(state: StateView, genesis: Genesis, policyDept: string, payee: SealedPayee): Promise<void> {
  const kids = payee.bank.jwe.recipients.map((r) => r.header.kid);
  if (new Set(kids).size !== kids.length) reject('SEAL_RECIPIENTS', 'the sealed payee account names one recipient twice');
  const want = await payeeSealRecipients(state, genesis, policyDept);
  const missing = want.filter((r) => !kids.includes(r.kid)).map((r) => r.kid);
  if (missing.length) reject('SEAL_RECIPIENTS', `the payee account must be sealed to ${missing.join(', ')} (their current keys: GET /api/payout/policies/{id}/sealing)`);
  for (const kid of kids) {
    const m = await state.get<MemberRecord>(keys.member(deptOfKid(kid)));
    if (!m?.active || !m.encKey || kid !== encKid(m.dept, m.encKey)) reject('SEAL_RECIPIENTS', `${kid} is not a member department's current encryption key`);
  }
}

/** Seals what the enterprise entered: the name stays in plaintext, the account and bank do not. */
export async function sealPayee(payee: Payee, to: SealRecipient[], o: SealOptions = {}): Promise<SealedPayee> {
  const { name, account, bankName, bankCode } = payee;
  return { name, bank: await seal({ account, bankName, bankCode } satisfies PayeeBank, to, o) };
}

/**
 * The payee as this node may keep it in a read model. Never throws: it runs inside the block's
 * database transaction, and an envelope that does not open must not stop the node.
 */
export async function payeeView(p: SealedPayee | Payee, keyring: Map<string, string>): Promise<PayeeView> {
  if (!isSealed((p as SealedPayee).bank)) return p as Payee;
  const { name, bank } = p as SealedPayee;
  const to = recipientDepts(bank);
  try {
    const opened = await openSealed<PayeeBank>(bank, keyring);
    if (opened) return { name, ...opened.value };
  } catch (e) {
    return { name, sealed: { to, readable: false, problem: (e as { code?: string }).code ?? 'SEAL_UNREADABLE' } };
  }
  return { name, sealed: { to, readable: false } };
}

/** The opened payee, or undefined where this node cannot open it. */
export const openPayee = async (p: SealedPayee, keyring: Map<string, string>): Promise<Payee | undefined> => {
  const v = await payeeView(p, keyring);
  return v.sealed ? undefined : (v as Payee);
};
